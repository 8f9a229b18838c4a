"""Kill real ingests (SIGKILL) at every writer phase and at random moments; each must leave the store as
before the batch or with the batch complete, healthy (`store check`), and the next ingest must work.

    .venv/bin/python bench/bench_crash.py [--store var/store] [--trials 60] [--seed 1]

Each trial copies the store, runs `app.py ingest` on a small file (a demo hotel file cut to its first 40
lines, so it is new to the store) in a subprocess, kills it at a phase boundary (the writer stops itself
there when WUZHOU_STORE_STOP_AT names the phase) or after a random delay, checks the store, and ingests the
file again. Prints one row per trial and a table per phase.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store.db import PHASES, STOP_AT_ENV, Store  # noqa: E402
from store.health import check  # noqa: E402

CHANNEL = "hotel"


def small_file(feeds: Path, folder: Path, lines: int = 40) -> Path:
    """A demo hotel file cut to its first `lines` lines: a re-sent, cut-off file the store has not seen."""
    source = sorted(feeds.glob("hotel_*.csv"))[0]
    head = source.read_bytes().splitlines(keepends=True)[:lines]
    target = folder / source.name
    target.write_bytes(b"".join(head))
    return target


def ingest(store_root: Path, path: Path, stop_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, STOP_AT_ENV: stop_at or ""}
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--store", str(store_root), "ingest",
                             "--channel", CHANNEL, str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _stopped(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T"
    except OSError:
        return False


def kill_ingest(store_root: Path, path: Path, phase: str | None = None, delay: float = 0.0) -> str:
    """Run an ingest and SIGKILL it at `phase` (when it stops there) or after `delay` s; say how it ended."""
    proc = ingest(store_root, path, phase)
    deadline = time.monotonic() + (120 if phase else delay)
    while proc.poll() is None and time.monotonic() < deadline and not (phase and _stopped(proc.pid)):
        time.sleep(0.005)
    if proc.poll() is not None:
        return f"finished first (rc {proc.returncode})"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return f"killed at {phase}" if phase else f"killed after {delay:.2f} s"


def counts(store_root: Path) -> dict[str, int]:
    from store.db import table_counts
    return table_counts(Store(store_root).reader())


def trial(base: Path, work: Path, path: Path, before: dict, complete: dict, phase=None, delay=0.0) -> dict:
    """One kill on a fresh copy of `base`; then the checks and the next ingest."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    how = kill_ingest(work, path, phase, delay)
    health = check(Store(work))
    after_kill = counts(work)
    state = "before" if after_kill == before else "complete" if after_kill == complete else "PARTIAL"
    nxt = ingest(work, path)
    _, err = nxt.communicate(timeout=300)
    final = counts(work)
    ok = health.healthy and state != "PARTIAL" and nxt.returncode == 0 and final == complete
    problems = "; ".join(health.problems) or (err.strip().splitlines()[-1] if nxt.returncode else "")
    return {"phase": phase or "random", "how": how, "state": state, "healthy": health.healthy,
            "next_rc": nxt.returncode, "ok": ok, "problems": problems}


def reference(base: Path, folder: Path, path: Path) -> tuple[dict, dict, float]:
    """Row counts before and after a clean ingest of `path`, and its wall time."""
    clean = folder / "clean"
    shutil.copytree(base, clean)
    before = counts(clean)
    started = time.perf_counter()
    proc = ingest(clean, path)
    _, err = proc.communicate(timeout=300)
    if proc.returncode:
        raise RuntimeError(f"a clean ingest failed: {err}")
    seconds = time.perf_counter() - started
    return before, counts(clean), seconds


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", default=str(ROOT / "var" / "store"))
    p.add_argument("--feeds", default=str(ROOT / "var" / "demo" / "feeds-scale1-seed2020"))
    p.add_argument("--trials", type=int, default=60, help="total kills: 4 per phase, the rest at random moments")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="crash-") as tmp:
        folder = Path(tmp)
        path = small_file(Path(args.feeds), folder)
        before, complete, seconds = reference(Path(args.store), folder, path)
        print(f"clean ingest of {path.name}: {seconds:.2f} s; adds {sum(complete.values()) - sum(before.values())} rows")
        plan = [(phase, 0.0) for phase in PHASES for _ in range(4)]
        plan += [(None, rng.uniform(0.0, seconds)) for _ in range(max(args.trials - len(plan), 0))]
        rows = []
        for i, (phase, delay) in enumerate(plan, start=1):
            row = trial(Path(args.store), folder / "work", path, before, complete, phase, delay)
            rows.append(row)
            print(f"{i:>3} {row['phase']:<10} {row['how']:<26} left {row['state']:<8} healthy {row['healthy']!s:<5} "
                  f"next ingest rc {row['next_rc']} {'ok' if row['ok'] else 'FAILED ' + row['problems']}", flush=True)
    table = Counter((r["phase"], r["state"], r["ok"]) for r in rows)
    print("\n| phase | trials | left as before | left complete | partial | recovered |\n|---|---|---|---|---|---|")
    for phase in [*PHASES, "random"]:
        mine = [r for r in rows if r["phase"] == phase]
        print(f"| {phase} | {len(mine)} | {table[(phase, 'before', True)] + table[(phase, 'before', False)]} | "
              f"{table[(phase, 'complete', True)] + table[(phase, 'complete', False)]} | "
              f"{sum(r['state'] == 'PARTIAL' for r in mine)} | {sum(r['ok'] for r in mine)} of {len(mine)} |")
    failed = sum(not r["ok"] for r in rows)
    print(f"\n{len(rows)} ingests killed, {len(rows) - failed} recovered, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
