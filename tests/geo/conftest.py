"""Geo fixtures: boundaries built once per session into a temporary cache (deliberately not var/geo, so the
generator and importer are exercised from scratch; this overrides the root conftest's `boundaries`)."""
import shutil
from pathlib import Path

import pytest

from geo.boundaries import load_boundaries


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("geo_cache")
    load_boundaries(path)
    return path


@pytest.fixture(scope="session")
def boundaries(cache_dir):
    return load_boundaries(cache_dir)


@pytest.fixture
def fresh_cache(cache_dir, tmp_path) -> Path:
    """A private copy of the built cache, for tests that import files into it."""
    return Path(shutil.copytree(cache_dir, tmp_path / "cache"))
