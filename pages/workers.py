"""Several server processes behind one port, so the dashboard uses every core.

One waitress process runs Python on one core at a time (the GIL): DuckDB's reads release it, but building
figures, JSON and gzip do not, so under many users one core did the work while the other idled. `serve` with
`workers` > 1 binds the listening socket once, in a small supervising process, and starts that many worker
processes that inherit it (the pre-fork design of gunicorn and nginx): each accepts connections from the same
socket, so the kernel hands a new connection to whichever worker is free first, and one URL serves them all.

What the workers share and what they do not:
- the published snapshot: each opens it read-only (DuckDB allows many read-only processes; the files'
  pages are shared in the OS cache), and each follows new snapshots on its own;
- sessions, login throttling, unmask counts, the audit log: in the state database (SQLite), shared;
- the language cookie's signing key: the supervisor sets WUZHOU_SECRET_KEY for them when it is not set;
- not the query caches: each worker warms its own (pages/warmup.py; a new snapshot before serving it,
  pages/served.py), and its memory is its own. The per-user limit of requests in flight (pages/limits.py) is counted per worker.

A worker that dies is started again; stopping the supervisor (Ctrl-C, SIGTERM) stops the workers.
"""
from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

log = logging.getLogger(__name__)

RESTART_PAUSE_S = 1.0          # between a worker's death and its replacement (no busy loop on a crash at start)


def workers_from_env(default: int | None = None) -> int:
    """WUZHOU_WORKERS, else `default`, else the number of cores."""
    value = os.environ.get("WUZHOU_WORKERS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return default or os.cpu_count() or 1


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A TCP socket bound to (host, port) and listening, inheritable by child processes (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def inherited_socket(fd: int) -> socket.socket:
    """The listening socket a worker inherited from the supervisor (`--listen-fd`)."""
    return socket.socket(fileno=fd)


def serve_workers(worker_argv: list[str], host: str, port: int, workers: int, on_ready=None) -> int:
    """Bind (host, port), run `workers` processes of `python *worker_argv --listen-fd FD` on it and keep them
    running until interrupted. `on_ready(port)` once the socket listens (connections wait in its backlog until
    a worker takes them)."""
    sock = listening_socket(host, port)
    bound = sock.getsockname()[1]
    env = {**os.environ}
    env.setdefault("WUZHOU_SECRET_KEY", secrets.token_hex(32))     # one key for all: cookies signed by any
    start = lambda: subprocess.Popen([sys.executable, *worker_argv, "--listen-fd", str(sock.fileno())],  # noqa: E731
                                     pass_fds=(sock.fileno(),), env=env)
    procs = [start() for _ in range(workers)]
    if on_ready is not None:
        on_ready(bound)
    else:
        print(f"serving on http://{host}:{bound} ({workers} worker processes)", flush=True)
    stop = {"now": False}

    def ask_stop(signum, _frame):
        stop["now"] = True

    previous = {s: signal.signal(s, ask_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop["now"]:
            for i, proc in enumerate(procs):
                if proc.poll() is not None and not stop["now"]:
                    log.warning("worker %d exited with %s; starting another", proc.pid, proc.returncode)
                    print(f"worker {proc.pid} exited ({proc.returncode}); starting another", file=sys.stderr,
                          flush=True)
                    time.sleep(RESTART_PAUSE_S)
                    procs[i] = start()
            time.sleep(0.2)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _stop_all(procs)
        sock.close()
    return 0


def _stop_all(procs: list[subprocess.Popen], timeout: float = 10) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.time() + timeout
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
