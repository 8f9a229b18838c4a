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
    # one account per load-test session: the server limits requests in flight per user (pages/limits.py)
    **{f"bench_{role}_{n}": (role, None) for role in ("leadership", "analyst") for n in range(64)},
}


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
    """AppConfig for a benchmark server; `state_path` only where AppConfig has it (login landed)."""
    from pages.context import AppConfig

    fields = {f.name for f in dataclasses.fields(AppConfig)}
    extra = {"state_path": state_path} if "state_path" in fields else {}
    if "notes_path" in fields:
        extra["notes_path"] = work / "notes.jsonl"
    return AppConfig(secret_key=b"bench-secret-key-not-for-production", assets_dir=assets, **extra)


def add_users(state_path: Path) -> None:
    from auth.state import State
    from auth.users import add_user, get_user

    state = State(state_path)
    for name, (role, district) in USERS.items():
        if get_user(state, name) is None:
            add_user(state, name, PASSWORD, role, district_code=district)


def _serve(args) -> int:
    from pages.production import serve_production
    from pages.server import create_app
    from store.db import Store

    work = Path(args.work)
    store = Store(args.store)
    assets = prepare_assets(store, work / "assets")
    app = create_app(store, app_config(work, assets, work / "state.sqlite"))

    def ready(server):
        print(f"PORT {server.effective_port}", flush=True)

    serve_production(app, host="127.0.0.1", port=args.port, threads=args.threads, on_ready=ready)
    return 0


# ------------------------------------------------------------------------------------------ client side
class Server:
    """The production server over `store_root` in a subprocess; `url` once started and its published snapshot
    warm (its /ready?warm=1, pages/warmup.py; `warm_s`: how long that took after it listened). A context manager."""

    def __init__(self, store_root: Path, work: Path, threads: int = 8, entry: list[str] | None = None):
        self.store_root, self.work, self.threads = Path(store_root), Path(work), threads
        self.entry = entry or ["-m", "bench.serving"]          # what the server process runs
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> Server:
        self.work.mkdir(parents=True, exist_ok=True)
        add_users(self.work / "state.sqlite")
        self.log = open(self.work / "server.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, *self.entry, "--store", str(self.store_root), "--work", str(self.work),
             "--threads", str(self.threads)],
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
        """Seconds until the server says its published snapshot is warm."""
        import requests

        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if requests.get(self.url + "/ready?warm=1", timeout=30).status_code == 200:
                return time.perf_counter() - started
            time.sleep(0.1)
        raise RuntimeError(f"server not warm after {timeout:.0f} s")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_bytes(self) -> int:
        """Resident memory of the server process now."""
        import psutil
        return psutil.Process(self.proc.pid).memory_info().rss

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
    return _serve(p.parse_args())


if __name__ == "__main__":
    sys.exit(main())
