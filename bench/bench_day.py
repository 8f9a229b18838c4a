"""One day of feeds ingested into the demo store at scale N, through the real ingest path (budget at scale 100:
<= 60 s for the whole day, every channel).

The day is cut from the demo's own weekly files: the busiest week (most bytes of feeds), and for every channel
the middle seventh of that week's file (rows are written in time order, so a seventh is about one day: honest
volume, 1/7 of the week). A channel with no file that week takes its nearest week's. The reference lists
(checkpoints, quarantine sites) and the initial abroad list are not daily and are left out.

Each repeat ingests the day's files into a fresh copy of the published snapshot (bench_alerts._copy_store;
the cached store is never written) with ingest.run.ingest_files: one writer session (one snapshot copy and one
publish) and one transaction per file, as a real day's drop would be ingested.

The cut rows were already ingested into the demo store when it was built: rows that writers de-duplicate
(re-sent records) are matched and skipped rather than added, every person matches a known one (no new persons
are created) and releases are rejected as already closed; checkpoint checks are appended again. Reading,
validation, placement and the identity joins do all their work either way.
"""
from __future__ import annotations

import fnmatch
import re
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

WEEK = re.compile(r"_(\d{4}w\d{2})\.(csv|jsonl|xlsx)$")
NOT_DAILY = ("checkpoint_sites", "quarantine_sites")
BUDGET_S = {100: 60.0}
DAY = 3                      # the middle seventh of the week
PARTS = 7


def _feed_of(name: str):
    from ingest.channels import FEEDS
    return next((f for f in FEEDS if fnmatch.fnmatch(name, f.pattern)), None)


def source_files(feeds_dir: Path) -> list[tuple[object, Path]]:
    """(feed, weekly file) per daily feed: the busiest week's file, else the nearest week's."""
    by_feed: dict[str, dict[str, Path]] = defaultdict(dict)
    week_bytes: dict[str, int] = defaultdict(int)
    for p in sorted(Path(feeds_dir).iterdir()):
        m = WEEK.search(p.name)
        feed = _feed_of(p.name) if m else None
        if feed is None or feed.name in NOT_DAILY:
            continue
        by_feed[feed.name][m.group(1)] = p
        week_bytes[m.group(1)] += p.stat().st_size
    if not week_bytes:
        return []
    busiest = max(week_bytes, key=lambda w: (week_bytes[w], w))
    number = lambda w: int(w[:4]) * 100 + int(w[5:])  # noqa: E731
    out = []
    for name, weeks in by_feed.items():
        week = min(weeks, key=lambda w: (abs(number(w) - number(busiest)), w))
        out.append((_feed_of(weeks[week].name), weeks[week]))
    return sorted(out, key=lambda fp: fp[1].name)


def _slice(n: int) -> slice:
    return slice(n * DAY // PARTS, n * (DAY + 1) // PARTS)


def cut_day(feed, source: Path, out_dir: Path) -> tuple[Path, int]:
    """Write the day's seventh of a weekly file (same format, encoding and header); return (path, rows)."""
    target = out_dir / f"{source.stem}_day{DAY + 1}{source.suffix}"
    if feed.format == "xlsx":
        import pandas as pd
        from python_calamine import CalamineWorkbook

        from demo.feeds import write_xlsx
        rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        body = rows[1:][_slice(len(rows) - 1)]
        write_xlsx(target, feed, pd.DataFrame(body, columns=[str(h) for h in rows[0]], dtype=object))
        return target, len(body)
    data = source.read_bytes()       # CSV (UTF-8 or GBK: a GBK byte never looks like '\n') and JSON lines
    lines = data.splitlines(keepends=True)
    head, body = (lines[:1], lines[1:]) if feed.format == "csv" else ([], lines)
    body = body[_slice(len(body))]
    target.write_bytes(b"".join(head + body))
    return target, len(body)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(store_root: Path, scale: int, repeats: int = 3, feeds_dir: Path | None = None) -> list[dict]:
    from bench.bench_alerts import _copy_store
    from ingest.run import ingest_files
    from store.db import Store

    if feeds_dir is None:     # bench.cache keeps them beside the store; app.py demo under var/demo/
        root = Path(__file__).resolve().parent.parent
        candidates = [Path(store_root).parent / "feeds", Path(store_root) / "feeds",
                      *sorted((root / "var" / "demo").glob(f"feeds-scale{scale}-seed*"))]
        feeds_dir = next((c for c in candidates if c.is_dir()), candidates[0])
    feeds_dir = Path(feeds_dir)
    sources = source_files(feeds_dir) if feeds_dir.exists() else []
    if not sources:
        return [{"benchmark": "one day of feeds", "case": "all channels", "value": "", "unit": "", "budget": "",
                 "ok": "", "note": f"no weekly feed files in {feeds_dir} (rebuild the cached store)"}]
    totals, per_feed = [], defaultdict(list)
    with tempfile.TemporaryDirectory(prefix=f"bench-day-{scale}-") as tmp:
        tmp = Path(tmp)
        (tmp / "day").mkdir()
        files, rows_in = [], {}
        for feed, source in sources:
            path, n = cut_day(feed, source, tmp / "day")
            files.append((feed, path))
            rows_in[feed.name] = n
        day_bytes = sum(p.stat().st_size for _, p in files)
        for i in range(repeats):
            copy = tmp / f"store{i}"
            _copy_store(Path(store_root), copy)
            store = Store(copy)
            started = time.perf_counter()
            summaries, errors = ingest_files(store, files, show_progress=False)
            totals.append(time.perf_counter() - started)
            if errors:
                raise RuntimeError("day files failed to ingest: " + "; ".join(errors))
            batches = store.reader().execute("""
                SELECT feed, rows_read, epoch(committed_at) - epoch(started_at) FROM batches
                WHERE batch_id IN (SELECT unnest(?::BIGINT[]))""", [[s.batch_id for s in summaries]]).fetchall()
            for feed, n, seconds in batches:
                per_feed[feed].append((n, seconds))
            store.reader().close()
            shutil.rmtree(copy)
    week = WEEK.search(sources[0][1].name).group(1)
    total_rows = sum(rows_in.values())
    budget = BUDGET_S.get(scale)
    median = statistics.median(totals)
    files_s = sum(statistics.median(s for _, s in v) for v in per_feed.values())
    out = [{"benchmark": "one day of feeds", "case": f"{len(files)} files, every channel -> store copy",
            "value": round(median, 1), "unit": "s", "budget": f"<= {budget:.0f} s" if budget else "",
            "ok": "" if budget is None else ("yes" if median <= budget else "NO"),
            "note": f"median of {len(totals)}, p95 {_p95(totals):.1f} s; {total_rows:,} rows, {day_bytes / 1e6:.1f} MB"
                    f" (1/7 of {week}); files {files_s:.1f} s + snapshot copy/publish etc."
                    f" {median - files_s:.1f} s; {total_rows / median:,.0f} rows/s"}]
    for feed in sorted(per_feed, key=lambda f: -rows_in.get(f, 0)):
        n = per_feed[feed][0][0]
        seconds = [s for _, s in per_feed[feed]]
        med = statistics.median(seconds)
        out.append({"benchmark": "one day: rows/s", "case": feed, "value": round(n / med) if med else 0,
                    "unit": "rows/s", "budget": "", "ok": "",
                    "note": f"{n:,} rows, median {med:.2f} s, p95 {_p95(seconds):.2f} s"})
    return out


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import cache
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    root, _ = cache.ensure(scale)
    for row in run(root, scale, repeats=int(sys.argv[2]) if len(sys.argv) > 2 else 3):
        print(row)
