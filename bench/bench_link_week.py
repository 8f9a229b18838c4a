"""Identity linkage of one week's person files against a built store (issue 15.5): the demo's files of a week,
moved a week later (tests/shifted.py: every event time shifted, birth dates kept, so every record is new and
its people are already known), ingested into a copy of the store in one writer session as the channels would
send them; per file the rows, people matched / new / sent to review, and the seconds of the identity stage
beside the whole file.

    .venv/bin/python bench/bench_link_week.py --store var/bench/scale100-seed2020/store \
        --feeds var/bench/scale100-seed2020/feeds --week 2020w08
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.pipeline import STAGES  # noqa: E402

NEXT = STAGES[STAGES.index("identity") + 1]      # the stage after identity: where its time ends


def run(store_dir: Path, feeds_dir: Path, week: str, days: int = 7) -> list[dict]:
    from bench.bench_callbacks import copy_store
    from ingest.channels import FEEDS
    from ingest.pipeline import ingest_file, prepare
    from ingest.placement import CityGeo
    from store.db import Store
    from tests.shifted import shift_file

    tmp = Path(tempfile.mkdtemp(prefix="link-week-"))
    try:
        copy_store(store_dir, tmp / "store")
        files = []
        for feed in (f for f in FEEDS if f.person == "resolve"):          # the feeds that link people
            for path in sorted(feeds_dir.glob(feed.pattern)):
                if week in path.name:
                    moved = tmp / path.name.replace(week, f"{week}_later")
                    shutil.copy(path, moved)
                    shift_file(moved, dt.timedelta(days=days))
                    files.append((feed, moved))
        store = Store(tmp / "store")
        rows = []
        with store.writer() as conn:
            geo = CityGeo.from_store(conn)
            prepare(conn)
            for feed, path in files:
                marks: dict[str, float] = {}
                started = time.perf_counter()
                summary = ingest_file(conn, feed, path, geo,
                                      on_stage=lambda stage: marks.setdefault(stage, time.perf_counter()))
                whole = time.perf_counter() - started
                rows.append({"file": path.name, "rows": summary.rows_read, "accepted": summary.accepted,
                             "matched": summary.persons_matched, "new": summary.persons_new,
                             "review": summary.review_pairs, "identity_s": marks[NEXT] - marks["identity"],
                             "file_s": whole})
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--feeds", type=Path, required=True)
    parser.add_argument("--week", default="2020w08")
    args = parser.parse_args()
    rows = run(args.store, args.feeds, args.week)
    if not rows:
        sys.exit(f"no person files of {args.week} in {args.feeds}")
    print(f"{'file':<34} {'rows':>8} {'accepted':>9} {'matched':>8} {'new':>7} {'review':>7} {'identity s':>11}"
          f" {'file s':>8}")
    for r in [*rows, {"file": "all", **{k: sum(r[k] for r in rows) for k in rows[0] if k != "file"}}]:
        print(f"{r['file']:<34} {r['rows']:>8,} {r['accepted']:>9,} {r['matched']:>8,} {r['new']:>7,} {r['review']:>7,}"
              f" {r['identity_s']:>11.2f} {r['file_s']:>8.2f}")


if __name__ == "__main__":
    main()
