"""Uniform random points inside given communities (to place generated addresses, hotels, ...)."""
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def sample_points(communities: gpd.GeoDataFrame, codes, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One uniform random point inside each given community code (codes may repeat); returns (lon, lat).

    Rejection sampling in each community's bbox, one vectorised batch per distinct code.
    """
    codes = np.asarray(codes, dtype=object)
    which = pd.Index(communities["code"]).get_indexer(codes)
    if (which < 0).any():
        raise KeyError(f"unknown community codes: {sorted(set(codes[which < 0]), key=str)[:5]}")
    geoms = communities.geometry.to_numpy()
    lon, lat = np.empty(len(codes)), np.empty(len(codes))
    order = np.argsort(which, kind="stable")
    groups, starts = np.unique(which[order], return_index=True)
    for g, rows in zip(groups, np.split(order, starts[1:])):
        lon[rows], lat[rows] = uniform_in(geoms[g], len(rows), rng)
    return lon, lat


def uniform_in(geom, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n uniform random points inside geom (rejection sampling in its bbox)."""
    x0, y0, x1, y1 = geom.bounds
    shapely.prepare(geom)
    fill = max(geom.area / ((x1 - x0) * (y1 - y0)), 1e-3)
    xs, ys, have = [], [], 0
    while have < n:
        m = int((n - have) / fill * 1.3) + 16
        x, y = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside]), ys.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]
