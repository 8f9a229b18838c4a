"""Shared fixtures: real boundaries, real DuckDB stores in temporary folders, the demo city built once."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.boundaries import load_boundaries  # noqa: E402
from ingest.reference import write_reference  # noqa: E402
from store.db import Store  # noqa: E402


@pytest.fixture(scope="session")
def geo_cache(tmp_path_factory) -> Path:
    """The boundary cache: the project's own when present (built from cnmaps once), else a fresh one."""
    cache = ROOT / "var" / "geo"
    return cache if os.environ.get("FRESH_GEO") is None else tmp_path_factory.mktemp("geo")


@pytest.fixture(scope="session")
def boundaries(geo_cache):
    return load_boundaries(geo_cache)


@pytest.fixture
def city_store(tmp_path, boundaries) -> Store:
    """An empty store holding only the city's geography."""
    store = Store(tmp_path / "store")
    with store.writer() as conn:
        write_reference(conn, boundaries)
    return store


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory, geo_cache):
    """The scale-1 demo city, built once per session through the real feeds and ingest path.

    Returns (store, feeds_dir). Set DEMO_STORE to reuse an already built store folder.
    """
    from app import build_demo

    reuse = os.environ.get("DEMO_STORE")
    if reuse:
        return Store(reuse), Path(reuse).parent / "feeds"
    root = tmp_path_factory.mktemp("demo")
    build_demo(root / "store", scale=1, seed=2020, show_progress=False, feeds_dir=root / "feeds")
    return Store(root / "store"), root / "feeds"
