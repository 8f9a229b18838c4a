"""Measure the store designs for small batches (docs/store.md): what a 10-row batch costs to write and
publish, and what readers pay for it in every dashboard query.

    .venv/bin/python bench/bench_store_design.py [--store var/store] [--deltas 0 10 50] [--repeats 3]

(1) copy-on-write today: copy the published file (`shutil.copyfile`), change it, checkpoint: bytes written
and seconds. (2) base + deltas: the batch goes to a new small DuckDB file holding only the rows it adds; a
reader ATTACHes the base and every published delta read-only and sees each table as a view `base.t UNION
ALL d1.t UNION ALL ...`. Every dashboard query (bench.bench_queries.calls, run through queries.runner as the
pages do) is timed on the base file itself and through the views with 0, 10 and 50 deltas.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store.db import Store, table_counts  # noqa: E402

BATCH_TABLES = ("sightings", "batches")        # what a small hotel file adds: its sightings and its batch row


def copy_on_write(base: Path, folder: Path) -> tuple[float, int]:
    """Seconds and bytes to publish 10 rows the way store.db does: copy, insert, checkpoint."""
    target = folder / "cow.duckdb"
    started = time.perf_counter()
    shutil.copyfile(base, target)
    conn = duckdb.connect(str(target))
    conn.execute("INSERT INTO sightings SELECT * FROM sightings LIMIT 10")
    conn.execute("CHECKPOINT")
    conn.close()
    return time.perf_counter() - started, target.stat().st_size


def write_delta(base: Path, target: Path) -> tuple[float, int]:
    """Seconds and bytes to write a delta file holding a 10-row batch (rows taken from the base)."""
    started = time.perf_counter()
    conn = duckdb.connect(str(target))
    conn.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
    for table in BATCH_TABLES:
        conn.execute(f"CREATE TABLE {table} AS SELECT * FROM base.{table} LIMIT 10")
    conn.execute("DETACH base")
    conn.execute("CHECKPOINT")
    conn.close()
    return time.perf_counter() - started, target.stat().st_size


def union_reader(base: Path, deltas: list[Path]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose tables are views over the base and the deltas, all attached read-only."""
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
    for i, delta in enumerate(deltas):
        conn.execute(f"ATTACH '{delta}' AS d{i} (READ_ONLY)")
    for table in table_counts(duckdb.connect(str(base), read_only=True)):
        parts = [f"SELECT * FROM base.{table}"]
        parts += [f"SELECT * FROM d{i}.{table}" for i in range(len(deltas)) if table in BATCH_TABLES]
        conn.execute(f"CREATE VIEW {table} AS {' UNION ALL '.join(parts)}")
    return conn


def time_queries(conn, repeats: int) -> float:
    """Sum over every dashboard query of its median seconds."""
    from bench.bench_queries import ROLE, calls
    from queries.runner import Scope, run

    total = 0.0
    for _label, name, params in calls(conn):
        run(conn, name, Scope(ROLE), **params)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run(conn, name, Scope(ROLE), **params)
            times.append(time.perf_counter() - started)
        total += statistics.median(times)
    return total


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", default=str(ROOT / "var" / "store"))
    p.add_argument("--deltas", type=int, nargs="+", default=[0, 10, 50])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    base = Store(args.store).current_path()
    with tempfile.TemporaryDirectory(prefix="design-") as tmp:
        folder = Path(tmp)
        seconds, size = copy_on_write(base, folder)
        print(f"| copy-on-write, 10 rows | {seconds:.3f} s | {size / 1e6:.1f} MB written |")
        deltas = []
        for i in range(max(args.deltas)):
            seconds_i, size_i = write_delta(base, folder / f"delta-{i}.duckdb")
            deltas.append(folder / f"delta-{i}.duckdb")
            if i == 0:
                print(f"| delta file, 10 rows | {seconds_i:.3f} s | {size_i / 1e6:.2f} MB written |")
        direct = time_queries(duckdb.connect(str(base), read_only=True), args.repeats)
        print(f"| every dashboard query, the base file itself | {direct:.3f} s (sum of medians) | |")
        for k in args.deltas:
            started = time.perf_counter()
            conn = union_reader(base, deltas[:k])
            opened = time.perf_counter() - started
            total = time_queries(conn, args.repeats)
            print(f"| every dashboard query, views over base + {k} deltas | {total:.3f} s ({total / direct:.2f}x) |"
                  f" reader opens in {opened:.3f} s |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
