"""The scale-1 demo feeds, written once per session into a temporary folder."""
from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from demo import write_feeds
from tests.demo.files import accepted


@pytest.fixture(scope="session")
def demo_feeds(tmp_path_factory, boundaries):
    """(feeds folder, FeedFile list in ingest order, ground truth)."""
    out = tmp_path_factory.mktemp("demo_feeds")
    files = write_feeds(out, boundaries, scale=1, seed=2020, progress=lambda *_: None)
    return out, files, pd.read_parquet(out / "truth" / "rows.parquet")


@pytest.fixture(scope="session")
def feed_rows(demo_feeds):
    """feed name -> the rows ingest should accept (read once per session), with the true person keys."""
    out, files, truth = demo_feeds
    return cache(lambda name: accepted(out, files, name, truth))
