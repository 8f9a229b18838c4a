"""Start a store for real use: the city's geography (districts, townships, communities, arrival points), no
people and no batches. Feeds are then ingested with `app.py ingest`."""
from __future__ import annotations

from pathlib import Path

from geo.boundaries import load_boundaries
from ingest.reference import write_reference
from store.db import Store


def start_store(root: Path, geo_cache: Path) -> Store:
    """A new store at `root` holding the geography from `geo_cache`; ValueError when one exists already."""
    store = Store(root)
    if store.exists():
        raise ValueError(f"{root} already holds a database")
    with store.writer() as conn:
        write_reference(conn, load_boundaries(geo_cache))
    return store
