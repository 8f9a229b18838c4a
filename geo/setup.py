"""Set up a city's store from its configuration alone (settings.city()): real district polygons from cnmaps,
townships and communities imported (`app.py boundaries import`) or generated from its code lists, written into a
new store. Each city keeps its own boundary cache: the demo city's is var/geo, another's var/geo-<name>."""
from __future__ import annotations

from pathlib import Path

import settings
from geo.boundaries import Boundaries, load_boundaries


def geo_cache(var: Path) -> Path:
    """The configured city's boundary cache under `var`."""
    if settings.config_dir() == settings.DEFAULT_DIR.resolve():
        return var / "geo"
    return var / f"geo-{settings.city().name_en.lower().replace(' ', '-')}"


def set_up(store, var: Path, seed: int) -> Boundaries:
    """Write the configured city's geography into `store` (a new one: its reference tables only)."""
    from ingest.reference import write_reference

    boundaries = load_boundaries(geo_cache(var), seed=seed)
    with store.writer() as conn:
        write_reference(conn, boundaries)
    return boundaries
