"""The export's count and first block for filters nobody asked for yet, on queries alone, before and after, in
one process and alternated: the count as the whole list's length (loop_people.sql, before) against
loop_people_count.sql (after), and an unsorted block of 100 rows as loop_people_page.sql. Checks that both
counts agree on every filter.

    python bench/bench_export_count.py [--store var/store] [--tries 8]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.serving import LoadWatch, percentile, print_rows, row  # noqa: E402


def run(store_root: Path, tries: int = 8, seed: int = 19) -> list[dict]:
    from queries.period import data_period
    from queries.runner import Scope, run as query
    from store.db import Store

    watch = LoadWatch()
    conn = Store(store_root).reader()
    period = data_period(conn)
    districts = [r[0] for r in conn.execute("SELECT code FROM districts ORDER BY code").fetchall()]
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"whole list (before)": [], "count (after)": [], "unsorted block of 100": []}
    for _ in range(tries):
        scope = Scope("analyst", rng.choice([None, *districts]))
        given = {"as_of": period.latest - dt.timedelta(days=rng.randint(0, 60)), "since": period.start,
                 "population": rng.choice([None, "abroad", "entered", "in_quarantine", "released"]), "community": None,
                 "moved": "[]"}
        full = {**given, "doc_type": None, "country": None, "channel": None, "sort_col": None, "sort_desc": False}
        started = time.perf_counter()
        listed = len(query(conn, "loop_people", scope, **full))
        times["whole list (before)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        counted = int(query(conn, "loop_people_count", scope, **given)["people"].iloc[0])
        times["count (after)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        query(conn, "loop_people_page", scope, **full, page_start=0, page_rows=100)
        times["unsorted block of 100"].append(time.perf_counter() - started)
        if counted != listed:
            raise AssertionError(f"count {counted} != list {listed} for {scope} {given}")
    return [*(row("export count", case, round(percentile(v, 50) * 1000), "ms", "", None,
                  f"median of {len(v)} varied filters; max {max(v) * 1000:.0f} ms") for case, v in times.items()),
            watch.row("export count")]


def main() -> int:
    p = argparse.ArgumentParser(prog="python bench/bench_export_count.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--store", default=str(ROOT / "var" / "store"))
    p.add_argument("--tries", type=int, default=8)
    args = p.parse_args()
    print_rows(run(Path(args.store), args.tries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
