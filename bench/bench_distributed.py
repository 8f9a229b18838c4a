"""The ingest on one machine and on a Dask cluster of 1 and 2 workers, from the same files into fresh stores
(the city's geography only): wall time of each, and whether they stored the same data (every table's rows,
ingest times aside) and the same headline figures (city and every district); then a province of two cities fed
by one distributed ingest of the same files with a second city's records mixed in.

    .venv/bin/python bench/bench_distributed.py --feeds var/bench/scale100-seed2020/feeds --weeks 2020w13 \
        --workers 1 --workers 2 --province

--weeks keeps the lists and the files of those weeks (default: every file in the folder); --day cuts the middle
seventh of each weekly file and leaves out the initial abroad list (bench_day's day). The machine's load
average is printed beside each timing (the machine is shared). Cluster start-up is timed apart from the ingest.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load() -> str:
    return "load %.1f %.1f %.1f" % os.getloadavg()


def _fresh(root: Path, boundaries):
    from ingest.reference import write_reference
    from store.db import Store

    store = Store(root)
    with store.writer() as conn:
        write_reference(conn, boundaries)
    return store


def _commit_s(store) -> float:
    """Seconds the batches spent from their start to their commit (on Dask: after their rows were staged)."""
    return store.reader().execute("SELECT sum(epoch(committed_at) - epoch(started_at)) FROM batches"
                                  " WHERE rows_read > 100").fetchone()[0]


def _figures(store) -> dict:
    from queries.figures import headline
    from queries.period import data_period
    from queries.runner import Scope

    conn = store.reader()
    latest = data_period(conn).latest
    codes = [c for (c,) in conn.execute("SELECT code FROM districts ORDER BY code").fetchall()]
    return {area: headline(conn, Scope.whole_city() if area == "all" else Scope("leadership", area), latest)
            for area in ["all", *codes]}


def select_files(feeds: Path, weeks: list[str], day: bool, out: Path) -> list:
    from bench.bench_day import cut_day
    from demo.build import files_in

    files = [(f, p) for f, p in files_in(feeds)
             if not weeks or not re.search(r"_\d{4}w\d\d\.", p.name) or any(w in p.name for w in weeks)]
    if day:     # as bench_day: the initial abroad list is not daily and is left out; the reference lists are kept
        out.mkdir(parents=True, exist_ok=True)
        files = [(f, cut_day(f, p, out)[0]) if re.search(r"_\d{4}w\d\d\.", p.name) else (f, p) for f, p in files
                 if re.search(r"_\d{4}w\d\d\.", p.name) or p.name.endswith("_list.csv")]
    return files


def run_city(files, boundaries, base: Path, workers: list[int]) -> list[str]:
    from ingest.compare import differences
    from ingest.distributed import cluster_client, ingest_files_distributed
    from ingest.run import ingest_files

    lines = []
    single = _fresh(base / "single", boundaries)
    before = _load()
    started = time.perf_counter()
    summaries, errors = ingest_files(single, files, show_progress=False)
    took = time.perf_counter() - started
    rows = sum(s.rows_read for s in summaries)
    lines.append(f"| one machine (ingest.run) | {took:.1f} s | {rows:,} rows, {len(summaries)} batches,"
                 f" {len(errors)} refused; batches open {_commit_s(single):.1f} s | | {before} -> {_load()} |")
    expected = _figures(single)
    for n in workers:
        store = _fresh(base / f"dask{n}", boundaries)
        before = _load()
        started = time.perf_counter()
        with cluster_client(workers=n) as client:
            up = time.perf_counter() - started
            d_summaries, d_errors = ingest_files_distributed(client, store, files)
            took = time.perf_counter() - started - up
        same = not differences(single, store) and _figures(store) == expected and d_errors == errors
        lines.append(f"| Dask, {n} worker{'s' if n > 1 else ''} | {took:.1f} s (+{up:.1f} s cluster start) |"
                     f" {sum(s.rows_read for s in d_summaries):,} rows, {len(d_summaries)} batches; batches open"
                 f" {_commit_s(store):.1f} s after staging |"
                     f" {'same data and figures' if same else 'DIFFERENT'} | {before} -> {_load()} |")
    return lines


def run_province(files, base: Path, workers: list[int], share: float) -> list[str]:
    from bench.province_feeds import Mover, movable, write_province_file
    from geo.boundaries import load_boundaries
    from ingest.distributed import cluster_client, configured
    from province.cli import init
    from province.layout import Province
    from province.run import ingest_province

    hezhou = ROOT / "tests" / "data" / "hezhou" / "config"
    with configured(str(hezhou)):
        from geo.setup import geo_cache
        mover = Mover(load_boundaries(geo_cache(ROOT / "var")), "贺州市", seed=2020)
    mixed, moved = [], 0
    (base / "province-feeds").mkdir()
    for feed, path in files:
        if movable(feed):
            path, n = write_province_file(feed, path, base / "province-feeds", mover, share)
            moved += n
        mixed.append((feed, path))
    lines = []
    for n in workers:
        root = base / f"province{n}"
        init(root, [f"wuzhou={ROOT / 'config'}", f"hezhou={hezhou}"], ROOT / "var", 2020)
        before = _load()
        started = time.perf_counter()
        with cluster_client(workers=n) as client:
            up = time.perf_counter() - started
            result = ingest_province(client, Province.load(root), mixed)
            took = time.perf_counter() - started - up
        per_city = ", ".join(f"{c}: {sum(s.rows_read for s in v):,} rows in {len(v)} batches"
                             for c, v in result.summaries.items())
        lines.append(f"| province of 2 cities, Dask {n} worker{'s' if n > 1 else ''} | {took:.1f} s (+{up:.1f} s"
                     f" cluster start) | {per_city}; {moved:,} records moved to Hezhou;"
                     f" {sum(result.unrouted.values()):,} of no city | {len(result.errors)} refused |"
                     f" {before} -> {_load()} |")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", required=True, help="a folder of the demo's feed files (any scale)")
    p.add_argument("--weeks", action="append", default=[], help="keep the files of these weeks (2020w13)")
    p.add_argument("--day", action="store_true", help="cut each weekly file to its middle seventh")
    p.add_argument("--workers", type=int, action="append", default=[])
    p.add_argument("--province", action="store_true", help="also a province of two cities")
    p.add_argument("--no-city", action="store_true", help="the province only")
    p.add_argument("--share", type=float, default=0.4, help="records moved to the second city, per file")
    p.add_argument("--keep", help="keep the stores in this folder (default: a temporary one)")
    args = p.parse_args()
    from geo.boundaries import load_boundaries

    boundaries = load_boundaries(ROOT / "var" / "geo")
    base = Path(args.keep or tempfile.mkdtemp(prefix="bench-distributed-"))
    try:
        files = select_files(Path(args.feeds), args.weeks, args.day, base / "day")
        size = sum(p.stat().st_size for _, p in files)
        print(f"{len(files)} files, {size / 1e6:.0f} MB, from {args.feeds} (weeks {args.weeks or 'all'}"
              f"{', one day of each' if args.day else ''}); {os.cpu_count()} cores", flush=True)
        print("| path | ingest wall time | what | same as one machine | machine load before -> after |")
        print("|---|---|---|---|---|")
        for line in [] if args.no_city else run_city(files, boundaries, base, args.workers or [1, 2]):
            print(line, flush=True)
        if args.province:
            for line in run_province(files, base, args.workers or [1, 2], args.share):
                print(line, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
