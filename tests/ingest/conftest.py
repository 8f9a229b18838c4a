"""The demo's own feed files, the raw material the ingest tests corrupt the way people and systems do."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_feeds(tmp_path_factory, boundaries) -> Path:
    """A folder of the scale-1 demo's feed files (DEMO_FEEDS reuses a written one; tests copy before editing)."""
    reuse = os.environ.get("DEMO_FEEDS")
    if reuse:
        return Path(reuse)
    from demo import write_feeds

    out = tmp_path_factory.mktemp("demo-feeds")
    write_feeds(out, boundaries, scale=1, seed=2020, progress=lambda *_: None)
    return out


@pytest.fixture
def feed_copy(demo_feeds, tmp_path):
    """copy(name) -> a private copy of one demo feed file in the test's folder."""
    def copy(name: str, as_name: str | None = None) -> Path:
        return Path(shutil.copy(demo_feeds / name, tmp_path / (as_name or name)))
    return copy
