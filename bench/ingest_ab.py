"""Ingest rows/s of one tree's code against another's, on the same demo files in the same minutes.

    python bench/ingest_ab.py CODE_DIR STORE_DIR FEEDS_DIR

CODE_DIR is a checkout of the project (this one, or `git archive <commit>` unpacked elsewhere); the script
ingests FEEDS_DIR's (a scale-1 demo's feed files) checkpoint list, then weeks 10-13 of vehicle checks, person checks, hotel and rail into a fresh
store at STORE_DIR and prints rows/s per feed. Run two trees alternately several times on a shared machine
and compare the best of each.
"""
import shutil
import sys
import time
from pathlib import Path

CODE, STORE, FEEDS = (Path(arg) for arg in sys.argv[1:4])
sys.path.insert(0, str(CODE))

from geo.boundaries import load_boundaries  # noqa: E402
from ingest.channels import feed_named  # noqa: E402
from ingest.reference import write_reference  # noqa: E402
from ingest.run import ingest_files  # noqa: E402
from store.db import Store  # noqa: E402

shutil.rmtree(STORE, ignore_errors=True)
store = Store(STORE)
with store.writer() as conn:
    write_reference(conn, load_boundaries(CODE / "var" / "geo"))
ingest_files(store, [(feed_named("checkpoint_sites"), FEEDS / "checkpoints_list.csv")], show_progress=False)
for feed in ("vehicle_checks", "person_checks", "hotel", "rail"):
    files = [(feed_named(feed), FEEDS / f"{feed}_2020w{week}.csv") for week in (10, 11, 12, 13)]
    started = time.perf_counter()
    summaries, errors = ingest_files(store, files, show_progress=False)
    seconds = time.perf_counter() - started
    assert not errors, errors
    rows = sum(s.rows_read for s in summaries)
    print(f"{feed} {rows} rows {seconds:.2f} s {rows / seconds:.0f} rows/s")
