"""Several server processes behind one port (pages/workers.py): every worker takes connections from the one
socket, they share one signing key, and a worker that dies is replaced. Real processes, real HTTP."""
from __future__ import annotations

import http.client
import os
import signal
import textwrap
import threading
import time

from pages.workers import serve_workers

# a worker: the production server (pages/production.make_server) on the inherited socket, answering with its
# process id and a digest of the key it was given
WORKER = textwrap.dedent("""
    import argparse, hashlib, os, sys
    sys.path.insert(0, {root!r})
    import dash
    from pages.production import make_server
    from pages.workers import inherited_socket

    p = argparse.ArgumentParser()
    p.add_argument("--listen-fd", type=int)
    fd = p.parse_args().listen_fd
    app = dash.Dash(__name__)
    app.layout = dash.html.Div()
    key = hashlib.sha256(os.environ["WUZHOU_SECRET_KEY"].encode()).hexdigest()[:16]
    app.server.add_url_rule("/who", "who", lambda: f"{{os.getpid()}} {{key}}")
    make_server(app, threads=2, sock=inherited_socket(fd)).run()
""")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def who(port: int) -> tuple[int, str]:
    """(pid, key digest) of the worker that takes a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/who")
    pid, key = conn.getresponse().read().decode().split()
    conn.close()
    return int(pid), key


def seen(port: int, want: int, timeout: float = 60) -> dict[int, str]:
    """Workers answering on `port` until `want` distinct ones were seen (busy connections spread them)."""
    found: dict[int, str] = {}
    deadline = time.time() + timeout
    while len(found) < want:
        assert time.time() < deadline, f"only {len(found)} of {want} workers answered: {found}"
        answers: list = []
        threads = [threading.Thread(target=lambda: answers.append(who(port))) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        found.update(answers)
    return found


def test_workers_share_the_port_and_the_key_and_are_replaced(tmp_path, monkeypatch):
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(root=ROOT))
    monkeypatch.delenv("WUZHOU_SECRET_KEY", raising=False)
    ready: list[int] = []
    # serve_workers installs signal handlers, which only the main thread may: it runs here, the checks in a
    # thread that stops it with SIGINT at the end
    results: dict = {}

    def check():
        try:
            while not ready:
                time.sleep(0.05)
            port = ready[0]
            first = seen(port, 2)
            results["first"] = first
            victim = next(iter(first))
            os.kill(victim, signal.SIGKILL)
            deadline = time.time() + 60
            while True:
                now = seen(port, 2)
                if victim not in now and len(now) == 2:
                    results["after"] = now
                    break
                assert time.time() < deadline, "the killed worker was not replaced"
                time.sleep(0.3)
        except BaseException as exc:      # noqa: BLE001  (reported by the test below)
            results["error"] = exc
        finally:
            os.kill(os.getpid(), signal.SIGINT)          # stops the supervisor (its handler, not KeyboardInterrupt)

    checker = threading.Thread(target=check, daemon=True)
    checker.start()
    assert serve_workers([str(script)], "127.0.0.1", 0, 2, ready.append) == 0
    checker.join(10)
    assert "error" not in results, results.get("error")
    first, after = results["first"], results["after"]
    assert len(first) == 2 and len(set(first.values())) == 1       # two processes, one key
    assert len(after) == 2 and set(after.values()) == set(first.values())
    for pid in after:                                              # stopped with the supervisor
        assert not os.path.exists(f"/proc/{pid}"), f"worker {pid} outlived the supervisor"
