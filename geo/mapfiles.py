"""Small simplified GeoJSON files of the boundaries for the dashboard (feature id = code)."""
import json
from pathlib import Path

import numpy as np
import shapely

from geo.partition import polygonal

TOLERANCE = {"districts": 0.002, "townships": 0.001, "communities": 0.0004}  # degrees
_PROPERTIES = {
    "districts": ["code", "name", "generated"],
    "townships": ["code", "name", "district_code", "generated"],
    "communities": ["code", "name", "township_code", "district_code", "generated"],
}


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Shared borders simplified once (coverage simplification), then coordinates rounded to 5 decimals."""
    if not shapely.coverage_is_valid(geoms):  # e.g. imported polygons with slivers or unmatched vertices
        geoms = shapely.coverage_clean(geoms)
    simple = shapely.coverage_simplify(geoms, tolerance)
    out = shapely.transform(simple, lambda c: np.round(c, 5))  # same vertex, same rounding: no slivers
    bad = ~shapely.is_valid(out)
    out[bad] = [polygonal(g) for g in shapely.set_precision(simple[bad], 1e-5)]
    tiny = shapely.is_empty(out)  # narrower than ~1 m: keep it, unsimplified, at 6 decimals
    out[tiny] = shapely.set_precision(geoms[tiny], 1e-6)
    return out


def simplified_geojson(boundaries, level: str) -> dict:
    """FeatureCollection of one level ('districts', 'townships', 'communities'), simplified, 5 decimals."""
    gdf = getattr(boundaries, level)
    geoms = _simplify(gdf.geometry.to_numpy(), TOLERANCE[level])
    props = gdf[_PROPERTIES[level]].astype(object).to_dict("records")
    features = [{"type": "Feature", "id": p["code"], "properties": {k: (bool(v) if k == "generated" else v)
                                                                   for k, v in p.items()},
                 "geometry": json.loads(shapely.to_geojson(g))} for p, g in zip(props, geoms)]
    return {"type": "FeatureCollection", "features": features}


def write_map_files(boundaries, out_dir: Path) -> list[Path]:
    """Write out_dir/{districts,townships,communities}.geojson; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for level in _PROPERTIES:
        path = out_dir / f"{level}.geojson"
        text = json.dumps(simplified_geojson(boundaries, level), ensure_ascii=False, separators=(",", ":"))
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
