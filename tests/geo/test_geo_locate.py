import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.locate import Locator
from geo.sample import sample_points


@pytest.fixture(scope="module")
def locator(boundaries):
    return Locator(boundaries.communities)


def random_points(boundaries, n, seed=0):
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = boundaries.communities.total_bounds
    return rng.uniform(x0 - 0.05, x1 + 0.05, n), rng.uniform(y0 - 0.05, y1 + 0.05, n)


def test_locate_equals_brute_force(boundaries, locator):
    lon, lat = random_points(boundaries, 20_000)
    c = boundaries.communities
    expected = np.full(len(lon), None, dtype=object)
    for code, geom in zip(c["code"], c.geometry):
        expected[shapely.contains_xy(geom, lon, lat)] = code
    got = locator.locate(lon, lat)
    assert got.dtype == object
    assert (got == expected).all()
    assert 0.2 < np.mean([g is not None for g in got]) < 0.8


def test_locate_equals_sjoin(boundaries, locator):
    lon, lat = random_points(boundaries, 50_000, seed=1)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    joined = gpd.sjoin(points, boundaries.communities[["code", "geometry"]], predicate="within", how="left")
    assert joined.index.is_unique
    expected = joined["code"].astype(object).where(joined["code"].notna(), None).to_numpy()
    assert (locator.locate(lon, lat) == expected).all()


def test_border_points_get_one_neighbour(boundaries, locator):
    c = boundaries.communities.iloc[:200]
    shared = shapely.intersection(c.geometry.iloc[0].boundary, shapely.union_all(c.geometry.iloc[1:].boundary))
    xy = shapely.get_coordinates(shared)[:50]
    got = locator.locate(xy[:, 0], xy[:, 1])
    assert len(xy) and all(g is not None for g in got)
    assert set(got) <= set(c["code"])


def test_outside_and_invalid_points(locator):
    got = locator.locate(np.array([0.0, 111.3, np.nan, 200.0]), np.array([0.0, 25.5, 23.4, 23.4]))
    assert got.tolist() == [None, None, None, None]
    assert locator.locate([], []).shape == (0,)


def test_codes_for(boundaries, locator):
    c = boundaries.communities
    t, d = locator.codes_for(np.array(list(c["code"]) + [None, "x"], dtype=object))
    assert t.tolist() == list(c["township_code"]) + [None, None]
    assert d.tolist() == list(c["district_code"]) + [None, None]


def test_sample_points_fall_in_their_community(boundaries, locator):
    c = boundaries.communities
    codes = np.concatenate([c["code"].to_numpy(dtype=object), np.repeat("450403005002", 500)])
    lon, lat = sample_points(c, codes, np.random.default_rng(3))
    geoms = c.set_index("code").geometry[codes].to_numpy()
    assert shapely.contains_xy(geoms, lon, lat).all()
    assert (locator.locate(lon, lat) == codes).all()
    lon2, lat2 = sample_points(c, codes, np.random.default_rng(3))
    assert (lon == lon2).all() and (lat == lat2).all()
    assert np.unique(lon[-500:]).size == 500


def test_sample_points_unknown_code(boundaries):
    with pytest.raises(KeyError, match="450403005999"):
        sample_points(boundaries.communities, ["450403005002", "450403005999"], np.random.default_rng(0))
