"""Benchmark: point -> community assignment, geo.locate.Locator vs geopandas.sjoin(predicate="within").

Run: .venv/bin/python bench/bench_locate.py [n_points]
"""
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for `import geo`

from geo.boundaries import load_boundaries  # noqa: E402
from geo.locate import Locator  # noqa: E402


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run(n_points: int = 1_000_000, cache_dir: Path | None = None) -> list[dict]:
    """Time both methods on the same random points in the city bbox (results must be identical).

    cache_dir: an existing boundaries cache (e.g. var/geo) to use instead of building one in a temp dir.
    """
    with tempfile.TemporaryDirectory(prefix="geo_bench_") as tmp:  # default: a fresh build, no shared state
        communities = load_boundaries(cache_dir or tmp).communities
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = communities.total_bounds
    lon, lat = rng.uniform(x0, x1, n_points), rng.uniform(y0, y1, n_points)

    locator, build = _timed(lambda: Locator(communities))
    got, fast = _timed(lambda: locator.locate(lon, lat))
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    joined, slow = _timed(lambda: gpd.sjoin(points, communities[["code", "geometry"]], predicate="within", how="left"))
    expected = joined["code"].astype(object).where(joined["code"].notna(), None).to_numpy()
    if not (joined.index.is_unique and (got == expected).all()):
        raise AssertionError("Locator and sjoin disagree")
    timings = (("Locator", fast), ("Locator incl. index build", build + fast), ("geopandas.sjoin", slow))
    return [{"benchmark": "spatial assignment", "method": method, "points": n_points, "seconds": round(s, 3),
             "points_per_s": round(n_points / s), "ratio_vs_sjoin": round(slow / s, 2)} for method, s in timings]


if __name__ == "__main__":
    rows = run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
    print(f"{'method':<27}{'points':>10}{'seconds':>10}{'points/s':>13}{'vs sjoin':>10}")
    for r in rows:
        print(f"{r['method']:<27}{r['points']:>10}{r['seconds']:>10.3f}{r['points_per_s']:>13,}{r['ratio_vs_sjoin']:>9.2f}x")
