"""What the serving benchmarks share: the production server over a store in its own process, users, log-in.

The server runs in a subprocess (`python -m bench.serving --store DIR ...`), so the client's threads never
compete with it for the GIL and its memory can be read alone. It gets its own assets folder (the project's
CSS/JS plus map files derived from the store's boundaries) and its own state and notes files in a temporary
folder: benchmarks never write into the project's assets/ or var/.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-pass-2020"
USERS = {  # username: (role, district)
    "bench_leader": ("leadership", None),
    "bench_analyst": ("analyst", None),
    "bench_police": ("police", "450403"),       # 万秀区
    "bench_admin": ("admin", None),
}


def session_users(roles: list[str]) -> dict:
    """One account per load-test session, bench_<role>_<n> for the n-th session's role (the server limits
    requests in flight per user, pages/limits.py)."""
    return {f"bench_{role}_{n}": (role, None) for n, role in enumerate(roles)}


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def row(benchmark: str, case: str, value, unit: str, budget: str = "", ok: bool | None = None,
        note: str = "") -> dict:
    return {"benchmark": benchmark, "case": case, "value": value, "unit": unit, "budget": budget,
            "ok": "" if ok is None else ("yes" if ok else "NO"), "note": note}


class LoadWatch:
    """The machine's load average over a benchmark run (others' work on a shared machine inflates timings)."""

    def __init__(self):
        self.start = os.getloadavg()[0]

    def row(self, benchmark: str) -> dict:
        end = os.getloadavg()[0]
        return row(benchmark, "machine load average (1 min) at start / end", f"{self.start:.1f} / {end:.1f}", "",
                   "", None, f"{os.cpu_count()} cores; timings above are inflated when this exceeds the cores")


def print_rows(rows: list[dict]) -> None:
    columns = ("benchmark", "case", "value", "unit", "budget", "ok", "note")
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(columns)]
    line = lambda values: "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |"  # noqa: E731
    print("\n".join([line(columns), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)]))


# ------------------------------------------------------------------------------------------ server side
def prepare_assets(store, folder: Path) -> Path:
    """An assets folder: the project's files (linked) and map GeoJSON derived from the store's boundaries."""
    from geo.mapfiles import write_map_files
    from ingest.placement import CityGeo

    folder.mkdir(parents=True, exist_ok=True)
    for item in (ROOT / "assets").iterdir():
        if item.name != "geo" and not (folder / item.name).exists():
            (folder / item.name).symlink_to(item)
    if not (folder / "geo" / "communities.geojson").exists():
        write_map_files(CityGeo.from_store(store.reader()).boundaries, folder / "geo")
    return folder


def app_config(work: Path, assets: Path, state_path: Path):
    """AppConfig for a benchmark server; `state_path` (and the others) only where AppConfig has it (a benchmark
    may run an older commit)."""
    from pages.context import AppConfig

    fields = {f.name for f in dataclasses.fields(AppConfig)}
    extra = {"state_path": state_path} if "state_path" in fields else {}
    if "notes_path" in fields:
        extra["notes_path"] = work / "notes.jsonl"
    if "max_stale_s" in fields:                 # as the production server: WUZHOU_MAX_STALE_S, else its default
        extra["max_stale_s"] = AppConfig.from_env().max_stale_s
    return AppConfig(secret_key=b"bench-secret-key-not-for-production", assets_dir=assets, **extra)


def add_users(state_path: Path, extra: dict | None = None) -> None:
    from auth.state import State
    from auth.users import add_user, get_user

    state = State(state_path)
    for name, (role, district) in {**USERS, **(extra or {})}.items():
        if get_user(state, name) is None:
            add_user(state, name, PASSWORD, role, district_code=district)


def _serve(args) -> int:
    from pages.production import serve_production
    from pages.server import create_app
    from pages.workers import inherited_socket, serve_workers
    from store.db import Store

    work = Path(args.work)
    store = Store(args.store)
    assets = prepare_assets(store, work / "assets")
    if args.workers > 1 and args.listen_fd is None:            # the supervisor: the workers build the app
        worker = ["-m", "bench.serving", "--store", args.store, "--work", args.work, "--threads", str(args.threads)]
        return serve_workers(worker, "127.0.0.1", args.port, args.workers,
                             lambda port: print(f"PORT {port}", flush=True))
    app = create_app(store, app_config(work, assets, work / "state.sqlite"))

    def ready(server):
        print(f"PORT {server.effective_port}", flush=True)

    sock = inherited_socket(args.listen_fd) if args.listen_fd is not None else None
    serve_production(app, host="127.0.0.1", port=args.port, threads=args.threads, on_ready=ready, sock=sock)
    return 0


# ------------------------------------------------------------------------------------------ client side
class Server:
    """The production server over `store_root` in a subprocess; `url` once started and its published snapshot
    warm (its /ready?warm=1, pages/warmup.py; `warm_s`: how long that took after it listened). A context manager."""

    def __init__(self, store_root: Path, work: Path, threads: int = 8, entry: list[str] | None = None,
                 workers: int = 1, accounts: dict | None = None):
        self.store_root, self.work, self.threads, self.workers = Path(store_root), Path(work), threads, workers
        self.accounts = accounts                               # accounts to add besides USERS
        self.entry = entry or ["-m", "bench.serving"]          # what the server process runs
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> Server:
        self.work.mkdir(parents=True, exist_ok=True)
        add_users(self.work / "state.sqlite", self.accounts)
        self.log = open(self.work / "server.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, *self.entry, "--store", str(self.store_root), "--work", str(self.work),
             "--threads", str(self.threads), *(["--workers", str(self.workers)] if self.workers > 1 else [])],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.time() + 180
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                raise RuntimeError(f"server exited: see {self.work / 'server.log'}")
            found = re.match(r"PORT (\d+)", line or "")
            if found:
                self.url = f"http://127.0.0.1:{found.group(1)}"
                self.warm_s = self.wait_ready()
                return self
        raise RuntimeError("server did not start in 180 s")

    def wait_ready(self, timeout: float = 1800) -> float:
        """Seconds until the server says its published snapshot is warm (each worker process: 20 answers in a
        row, each on a new connection, which any worker may take)."""
        import requests

        started = time.perf_counter()
        in_row = 0
        while time.perf_counter() - started < timeout:
            in_row = in_row + 1 if requests.get(self.url + "/ready?warm=1", timeout=30).status_code == 200 else 0
            if in_row >= (1 if self.workers == 1 else 20):
                return time.perf_counter() - started
            time.sleep(0.1 if not in_row else 0.01)
        raise RuntimeError(f"server not warm after {timeout:.0f} s")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_bytes(self) -> int:
        """Resident memory of the server's processes now (its workers' included)."""
        import psutil
        server = psutil.Process(self.proc.pid)
        total = server.memory_info().rss
        for child in server.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Client:
    """One user's session over HTTP as a browser on loopback keeps it: every cookie the server sets is sent
    back, Secure ones included (browsers treat http://127.0.0.1 as a secure context; `requests` does not, so the
    cookies are kept here rather than in its jar)."""

    def __init__(self, url: str):
        import http.cookiejar

        import requests

        self.url = url
        self.http = requests.Session()
        self.http.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))   # keep none
        self.cookies: dict[str, str] = {}
        self.logged_in = False

    def request(self, method: str, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = self.http.request(method, self.url + path, headers=headers, allow_redirects=False, **kwargs)
        for line in reply.raw.headers.getlist("Set-Cookie") if reply.raw is not None else []:
            name, _, rest = line.partition("=")
            value = rest.split(";")[0]
            if "max-age=0" in line.lower() or "expires=thu, 01 jan 1970" in line.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return reply

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> bool:
        """Log in when the app has a login form at /login; False when it has none (Dash's catch-all route
        answers any path with the app's index page, so a missing login is not a 404)."""
        probe = self.get("/login")
        if probe.status_code != 200 or 'name="password"' not in probe.text:
            return False
        reply = self.post("/login", data={"username": username, "password": password})
        if reply.status_code not in (302, 303) or "wz_session" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: {reply.status_code} {reply.text[:300]!r}")
        self.logged_in = True
        return True


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.serving", description="serve a store for the benchmarks")
    p.add_argument("--store", required=True)
    p.add_argument("--work", required=True, help="folder for assets, state and notes")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--workers", type=int, default=1, help="server processes on the one port (pages/workers.py)")
    p.add_argument("--listen-fd", type=int, help=argparse.SUPPRESS)
    return _serve(p.parse_args())


if __name__ == "__main__":
    sys.exit(main())
