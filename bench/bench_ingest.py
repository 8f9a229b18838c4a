"""Demo build time and ingestion speed per feed, measured on a fresh store in a temporary folder."""
from __future__ import annotations

import tempfile
from pathlib import Path

BUILD_BUDGET_S = {1: 120.0}


def run(scales: tuple[int, ...] = (1,)) -> list[dict]:
    from app import build_demo
    from store.db import Store

    rows = []
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix=f"bench-demo-{scale}-") as tmp:
            timings = build_demo(Path(tmp) / "store", scale=scale, show_progress=False, feeds_dir=Path(tmp) / "feeds")
            budget = BUILD_BUDGET_S.get(scale)
            rows.append({"benchmark": "demo build", "case": f"scale {scale}", "value": round(timings["total"], 1),
                         "unit": "s", "budget": f"< {budget:.0f} s" if budget else "",
                         "ok": "" if budget is None else ("yes" if timings["total"] < budget else "NO"),
                         "note": f"feeds {timings['write feeds']:.1f} s + ingest {timings['ingest']:.1f} s"})
            per_feed = Store(Path(tmp) / "store").reader().execute("""
                SELECT feed, sum(rows_read) AS rows,
                       sum(epoch(committed_at) - epoch(started_at)) AS seconds, count(*) AS files
                FROM batches GROUP BY feed ORDER BY feed""").fetchall()
            for feed, n, seconds, files in per_feed:
                rows.append({"benchmark": "ingest rows/s", "case": f"{feed} (scale {scale})",
                             "value": round(n / seconds) if seconds else 0, "unit": "rows/s", "budget": "",
                             "ok": "", "note": f"{n:,} rows in {files} files, {seconds:.1f} s"})
    return rows
