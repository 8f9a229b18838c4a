"""`app.py province init|ingest|check|serve`: set up a province's cities, ingest its feeds on a Dask cluster, serve
one city of it (the serving itself is app.py's; this finds the city's store and configuration)."""
from __future__ import annotations

import sys
from pathlib import Path

from ingest.distributed import cluster_client, configured
from ingest.run import match_files
from province.layout import Province
from province.run import format_result, ingest_province
from store.db import Store


def init(root: Path, cities: list[str], var: Path, seed: int) -> int:
    """Create the province's manifest and each city's store with its geography (`--city NAME=CONFIG_DIR`)."""
    from geo.setup import set_up

    pairs = [c.split("=", 1) for c in cities]
    if any(len(p) != 2 for p in pairs):
        print("refused: give each city as --city NAME=CONFIG_DIR", file=sys.stderr)
        return 2
    try:
        province = Province.create(root, dict(pairs))
    except (FileExistsError, ValueError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    for city in province.cities:
        with configured(city.config):
            b = set_up(Store(city.store), var, seed)
        print(f"{city.name}: {len(b.districts)} districts, {len(b.townships)} townships, "
              f"{len(b.communities)} communities in {city.store}")
    return 0


def ingest(root: Path, channel: str, files: list[str], workers: int, scheduler: str | None) -> int:
    """Route the files' records to the province's cities and ingest them, on a cluster."""
    province = Province.load(root)
    pairs, unmatched = match_files(channel, [Path(f) for f in files])
    with cluster_client(workers, scheduler) as client:
        result = ingest_province(client, province, pairs)
    print(format_result(result))
    for line in unmatched:
        print(f"FAILED {line}")
    return 1 if unmatched or result.errors else 0


def check(root: Path) -> int:
    """Each city's store health (`app.py store check` per city) and the records of no city kept so far;
    exit 1 when a city's store is unhealthy."""
    from store.health import check as health

    province = Province.load(root)
    healthy = True
    for city in province.cities:
        report = health(Store(city.store))
        print(f"{city.name} ({city.store})\n{report.report()}")
        healthy &= report.healthy
    kept = sorted((root / "unrouted").glob("*.csv"))
    rows = sum(max(len(path.read_text(encoding="utf-8").splitlines()) - 1, 0) for path in kept)
    print(f"records of no city: {rows} kept in {len(kept)} file(s) under {root / 'unrouted'}")
    return 0 if healthy else 1


def city_options(root: Path, name: str | None) -> tuple[str, str]:
    """(store folder, configuration directory) of one city of the province, to serve it."""
    city = Province.load(root).city(name)
    return city.store, city.config


def city_assets(root: Path, name: str, shared: Path) -> Path:
    """The city's assets folder, <province>/<city>/assets: the project's CSS and scripts (linked) and the
    city's own map files (written when it is served), so two cities served from one checkout never share a map."""
    folder = root / name / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    for item in shared.iterdir():
        if item.name != "geo" and not (folder / item.name).exists():
            (folder / item.name).symlink_to(item.resolve())
    return folder
