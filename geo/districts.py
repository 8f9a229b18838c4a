"""The city's real district polygons from cnmaps (Amap-derived: derive locally, never commit), as a clean
partition; the city is the configuration's (settings.city().cnmaps_city)."""
import geopandas as gpd
import numpy as np
import shapely

import settings
from geo import reference
from geo.partition import GRID, polygonal

SNAP = 1e-6  # degrees (~10 cm): vertices closer than this are the same vertex
MAX_GAP = 1e-4  # degrees (~10 m): narrower gaps between neighbours are slivers, given to a neighbour


def clean_partition(geoms) -> np.ndarray:
    """Valid polygons forming a clean coverage: overlaps and sliver gaps go to the longest-border neighbour."""
    valid = [polygonal(g) for g in shapely.make_valid(np.asarray(geoms, dtype=object))]
    clean = shapely.coverage_clean(valid, gap_width=MAX_GAP, snapping_distance=SNAP)
    return shapely.set_precision(clean, GRID)


def from_cnmaps() -> gpd.GeoDataFrame:
    """Districts (code, name, geometry, generated=False) from cnmaps, matched by name to the official codes."""
    from cnmaps import get_adm_maps  # slow import, only needed when the cache is built

    found = {d["district"]: shapely.from_wkb(d["geometry"].wkb)
             for d in get_adm_maps(city=settings.city().cnmaps_city, level="区县")}
    ref = reference.districts()
    missing = sorted(set(ref["name"]) - set(found))
    if missing:
        raise ValueError(f"cnmaps has no polygon for {', '.join(missing)}")
    geoms = clean_partition([found[n] for n in ref["name"]])
    return gpd.GeoDataFrame({"code": ref["code"], "name": ref["name"], "generated": False},
                            geometry=list(geoms), crs=4326)[["code", "name", "geometry", "generated"]]
