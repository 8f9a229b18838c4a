"""The city's boundaries at three levels, cached as GeoParquet in a local directory (never committed).

Districts are real (cnmaps); townships and communities are generated from a seed unless real ones were
imported into the cache with import_boundaries, which then replace the generated level.
"""
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from geo import districts, generate
from geo.mapfiles import simplified_geojson, write_map_files
from geo.validate import COLUMNS, BoundaryError, read_boundaries

__all__ = ["Boundaries", "BoundaryError", "ImportReport", "import_boundaries", "load_boundaries",
           "simplified_geojson", "write_map_files"]

DEFAULT_CACHE = Path(__file__).parent.parent / "var" / "geo"
_GENERATOR_VERSION = "1"  # bump when generated geometry changes, to invalidate caches
_PARENT = {"townships": ("districts", "district_code"), "communities": ("townships", "township_code")}
MAX_OUTSIDE = 0.05  # share of a child's area allowed outside its parent before a warning


@dataclass(frozen=True)
class Boundaries:
    """Districts, townships and communities GeoDataFrames in EPSG:4326."""
    districts: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame


@dataclass
class ImportReport:
    """What import_boundaries did: rows stored, geometries repaired, warnings (e.g. poor nesting)."""
    level: str
    rows: int
    source_crs: str
    path: Path
    repaired: list[str] = field(default_factory=list)
    name_mismatches: list[str] = field(default_factory=list)
    outside_parent: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def imported_path(cache_dir: Path, level: str) -> Path:
    return Path(cache_dir) / f"{level}_imported.parquet"


def _write(gdf: gpd.GeoDataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # atomic: readers never see half a file
    gdf.to_parquet(tmp)
    os.replace(tmp, path)


def _cached(path: Path, build) -> gpd.GeoDataFrame:
    if path.exists():
        return gpd.read_parquet(path)
    gdf = build()
    _write(gdf, path)
    return gdf


def _generated_path(cache_dir: Path, level: str, parent: gpd.GeoDataFrame, seed: int) -> Path:
    """Cache file keyed by seed, generator version and the parent geometry it was generated in."""
    h = hashlib.sha1(f"{_GENERATOR_VERSION}|{seed}|".encode())
    h.update("|".join(parent["code"]).encode())
    for wkb in shapely.to_wkb(parent.geometry.to_numpy()):
        h.update(wkb)
    return cache_dir / f"{level}_generated_{h.hexdigest()[:16]}.parquet"


def load_boundaries(cache_dir: Path, seed: int = 2020) -> Boundaries:
    """All three levels: imported ones where present, else real districts / generated below (built once)."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)

    def level(name, build, parent=None):
        if imported_path(cache_dir, name).exists():
            return gpd.read_parquet(imported_path(cache_dir, name))
        if parent is None:
            return _cached(cache_dir / "districts_cnmaps.parquet", build)
        return _cached(_generated_path(cache_dir, name, parent, seed), build)

    d = level("districts", districts.from_cnmaps)
    t = level("townships", lambda: generate.townships(d, seed), d)
    c = level("communities", lambda: generate.communities(t, seed), t)
    return Boundaries(d, t, c)


def _outside_shares(child: gpd.GeoDataFrame, parent: gpd.GeoDataFrame, key: str) -> dict[str, float]:
    """Per child code, the share of its area outside its parent, where above MAX_OUTSIDE."""
    parents = parent.set_index("code").geometry.reindex(child[key]).to_numpy()
    geoms = child.geometry.to_numpy()
    share = shapely.area(shapely.difference(geoms, parents)) / shapely.area(geoms)
    return {c: round(float(s), 4) for c, s in zip(child["code"], share) if s > MAX_OUTSIDE}


def import_boundaries(path, level: str, code_column: str, name_column: str | None = None,
                      cache_dir: Path = DEFAULT_CACHE, seed: int = 2020) -> ImportReport:
    """Load a real boundary file (GeoJSON, GPKG, Shapefile, GeoParquet) into the cache, replacing that level.

    Raises BoundaryError for an unusable file (CRS, codes, geometry). seed only matters for the nesting
    check against a generated parent level.
    """
    gdf, found = read_boundaries(Path(path), level, code_column, name_column)
    report = ImportReport(level=level, path=Path(path), **found)
    if report.repaired:
        report.warnings.append(f"repaired invalid geometry of {len(report.repaired)} features")
    if report.name_mismatches:
        report.warnings.append(f"{len(report.name_mismatches)} names differ from the official list")
    if level in _PARENT:
        parent_level, key = _PARENT[level]
        parent = getattr(load_boundaries(cache_dir, seed), parent_level)
        report.outside_parent = _outside_shares(gdf, parent, key)
        if report.outside_parent:
            kind = "generated" if parent["generated"].any() else "real"
            report.warnings.append(f"{len(report.outside_parent)} {level} have over {MAX_OUTSIDE:.0%} of their area "
                                   f"outside their ({kind}) {parent_level[:-1]}")
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    _write(gdf[COLUMNS[level]], imported_path(cache_dir, level))
    return report
