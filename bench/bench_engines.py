"""Dask or Spark for the distributed ingest: the same work on each, a local cluster of N workers.

The work is the ingest's parallel step as it runs in production (ingest.distributed.stage_task: read, validate and
place one file against the published snapshot, its checked rows returned to the driver as Arrow), for every file
of a folder. Timed: the cluster's start, the work, and the driver's and workers' memory when it ends.

Spark is not a requirement of the project: to repeat the measurement, install it beside (`pip install
pyspark==4.3.0` in any environment, Java 17) and give that environment's site-packages with --spark-path.

    .venv/bin/python bench/bench_engines.py --store var/store --feeds var/demo/feeds-scale1-seed2020 \
        --spark-path /tmp/spark-venv/lib/python3.11/site-packages
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    me = psutil.Process()
    return sum(p.memory_info().rss for p in [me, *me.children(recursive=True)]) / 1e6


def run_dask(jobs, workers: int) -> dict:
    from ingest.distributed import cluster_client, stage_task

    started = time.perf_counter()
    with cluster_client(workers) as client:
        up = time.perf_counter() - started
        staged = client.gather([client.submit(stage_task, *job, pure=False) for job in jobs])
        work = time.perf_counter() - started - up
        rss = _rss_mb()
    return {"engine": "Dask (distributed)", "start": up, "work": work, "rss": rss,
            "rows": sum(s.checked.num_rows for s in staged if not isinstance(s, str))}


def run_spark(jobs, workers: int, spark_path: str) -> dict:
    sys.path.append(spark_path)
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), spark_path])
    from pyspark.sql import SparkSession

    from ingest.distributed import stage_task

    started = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{workers}]").appName("bench-engines")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "2g").getOrCreate())
    up = time.perf_counter() - started
    staged = spark.sparkContext.parallelize(jobs, len(jobs)).map(lambda job: stage_task(*job)).collect()
    work = time.perf_counter() - started - up
    rss = _rss_mb()
    spark.stop()
    return {"engine": "Spark (pyspark, local)", "start": up, "work": work, "rss": rss,
            "rows": sum(s.checked.num_rows for s in staged if not isinstance(s, str))}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", required=True, help="a store folder whose snapshot the files are staged against")
    p.add_argument("--feeds", required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--spark-path", help="site-packages holding pyspark (omit: Dask only)")
    args = p.parse_args()
    import settings
    from demo.build import files_in
    from store.db import Store

    snapshot = str(Store(args.store).current_path())
    jobs = [(snapshot, str(settings.config_dir()), feed, str(path)) for feed, path in files_in(Path(args.feeds))]
    results = [run_dask(jobs, args.workers)]
    if args.spark_path:
        results.append(run_spark(jobs, args.workers, args.spark_path))
    print(f"{len(jobs)} files staged, {args.workers} workers, load %.1f %.1f %.1f" % os.getloadavg())
    print("| engine | cluster start | stage every file | memory (driver + workers) | rows staged |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['start']:.1f} s | {r['work']:.1f} s | {r['rss']:.0f} MB | {r['rows']:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
