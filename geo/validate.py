"""Read and check a real boundary file (any CRS, any column names) against the official code list."""
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import reference
from geo.partition import polygonal

WUZHOU_BBOX = (110.2, 22.5, 111.8, 24.5)  # lon/lat, city extent plus a margin
COLUMNS = {
    "districts": ["code", "name", "geometry", "generated"],
    "townships": ["code", "name", "district_code", "geometry", "generated"],
    "communities": ["code", "name", "short_name", "kind", "township_code", "district_code", "geometry", "generated"],
}
_OFFICIAL = {"districts": reference.districts, "townships": reference.townships, "communities": reference.communities}


class BoundaryError(ValueError):
    """A boundary file that cannot be used; the message says why."""


def _listing(items, limit: int = 5) -> str:
    items = sorted(map(str, items))
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def read_any(path: Path) -> gpd.GeoDataFrame:
    """GeoParquet via geopandas.read_parquet, anything else (GeoJSON, GPKG, Shapefile...) via pyogrio."""
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        return gpd.read_file(path)
    except Exception as e:  # noqa: BLE001 - any reader failure is a bad file for the user
        raise BoundaryError(f"cannot read {path.name}: {e}") from e


def to_wgs84(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Transform to EPSG:4326, refusing a missing, untransformable or evidently wrong CRS."""
    if gdf.crs is None:
        raise BoundaryError(f"{name} has no CRS; save it with one (e.g. EPSG:4326 or CGCS2000 EPSG:4490)")
    try:
        out = gdf.to_crs(4326)
        x0, y0, x1, y1 = out.total_bounds
    except Exception as e:  # noqa: BLE001 - pyproj raises several types
        raise BoundaryError(f"{name}: cannot transform from CRS {gdf.crs.name!r} to EPSG:4326 ({e})") from e
    bx0, by0, bx1, by1 = WUZHOU_BBOX
    if not (np.isfinite([x0, y0, x1, y1]).all() and bx0 <= x0 and x1 <= bx1 and by0 <= y0 and y1 <= by1):
        raise BoundaryError(
            f"{name}: after transforming from CRS {gdf.crs.name!r} the data spans lon {x0:.4f}..{x1:.4f}, "
            f"lat {y0:.4f}..{y1:.4f}, outside the city; the file's CRS is probably wrong")
    return out


def normalise_codes(values: pd.Series) -> pd.Series:
    """Codes as strings: 450403005002, 450403005002.0 and ' 450403005002 ' all become '450403005002'."""
    if pd.api.types.is_numeric_dtype(values):
        return values.map(lambda v: str(int(v)) if pd.notna(v) and float(v).is_integer() else str(v))
    return values.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)


def check_codes(codes: pd.Series, official: pd.Series, level: str, name: str) -> None:
    """Refuse duplicate, unknown or missing codes."""
    dup = codes[codes.duplicated()].unique()
    if len(dup):
        raise BoundaryError(f"{name}: duplicate {level} codes: {_listing(dup)}")
    unknown = set(codes) - set(official)
    if unknown:
        raise BoundaryError(f"{name}: {len(unknown)} codes are not official {level} codes of the city: {_listing(unknown)}")
    missing = set(official) - set(codes)
    if missing:
        raise BoundaryError(f"{name}: {len(missing)} official {level} codes are missing: {_listing(missing)}")


def repair(geoms: np.ndarray, codes: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
    """Make invalid geometry valid, keeping polygonal parts; refuse what is missing or not polygonal."""
    out, repaired = geoms.copy(), []
    for i in np.flatnonzero(~shapely.is_valid(geoms) | shapely.is_missing(geoms) | shapely.is_empty(geoms)):
        g = polygonal(shapely.make_valid(geoms[i])) if geoms[i] is not None else None
        if g is None or g.is_empty:
            raise BoundaryError(f"{name}: geometry of {codes[i]} is empty or has no area, even after repair")
        out[i] = g
        repaired.append(codes[i])
    bad = ~np.isin(shapely.get_type_id(out), [3, 6])
    if bad.any():
        raise BoundaryError(f"{name}: geometry of {_listing(codes[bad])} is not a polygon")
    return out, repaired


def read_boundaries(path: Path, level: str, code_column: str, name_column: str | None) -> tuple[gpd.GeoDataFrame, dict]:
    """The file as a level GeoDataFrame (official parent codes joined, generated=False) and report fields."""
    if level not in COLUMNS:
        raise BoundaryError(f"level must be one of {', '.join(COLUMNS)}, not {level!r}")
    path = Path(path)
    gdf = read_any(path)
    for col in (code_column, name_column):
        if col is not None and col not in gdf.columns:
            raise BoundaryError(f"{path.name} has no column {col!r}; columns: {', '.join(map(str, gdf.columns))}")
    source_crs = gdf.crs.to_string() if gdf.crs is not None else None
    gdf = to_wgs84(gdf, path.name)
    codes = normalise_codes(gdf[code_column])
    official = _OFFICIAL[level]().set_index("code")
    check_codes(codes, official.index.to_series(), level, path.name)
    geoms, repaired = repair(gdf.geometry.to_numpy(), codes.to_numpy(), path.name)
    names = gdf[name_column].astype(str).str.strip().to_numpy() if name_column else official.loc[codes, "name"]
    out = official.loc[codes].reset_index()
    out["name"] = np.asarray(names)
    out = gpd.GeoDataFrame(out.assign(generated=False), geometry=list(geoms), crs=4326)[COLUMNS[level]]
    mismatched = sorted(out.loc[out["name"].to_numpy() != official.loc[codes, "name"].to_numpy(), "code"])
    return out, {"rows": len(out), "source_crs": source_crs, "repaired": repaired, "name_mismatches": mismatched}
