"""Generated (plausible, not real) township and community polygons, nested in their parents, from a seed.

Urban units (街道 townships, 社区 communities) are small and packed in an irregular core around the
seat / town centre; rural units (镇/乡, 村) share the rest. Every unit gets exactly one polygon.
"""
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import reference
from geo.partition import GRID, core_zone, initial_seeds, merge_fragments, polygonal, relax, voronoi_cells

STREET_AREA = 7e-4  # deg² (~8 km²) per 街道
COMMUNITY_AREA = 1e-4  # deg² (~1.2 km²) per 社区


def _flat(x, y):
    return np.ones_like(x)


def _peaked(zone, centre):
    sigma2 = zone.area / np.pi / 4  # half the zone's equivalent radius, squared
    return lambda x, y: np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * sigma2)) + 0.1


def _interior_point(geom) -> tuple[float, float]:
    """A point well inside geom (centre of its maximum inscribed circle)."""
    x, y = shapely.get_coordinates(shapely.maximum_inscribed_circle(geom))[0]
    return float(x), float(y)


def split(parent, urban: np.ndarray, known: list, centre, unit_area: float, rng) -> np.ndarray:
    """Partition parent into one polygon per unit; urban units small around centre, rural ones elsewhere."""
    n, n_urban = len(urban), int(urban.sum())
    if 0 < n_urban < n:
        core = core_zone(parent, centre, min(n_urban * unit_area, 0.5 * parent.area), rng)
        rest = polygonal(shapely.difference(parent, core, grid_size=GRID))
        zones = [(core, urban, _peaked(core, centre)), (rest, ~urban, _flat)]
    else:
        zones = [(parent, np.ones(n, bool), _peaked(parent, centre) if n_urban else _flat)]
    seeds, cells = np.zeros((n, 2)), np.empty(n, dtype=object)
    for zone, members, weight in zones:
        idx = np.flatnonzero(members)
        start, fixed = initial_seeds(zone, [known[i] for i in idx], weight, rng)
        seeds[idx] = relax(zone, start, fixed, weight, rng)
        cells[idx] = voronoi_cells(zone, seeds[idx])
    return merge_fragments(cells, seeds)


def _centre(geom, *candidates) -> tuple[float, float]:
    """First candidate point lying inside geom, else an interior point."""
    for xy in candidates:
        if xy is not None and shapely.contains_xy(geom, *xy):
            return xy
    return _interior_point(geom)


def _known(df) -> list:
    return [None if np.isnan(x) else (x, y) for x, y in zip(df["lon"].astype(float), df["lat"].astype(float))]


def _rng(seed: int, code: str) -> np.random.Generator:
    return np.random.default_rng([seed, int(code)])


def _level(parts: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One level from per-parent pieces, edge-matched across parents (a clean coverage), generated=True."""
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4326)
    out["geometry"] = shapely.coverage_clean(out.geometry.to_numpy(), snapping_distance=0.0)
    out["generated"] = True
    return out


def townships(districts: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    """66 generated townships partitioning their districts. Without 街道, the seat sits in the x100 town."""
    ref, seats = reference.townships(), reference.seats()
    parts = []
    for code, geom in zip(districts["code"], districts.geometry):
        t = ref[ref["district_code"] == code]
        urban = t["name"].str.endswith("街道").to_numpy()
        known = _known(t)
        seat = seats.get(code)
        if not urban.any():
            known = [seat if xy is None and c.endswith("100") else xy for c, xy in zip(t["code"], known)]
        centre = _centre(geom, seat)
        geoms = split(geom, urban, known, centre, STREET_AREA, _rng(seed, code))
        parts.append(gpd.GeoDataFrame(
            {"code": t["code"].to_numpy(), "name": t["name"].to_numpy(), "district_code": code},
            geometry=list(geoms), crs=4326))
    return _level(parts)


def communities(townships: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    """1015 generated communities partitioning their townships; 社区 packed around the town centre."""
    ref, seats = reference.communities(), reference.seats()
    known = dict(zip(reference.townships()["code"], _known(reference.townships())))
    parts = []
    for code, dcode, geom in zip(townships["code"], townships["district_code"], townships.geometry):
        c = ref[ref["township_code"] == code]
        urban = (c["kind"] == "社区").to_numpy()
        centre = _centre(geom, known.get(code), seats.get(dcode))
        geoms = split(geom, urban, [None] * len(c), centre, COMMUNITY_AREA, _rng(seed, code))
        cols = ["code", "name", "short_name", "kind", "township_code", "district_code"]
        parts.append(gpd.GeoDataFrame(c[cols].reset_index(drop=True), geometry=list(geoms), crs=4326))
    return _level(parts)
