"""Reading a feed file into the staging tables: the project's reader (Python's csv module -> Arrow -> DuckDB)
beside DuckDB's own read_csv with the options the reader used before (strict mode, rejects table), on the same
files in the same run. DuckDB's time is a floor: it neither counts physical lines nor decides the encoding on the
whole file, which is what the reader adds (docs/feeds.md).

    .venv/bin/python bench/bench_read.py [--feeds var/demo/feeds-scale1-seed2020] [--feed vehicle_checks] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _duckdb_read_csv(conn, feed, path: Path) -> int:
    """The core of the former reader: a UTF-8 file through read_csv, strict, rejects stored."""
    conn.execute(f"""CREATE OR REPLACE TEMP TABLE csv_rows AS SELECT * FROM read_csv('{path}', header = true,
        all_varchar = true, delim = '{feed.delimiter}', quote = '{feed.quote}', escape = '{feed.escape}',
        strict_mode = true, store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans',
        parallel = false)""")
    return conn.execute("SELECT (SELECT count(*) FROM csv_rows) + (SELECT count(*) FROM csv_rejects)").fetchone()[0]


def run(feeds_dir: Path, feed_name: str = "vehicle_checks", repeats: int = 3) -> list[dict]:
    import duckdb

    from ingest.channels import feed_named
    from ingest.readers import load_raw

    feed = feed_named(feed_name)
    files = sorted(feeds_dir.glob(feed.pattern))
    if not files:
        raise FileNotFoundError(f"no {feed.pattern} in {feeds_dir}")
    readers = {"ingest.readers (csv module -> Arrow)": lambda c, p: load_raw(c, feed, p),
               "DuckDB read_csv, strict (floor)": lambda c, p: _duckdb_read_csv(c, feed, p)}
    rows, rates = [], {}
    for label, read in readers.items():
        times, count = [], 0
        for _ in range(repeats):
            conn = duckdb.connect()
            started = time.perf_counter()
            count = sum(read(conn, path) for path in files)
            times.append(time.perf_counter() - started)
            conn.close()
        rates[label] = count / statistics.median(times)
        rows.append({"benchmark": "read rows/s", "case": f"{feed_name}: {label}", "value": round(rates[label]),
                     "unit": "rows/s", "budget": "", "ok": "",
                     "note": f"{count:,} rows in {len(files)} files, median of {repeats}: {statistics.median(times):.2f} s"})
    ours, floor = rates.values()
    rows[0]["note"] += f"; {ours / floor:.2f}x DuckDB's read_csv (same run)"
    return rows


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=Path, default=ROOT / "var" / "demo" / "feeds-scale1-seed2020")
    p.add_argument("--feed", default="vehicle_checks")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    for r in run(args.feeds, args.feed, args.repeats):
        print(f"{r['case']:<50} {r['value']:>10,} rows/s  {r['note']}")
