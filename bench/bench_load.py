"""Load: many logged-in sessions at once against the production server while feed files are ingested into the
same store (a copy of it), as on a working day: p95 latency, requests done, errors, errors that are DuckDB
locks seen by users, and the server process's peak memory.

    python bench/bench_load.py [--store var/store] [--scale 1] [--sessions 50] [--seconds 60] [--think 2]

Each session logs in (analysts, and one in five leadership), then cycles: a page load (the page's HTML, its
layout, the router callback and the overview's first callbacks), map recolours on date and metric changes,
headline cards, and for analysts the export page: a filtered count and grid blocks. Between two requests a
session waits `think` seconds on average (uniformly 0.5x..1.5x; 0 = as fast as the server answers).
Meanwhile another process ingests a one-row rail file (a returnee: a new alert) every `every` seconds, and every
ingest publishes a new snapshot, so the server's caches turn over during the run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_callbacks import Fixtures, body_for, copy_store, first_output, scenarios  # noqa: E402
from bench.serving import Client, LoadWatch, Server, percentile, print_rows, row, session_users  # noqa: E402

LOCK = re.compile(r"(?i)conflicting lock|could not set lock|lock on file|\bIO Error\b|database is locked|"
                  r"\bCatalog Error\b|no database published")


# ------------------------------------------------------------------------------------------ ingest side
def ingest_loop(store_root: Path, seconds: float, every: float) -> int:
    """Ingest a one-row rail file (a person abroad arriving by train) every `every` seconds for `seconds`;
    prints one line per ingest."""
    from bench.bench_alerts import _returnees
    from store.db import Store

    store = Store(store_root)
    people = _returnees(store.reader(), 200)
    with tempfile.TemporaryDirectory(prefix="bench-load-feeds-") as work:
        _ingest_every(store, people, Path(work), seconds, every)
    return 0


def _ingest_every(store, people, work: Path, seconds: float, every: float) -> None:
    from ingest.channels import feed_named
    from ingest.run import ingest_files

    ends = time.time() + seconds
    i = 0
    while every > 0 and i < len(people):
        time.sleep(max(0.0, min(every, ends - time.time())))          # the first ingest after `every` s
        if time.time() >= ends:
            break
        name, doc_type, number = people[i]
        path = work / f"rail_load{i}.csv"
        path.write_text("车次,出发站,到达站,到达时间,姓名,证件类型,证件号码,手机\n"
                        f"D3626,广州南,梧州南站,2020-04-30 {8 + i % 12:02d}:{i % 60:02d},{name},{doc_type},{number},\n",
                        encoding="utf-8")
        started = time.perf_counter()
        summaries, errors = ingest_files(store, [(feed_named("rail"), path)], show_progress=False)
        outcome = "ERROR " + errors[0] if errors else "ok"
        print(f"INGEST {time.perf_counter() - started:.3f} {store.version()} {outcome}", flush=True)
        i += 1


# ------------------------------------------------------------------------------------------ sessions
class Session(threading.Thread):
    def __init__(self, n: int, url: str, role: str, deps: dict, fx: Fixtures, think: float, stop: threading.Event,
                 log: list, lock: threading.Lock, nice: int = 0):
        super().__init__(daemon=True, name=f"session-{n}")
        self.nice = nice
        self.n, self.role, self.deps, self.fx, self.think, self.stop = n, role, deps, fx, think, stop
        self.log, self.lock = log, lock
        self.client = Client(url)
        self.rng = random.Random(n)
        self.table = scenarios(fx)

    def login(self) -> None:
        self.client.login(f"bench_{self.role}_{self.n}")          # an account of its own (serving.session_users)

    def record(self, kind: str, started: float, status: int, text: str = "") -> None:
        ms = (time.perf_counter() - started) * 1000
        locked = bool(LOCK.search(text))
        with self.lock:
            self.log.append((time.time(), kind, ms, status, locked, text[:200] if status not in (200, 204) else ""))

    def get(self, kind: str, path: str) -> None:
        started = time.perf_counter()
        try:
            reply = self.client.get(path, headers={"Accept-Encoding": "gzip"})
            self.record(kind, started, reply.status_code, reply.text)
        except Exception as exc:                    # noqa: BLE001  (a refused or broken connection)
            self.record(kind, started, 0, repr(exc))

    def callback(self, kind: str, output: str, inputs: dict, state=None, changed=None) -> dict | None:
        dep = self.deps.get(output)
        if dep is None:
            return None
        body = body_for(dep, inputs, state or {}, changed)
        started = time.perf_counter()
        try:
            reply = self.client.post("/_dash-update-component", data=json.dumps(body),
                                     headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
            text = reply.text
            self.record(kind, started, reply.status_code, text)
            return json.loads(text).get("response") if reply.status_code == 200 else None
        except Exception as exc:                    # noqa: BLE001
            self.record(kind, started, 0, repr(exc))
            return None

    def scenario(self, kind: str, output: str) -> None:
        make = next(x[4] for x in self.table if x[0] == output)
        inputs, state, changed, *before = make(self.rng.randint(0, 999), self.rng)
        for first, values in before:                # what the page fires first (the filters' count)
            self.callback("export count", first, values)
        self.callback(kind, output, inputs, state, changed)

    def pause(self) -> None:
        if self.think:
            self.stop.wait(self.think * self.rng.uniform(0.5, 1.5))

    def page_load(self, path: str) -> None:
        self.get("page html", path)
        self.get("page layout", "/_dash-layout")
        self.callback("page route", "page.children", {"url.pathname": path, "url.search": ""}, {},
                      ["url.pathname"])
        if path == "/":
            drill = {"ov-drill.data": {"path": [], "selected": None}}
            self.callback("cards", "ov-cards.children", {"ov-day.value": 69, **drill})
            self.callback("daily", "ov-daily.figure", {"ov-day.value": 69, **drill})
            self.callback("ranked", "ov-ranked.children", {**drill, "ov-metric.value": "abroad", "ov-day.value": 69})

    def run(self) -> None:
        # the load generator yields the cores to the server (and the ingest) it measures: each session's thread
        # runs at a lower priority (Linux: a thread is a task of its own for setpriority)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        recolour = lambda: self.scenario("recolour", "ov-map.figure")            # noqa: E731
        steps = [lambda: self.page_load("/"), recolour, recolour, lambda: self.scenario("cards", "ov-cards.children"),
                 recolour, lambda: self.scenario("daily", "ov-daily.figure")]
        if self.role == "analyst":
            steps += [lambda: self.page_load("/export"), lambda: self.scenario("export count", "ex-filters.data"),
                      lambda: self.scenario("grid block", "ex-grid.getRowsResponse"),
                      lambda: self.scenario("grid block", "ex-grid.getRowsResponse")]
        i = self.n                                  # sessions start at different steps
        while not self.stop.is_set():
            try:
                steps[i % len(steps)]()
            except Exception as exc:    # noqa: BLE001  (a broken step counts as an error, never a silent stop)
                self.record("session step", time.perf_counter(), 0, repr(exc))
            i += 1
            self.pause()


def run(store_root: Path, scale: int = 1, sessions: int = 50, seconds: float = 60, think: float = 2.0,
        every: float = 10, threads: int = 8, entry: list[str] | None = None, workers: int = 1,
        nice: int = 10) -> list[dict]:
    from store.db import Store

    watch = LoadWatch()
    roles = ["leadership" if i % 5 == 0 else "analyst" for i in range(sessions)]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        tmp = Path(tmp)
        copy_store(Path(store_root), tmp / "store", steady=True)
        fx = Fixtures.of(Store(tmp / "store"))
        with Server(tmp / "store", tmp / "work", threads=threads, entry=entry, workers=workers,
                    accounts=session_users(roles)) as server:
            probe = Client(server.url)
            probe.login("bench_leader")
            deps = {first_output(d["output"]): d for d in probe.get("/_dash-dependencies").json()
                    if not d.get("clientside_function")}
            deps["page.children"] = next(d for d in deps.values() if "page.children" in d["output"])
            log: list = []
            lock, stop = threading.Lock(), threading.Event()
            users = [Session(i, server.url, r, deps, fx, think, stop, log, lock, nice) for i, r in enumerate(roles)]
            for s in users:
                s.login()
            rss = [server.rss_bytes()]
            ingest = subprocess.Popen([sys.executable, str(Path(__file__)), "--ingest-loop", str(tmp / "store"),
                                       "--seconds", str(seconds), "--every", str(every)],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            started = time.time()
            for s in users:
                s.start()
            while time.time() - started < seconds:
                time.sleep(0.25)
                rss.append(server.rss_bytes())
            stop.set()
            for s in users:
                s.join(30)
            elapsed = time.time() - started
            ingest_out = ingest.communicate(timeout=120)[0]
            server_log = (tmp / "work" / "server.log").read_text(errors="replace")
    return [*rows_of(log, elapsed, rss, ingest_out, server_log, scale, sessions, think, threads, workers, nice),
            watch.row("load")]


def rows_of(log, elapsed, rss, ingest_out, server_log, scale, sessions, think, threads, workers=1,
            nice=0) -> list[dict]:
    ms = [e[2] for e in log]
    errors = [e for e in log if e[3] not in (200, 204)]
    locked = [e for e in log if e[4]]
    server_locks = len(LOCK.findall(server_log))
    ingests = [line.split() for line in ingest_out.splitlines() if line.startswith("INGEST")]
    ingest_errors = [x for x in ingests if x[3] != "ok"]
    by_kind = defaultdict(list)
    for e in log:
        by_kind[e[1]].append(e[2])
    p95 = percentile(ms, 95)
    setting = (f"scale {scale}, {sessions} sessions, think {think} s, {workers} server process(es) x {threads} "
               f"threads, client at nice {nice}, {elapsed:.0f} s")
    kinds = "; ".join(f"{k} {percentile(v, 95):.0f}" for k, v in sorted(by_kind.items()))
    rows = [
        row("load", f"p95 latency, all requests ({setting})", round(p95, 1), "ms", "", None,
            f"p50 {percentile(ms, 50):.1f} ms, max {max(ms):.0f} ms; p95 by kind (ms): {kinds}"),
        row("load", "requests done", len(log), "requests", "", None, f"{len(log) / elapsed:.1f} requests/s"),
        row("load", "errors", len(errors), "responses", "0", not errors,
            "; ".join(sorted({f"{e[1]}: HTTP {e[3]} {e[5][:80]}" for e in errors}))[:300]),
        row("load", "DuckDB lock / IO errors seen by users", len(locked), "responses", "0", not locked,
            f"server log mentions of locks / IO errors: {server_locks}"),
        row("load", "ingests during the run", len(ingests), "files", "", not ingest_errors,
            (f"one-row rail file each, median {sorted(float(x[1]) for x in ingests)[len(ingests) // 2]:.1f} s, "
             f"each a new snapshot (last {ingests[-1][2]})" if ingests else "none: " + (ingest_out[-300:] or "--every 0"))
            + (f"; {len(ingest_errors)} failed: {' '.join(ingest_errors[0][3:])[:100]}" if ingest_errors else "")),
        row("load", "server peak memory (RSS)", round(max(rss) / 2**20), "MB", "", None,
            f"at start {rss[0] / 2**20:.0f} MB; sampled every 0.25 s"),
    ]
    return rows


def main() -> int:
    p = argparse.ArgumentParser(prog="python bench/bench_load.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--store", default=str(ROOT / "var" / "store"))
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--think", type=float, default=2.0, help="mean seconds between a session's requests")
    p.add_argument("--every", type=float, default=10, help="seconds between two ingests (0: no ingest)")
    p.add_argument("--threads", type=int, default=8, help="server threads (per worker process)")
    p.add_argument("--workers", type=int, default=1, help="server worker processes on the one port")
    p.add_argument("--nice", type=int, default=10, help="niceness of the load generator's process (0: as the server)")
    p.add_argument("--ingest-loop", metavar="STORE", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.ingest_loop:
        return ingest_loop(Path(args.ingest_loop), args.seconds, args.every)
    print_rows(run(Path(args.store), args.scale, args.sessions, args.seconds, args.think, args.every, args.threads,
                   workers=args.workers, nice=args.nice))
    return 0


if __name__ == "__main__":
    sys.exit(main())
