import time

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import affinity

from geo import generate, reference
from geo.boundaries import load_boundaries
from geo.districts import clean_partition, from_cnmaps

LEVELS = ["districts", "townships", "communities"]
COLUMNS = {
    "districts": ["code", "name", "geometry", "generated"],
    "townships": ["code", "name", "district_code", "geometry", "generated"],
    "communities": ["code", "name", "short_name", "kind", "township_code", "district_code", "geometry", "generated"],
}
def area(gdf) -> pd.Series:
    """Areas in square degrees (geopandas warns on .area in a geographic CRS)."""
    return pd.Series(shapely.area(gdf.geometry.to_numpy()), index=gdf.index)


OFFICIAL = {"districts": reference.districts, "townships": reference.townships, "communities": reference.communities}


@pytest.mark.parametrize("level", LEVELS)
def test_one_valid_polygon_per_official_code(boundaries, level):
    gdf = getattr(boundaries, level)
    assert list(gdf.columns) == COLUMNS[level]
    assert gdf.crs.to_epsg() == 4326
    assert sorted(gdf["code"]) == sorted(OFFICIAL[level]()["code"])
    assert len(gdf) == {"districts": 7, "townships": 66, "communities": 1015}[level]
    assert gdf["code"].is_unique
    assert (gdf.geom_type == "Polygon").all()
    assert gdf.is_valid.all() and not gdf.is_empty.any()
    assert gdf["generated"].tolist() == [level != "districts"] * len(gdf)
    assert shapely.coverage_is_valid(gdf.geometry.to_numpy())  # edge-matched, no overlaps


def test_community_columns(boundaries):
    c = boundaries.communities.set_index("code")
    assert c.loc["450403005002", ["name", "short_name", "kind", "township_code"]].tolist() == [
        "新兴社区居民委员会", "新兴社区", "社区", "450403005"]
    assert c["kind"].value_counts().to_dict() == {"村": 861, "社区": 154}
    assert c.loc[c["kind"] == "村", "short_name"].str.endswith("村").all()
    assert not c["short_name"].str.contains("委员|委会|居委").any()  # 思委村 is a real name
    assert "450481111" in set(boundaries.townships["code"])  # 归义镇
    assert (c["district_code"] == c["township_code"].str[:6]).all()


@pytest.mark.parametrize("child_level, parent_level, key", [
    ("townships", "districts", "district_code"), ("communities", "townships", "township_code")])
def test_children_partition_their_parent(boundaries, child_level, parent_level, key):
    child, parent = getattr(boundaries, child_level), getattr(boundaries, parent_level).set_index("code")
    parents = parent.geometry.reindex(child[key]).to_numpy()
    outside = shapely.area(shapely.difference(child.geometry.to_numpy(), parents))
    assert outside.max() < 1e-6 * area(child).min()  # nested up to a tiny tolerance
    for code, group in child.groupby(key):
        areas = area(group).sum()
        assert areas == pytest.approx(parent.geometry[code].area, rel=1e-6)  # no gaps
        assert shapely.union_all(group.geometry.to_numpy()).area == pytest.approx(areas, rel=1e-6)  # no overlaps


def test_urban_units_are_small_and_near_seats(boundaries):
    c, t = boundaries.communities, boundaries.townships
    by_kind = area(c).groupby(c["kind"]).median()
    assert by_kind["社区"] * 4 < by_kind["村"]
    street = t["name"].str.endswith("街道")
    assert area(t)[street].max() * 4 < area(t)[~street].median()
    seats = reference.seats()
    for code, dcode, geom in zip(t["code"], t["district_code"], t.geometry):
        if code.endswith("100") or t.loc[t["code"] == code, "name"].iloc[0].endswith("街道"):
            assert geom.distance(shapely.Point(seats[dcode])) < 0.1, code  # ~10 km from the seat


def test_known_town_centres_lie_in_their_township(boundaries):
    ref = reference.townships().dropna(subset=["lon"])
    geoms = boundaries.townships.set_index("code").geometry
    for code, lon, lat in zip(ref["code"], ref["lon"], ref["lat"]):
        assert geoms[code].contains(shapely.Point(lon, lat)), code


def test_districts_cover_the_real_county_polygons(boundaries):
    d = boundaries.districts
    assert d.set_index("name").loc["万秀区", "code"] == "450403"
    assert shapely.union_all(d.geometry.to_numpy()).area == pytest.approx(area(d).sum(), rel=1e-9)
    assert 1.0 < area(d).sum() < 1.2  # ~12,600 km² in square degrees


def test_clean_partition_removes_overlaps_and_slivers(boundaries):
    geoms = boundaries.districts.geometry.to_numpy().copy()
    geoms[2] = affinity.translate(geoms[2], 2e-5, 1e-5)  # ~2 m shift: overlaps one side, slivers the other
    geoms[4] = shapely.make_valid(affinity.scale(geoms[4], 1.0001, 1.0001))
    clean = clean_partition(geoms)
    union = shapely.union_all(clean)
    assert shapely.area(clean).sum() == pytest.approx(union.area, rel=1e-9)
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == 0
    assert shapely.is_valid(clean).all() and shapely.coverage_is_valid(clean)


def test_generation_is_deterministic(boundaries):
    d, t = boundaries.districts, boundaries.townships
    same = generate.townships(d, 2020)
    assert shapely.equals_exact(same.geometry.to_numpy(), t.geometry.to_numpy(), 1e-12).all()
    other = generate.townships(d, 2021)
    assert not shapely.equals_exact(other.geometry.to_numpy(), t.geometry.to_numpy(), 1e-6).all()
    sub = t[t["district_code"] == "450403"]  # communities: one district is enough
    ref = boundaries.communities.set_index("code").geometry
    again = generate.communities(sub, 2020)
    expected = ref[again["code"]].to_numpy()

    def moved(gdf):  # area that changed; edge-matching across districts only adds vertices
        return shapely.area(shapely.symmetric_difference(gdf.geometry.to_numpy(), expected)).max()
    assert moved(again) < 1e-10
    assert moved(generate.communities(sub, 7)) > 1e-6


def test_cache_is_read_back(cache_dir, boundaries):
    files = sorted(p.name for p in cache_dir.iterdir())
    start = time.perf_counter()
    again = load_boundaries(cache_dir)
    assert time.perf_counter() - start < 2
    assert sorted(p.name for p in cache_dir.iterdir()) == files
    pd.testing.assert_frame_equal(again.communities.drop(columns="geometry"),
                                  boundaries.communities.drop(columns="geometry"))
    assert len([f for f in files if f.endswith(".parquet")]) == 3


def test_cnmaps_districts_match_official_codes():
    d = from_cnmaps()
    assert d["code"].tolist() == reference.districts()["code"].tolist()
    assert np.isclose(area(d).sum(), 1.1096, atol=1e-3)
