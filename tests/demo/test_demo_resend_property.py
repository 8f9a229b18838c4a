"""Property: however the demo's files are split, merged, re-sent, re-ordered and re-encoded, the store ends with
the figures of one clean ingest of the files as written."""
from __future__ import annotations

import random
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.reference import write_reference
from store.db import Store
from tests.demo.resent import counts, csv_rows, ingest, write_csv

FILES = (("hotel", "hotel_2020w11.csv"), ("hotel", "hotel_2020w12.csv"),
         ("rail", "rail_2020w11.csv"), ("rail", "rail_2020w12.csv"))
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")   # gb18030: GBK and every character beyond it


@pytest.fixture(scope="module")
def empty_city(tmp_path_factory, boundaries):
    """A store holding only the city's geography, copied for each example."""
    store = Store(tmp_path_factory.mktemp("empty_city") / "store")
    with store.writer() as conn:
        write_reference(conn, boundaries)
    return store


@pytest.fixture(scope="module")
def clean_figures(empty_city, demo_feeds, tmp_path_factory):
    root = tmp_path_factory.mktemp("clean") / "store"
    shutil.copytree(empty_city.root, root)
    store = Store(root)
    for feed, name in FILES:
        ingest(store, feed, demo_feeds[0] / name)
    figures = counts(store)
    assert figures["sightings"] > 1000 and figures["arrivals"] > 100
    return figures


def _resends(draw_seed: int, parts: int, out, demo_dir) -> list[tuple[str, object]]:
    """The files' rows cut into parts, each part possibly merged with another's, shuffled, re-encoded, and sent twice."""
    rng = random.Random(draw_seed)
    sends = []
    for feed, name in FILES:
        header, rows, _ = csv_rows(demo_dir / name)
        rng.shuffle(order := list(range(len(header))))
        cuts = sorted(rng.sample(range(1, len(rows)), parts - 1))
        pieces = [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)])]
        if parts > 1 and rng.random() < 0.5:                 # one piece also sent inside a larger file
            pieces.append(pieces[0] + pieces[1])
        pieces += rng.sample(pieces, k=min(2, len(pieces)))   # re-sends
        for i, piece in enumerate(pieces):
            piece = rng.sample(piece, k=len(piece))
            path = out / f"{feed}_{name[:-4]}_{len(sends)}_{i}.csv"
            write_csv(path, [header[j] for j in order], [[r[j] for j in order] for r in piece], rng.choice(ENCODINGS))
            sends.append((feed, path))
    return sends


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), parts=st.integers(1, 4))
def test_any_resend_pattern_gives_the_figures_of_one_clean_ingest(seed, parts, empty_city, clean_figures,
                                                                   demo_feeds, tmp_path_factory):
    work = tmp_path_factory.mktemp("resend")
    shutil.copytree(empty_city.root, work / "store")
    store = Store(work / "store")
    for feed, path in _resends(seed, parts, work, demo_feeds[0]):
        ingest(store, feed, path)
    assert counts(store) == clean_figures
