"""Ingestion speed per feed during the demo build at scale N: rows/s from the store's own batch log (`batches`:
rows read, started_at .. committed_at per file), so the cached build (bench.cache) is measured without
ingesting it again. The files of a feed are its repeats: median and p95 seconds per file beside the total."""
from __future__ import annotations

from pathlib import Path


def run(store_root: Path, scale: int) -> list[dict]:
    from store.db import Store

    conn = Store(store_root).reader()
    per_feed = conn.execute("""
        WITH b AS (SELECT feed, rows_read, epoch(committed_at) - epoch(started_at) AS s FROM batches)
        SELECT feed, sum(rows_read) AS rows, sum(s) AS seconds, count(*) AS files,
               median(s) AS median_s, quantile_disc(s, 0.95) AS p95_s,
               sum(rows_read) FILTER (WHERE rows_read > 0) / sum(s) FILTER (WHERE rows_read > 0) AS rate
        FROM b GROUP BY feed ORDER BY rows DESC""").fetchall()
    rows = []
    for feed, n, seconds, files, median_s, p95_s, rate in per_feed:
        rows.append({"benchmark": "ingest rows/s (build)", "case": feed, "value": round(rate or 0),
                     "unit": "rows/s", "budget": "", "ok": "",
                     "note": f"{n:,} rows in {files} files, {seconds:.1f} s; per file median {median_s:.2f} s,"
                             f" p95 {p95_s:.2f} s"})
    total_rows = sum(r[1] for r in per_feed)
    total_s = sum(r[2] for r in per_feed)
    rows.append({"benchmark": "ingest rows/s (build)", "case": "all feeds", "value": round(total_rows / total_s),
                 "unit": "rows/s", "budget": "", "ok": "",
                 "note": f"{total_rows:,} rows in {sum(r[3] for r in per_feed)} files, {total_s:.1f} s in batches"})
    return rows
