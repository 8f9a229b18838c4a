"""The ingest on a Dask cluster of 2 worker processes stores the same data as the one-machine path: every
table's rows, every batch's counts, every reject, and so every figure, from the demo's files of every feed."""
from __future__ import annotations

import re

import pytest

from demo.build import files_in
from ingest.compare import differences
from ingest.distributed import cluster_client, ingest_files_distributed, waves
from ingest.reference import write_reference
from ingest.run import ingest_files
from queries.figures import headline
from queries.period import data_period
from queries.runner import Scope
from store.db import Store, table_counts

WEEKS = ("2020w04", "2020w09", "2020w11")    # with the lists, every feed has a file here (releases from w11)


def _fresh(root, boundaries) -> Store:
    store = Store(root)
    with store.writer() as conn:
        write_reference(conn, boundaries)
    return store


@pytest.fixture(scope="module")
def both(demo_feeds, boundaries, tmp_path_factory):
    files = [(feed, path) for feed, path in files_in(demo_feeds)
             if not re.search(r"_\d{4}w\d\d\.", path.name) or any(w in path.name for w in WEEKS)]
    base = tmp_path_factory.mktemp("same")
    broken = base / "grid_2020w09_renamed_header.csv"       # refused whole on both paths, the rest goes on
    source = next(path for _, path in files if path.name == "grid_2020w09.csv")
    data = source.read_bytes()
    for encoding in ("gbk", "utf-8"):
        data = data.replace("排查日期".encode(encoding), "检查日期".encode(encoding), 1)
    broken.write_bytes(data)
    files.insert(10, (next(feed for feed, path in files if path.name == "grid_2020w09.csv"), broken))
    single = _fresh(base / "single", boundaries)
    one = ingest_files(single, files, show_progress=False)
    spread = _fresh(base / "dask", boundaries)
    with cluster_client(workers=2) as client:
        two = ingest_files_distributed(client, spread, files)
    return files, single, one, spread, two


def test_every_feed_is_covered_and_nothing_refused(both):
    files, _, (summaries, errors), _, (d_summaries, d_errors) = both
    from ingest.channels import FEEDS
    assert {feed.name for feed, _ in files} == {feed.name for feed in FEEDS}
    assert errors == d_errors and len(errors) == 1 and errors[0].startswith("grid_2020w09_renamed_header.csv: ")
    assert len(summaries) == len(d_summaries) == len(files) - 1
    assert len(waves([feed for feed, _ in files])) == 3      # after each reference list: staged after publishing


def test_the_same_rows_in_every_table(both):
    _, single, _, spread, _ = both
    counts = table_counts(single.reader())
    assert counts == table_counts(spread.reader())
    assert all(counts[t] > 0 for t in ("persons", "sightings", "quarantines", "health_checks", "rejects",
                                       "checkpoint_vehicle_checks", "alerts", "transfers"))
    assert differences(single, spread) == {}


def test_the_same_batches_and_figures(both):
    _, single, (summaries, _), spread, (d_summaries, _) = both
    plain = lambda s: (s.file, s.batch_id, s.rows_read, s.accepted, s.rejected, s.unchanged, s.corrected,  # noqa: E731
                       s.persons_new, s.persons_matched, s.review_pairs, dict(s.reasons))
    assert [plain(s) for s in summaries] == [plain(s) for s in d_summaries]
    a, b = single.reader(), spread.reader()
    period = data_period(a)
    assert data_period(b) == period
    districts = [code for (code,) in a.execute("SELECT code FROM districts").fetchall()]
    for scope in [Scope.whole_city(), *(Scope("leadership", code) for code in districts)]:
        assert headline(a, scope, period.latest) == headline(b, scope, period.latest)
    assert headline(a, Scope.whole_city(), period.latest)["measures"] > 0
