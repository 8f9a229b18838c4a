"""Ingest rows/s of one tree's code against another's, on the same feed files in the same minutes.

    python bench/ingest_ab.py CODE_DIR STORE_DIR FEEDS_DIR [FEED=GLOB ...]

CODE_DIR is a checkout of the project (this one, or `git archive <commit>` unpacked elsewhere, with its
var/geo); the script ingests FEEDS_DIR's checkpoint list, then each FEED's files matching GLOB (default: weeks
10-13 of vehicle checks, person checks, hotel and rail of a scale-1 demo) into a fresh store at STORE_DIR, one
writer session as the demo build does, and prints rows/s per feed, the publish (checkpoint and snapshot) on
its own line. Run two trees alternately several times on a shared machine and compare the best of each.
"""
import shutil
import sys
import time
from pathlib import Path

CODE, STORE, FEEDS = (Path(arg) for arg in sys.argv[1:4])
GROUPS = [arg.split("=", 1) for arg in sys.argv[4:]] or [
    (feed, f"{feed}_2020w1[0-3].csv") for feed in ("vehicle_checks", "person_checks", "hotel", "rail")]
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
with store.writer() as conn:
    for feed, pattern in GROUPS:
        files = [(feed_named(feed), path) for path in sorted(FEEDS.glob(pattern))]
        started = time.perf_counter()
        summaries, errors = ingest_files(store, files, show_progress=False, conn=conn)
        seconds = time.perf_counter() - started
        assert files and not errors, errors or f"no file matches {pattern}"
        rows = sum(s.rows_read for s in summaries)
        print(f"{feed} {rows} rows {seconds:.2f} s {rows / seconds:.0f} rows/s")
    started = time.perf_counter()
print(f"publish {time.perf_counter() - started:.2f} s")
