import numpy as np
import pyproj
import pytest
import shapely

from geo.boundaries import BoundaryError, import_boundaries, load_boundaries

SITE_GRID = pyproj.CRS.from_wkt(
    'ENGCRS["Site grid",EDATUM["Site"],CS[Cartesian,2],AXIS["x",east,ORDER[1],LENGTHUNIT["metre",1]],'
    'AXIS["y",north,ORDER[2],LENGTHUNIT["metre",1]]]')


def city_file(boundaries, tmp_path, level="communities", ext="gpkg", crs=4326, edit=None):
    """Write a level as a 'city supplied' file: other column names, optionally reprojected / edited."""
    gdf = getattr(boundaries, level)[["code", "name", "geometry"]]
    gdf = gdf.rename(columns={"code": "GRID_CODE", "name": "GRID_NAME"})
    gdf = gdf.to_crs(crs)
    if edit:
        gdf = edit(gdf)
    path = tmp_path / f"{level}.{ext}"
    if ext == "parquet":
        gdf.to_parquet(path)
    else:
        gdf.to_file(path)
    return path


@pytest.mark.parametrize("ext", ["geojson", "gpkg", "shp", "parquet"])
def test_reimport_each_format(boundaries, fresh_cache, tmp_path, ext):
    path = city_file(boundaries, tmp_path, ext=ext)
    report = import_boundaries(path, "communities", "GRID_CODE", "GRID_NAME", cache_dir=fresh_cache)
    assert report.rows == 1015 and report.repaired == [] and report.outside_parent == {}
    assert report.warnings == [] and report.name_mismatches == []
    loaded = load_boundaries(fresh_cache).communities
    assert not loaded["generated"].any()
    assert list(loaded.columns) == list(boundaries.communities.columns)
    ref = boundaries.communities.set_index("code").geometry[loaded["code"]].to_numpy()
    assert shapely.area(shapely.symmetric_difference(loaded.geometry.to_numpy(), ref)).max() < 1e-9
    assert loaded.set_index("code").loc["450403005002", "short_name"] == "新兴社区"


def test_imported_townships_in_another_crs_replace_generated_ones(boundaries, fresh_cache, tmp_path):
    def numeric_codes(gdf):
        return gdf.assign(GRID_CODE=gdf["GRID_CODE"].astype(int))

    path = city_file(boundaries, tmp_path, level="townships", crs=32649, edit=numeric_codes)  # UTM 49N
    report = import_boundaries(path, "townships", "GRID_CODE", cache_dir=fresh_cache)
    assert report.rows == 66 and report.source_crs == "EPSG:32649" and report.outside_parent == {}
    b = load_boundaries(fresh_cache)
    assert not b.townships["generated"].any() and b.communities["generated"].all()
    assert len(list(fresh_cache.glob("communities_generated_*.parquet"))) == 2  # regenerated in the new parents
    towns = b.townships.set_index("code").geometry
    for code, group in b.communities.groupby("township_code"):
        assert shapely.union_all(group.geometry.to_numpy()).symmetric_difference(towns[code]).area < 1e-9


@pytest.mark.parametrize("ext, crs, edit, message", [
    ("parquet", 4326, lambda g: g.set_crs(None, allow_override=True), "has no CRS"),
    ("gpkg", 4326, lambda g: g.set_crs(SITE_GRID, allow_override=True), "cannot transform"),
    ("gpkg", 4326, lambda g: g.set_crs(3857, allow_override=True), "outside the city"),
    ("geojson", 4326, lambda g: g.iloc[1:], "1 official communities codes are missing: 450403005001"),
    ("geojson", 4326, lambda g: g.assign(GRID_CODE=g["GRID_CODE"].replace("450403005001", "450403005999")),
     "not official communities codes of the city: 450403005999"),
    ("geojson", 4326, lambda g: g.assign(GRID_CODE=g["GRID_CODE"].replace("450403005001", "450403005002")),
     "duplicate communities codes: 450403005002"),
    ("geojson", 4326, lambda g: g.assign(geometry=[shapely.LineString([(111.3, 23.4), (111.31, 23.41)])] * len(g)),
     "not a polygon"),
    ("geojson", 4326, lambda g: g.assign(geometry=[shapely.Polygon([(111.3, 23.4), (111.31, 23.4), (111.32, 23.4)])]
                                         + list(g.geometry.iloc[1:])), "empty or has no area, even after repair"),
])
def test_import_errors(boundaries, fresh_cache, tmp_path, ext, crs, edit, message):
    path = city_file(boundaries, tmp_path, ext=ext, crs=crs, edit=edit)
    with pytest.raises(BoundaryError, match=message):
        import_boundaries(path, "communities", "GRID_CODE", cache_dir=fresh_cache)
    assert not (fresh_cache / "communities_imported.parquet").exists()


def test_import_argument_errors(boundaries, fresh_cache, tmp_path):
    path = city_file(boundaries, tmp_path)
    with pytest.raises(BoundaryError, match="no column 'CODE'"):
        import_boundaries(path, "communities", "CODE", cache_dir=fresh_cache)
    with pytest.raises(BoundaryError, match="level must be one of"):
        import_boundaries(path, "villages", "GRID_CODE", cache_dir=fresh_cache)
    with pytest.raises(BoundaryError, match="cannot read"):
        import_boundaries(tmp_path / "missing.geojson", "communities", "GRID_CODE", cache_dir=fresh_cache)


def test_invalid_geometry_is_repaired_and_reported(boundaries, fresh_cache, tmp_path):
    def bowtie(gdf):
        x0, y0, x1, y1 = gdf.geometry.iloc[0].bounds
        gdf.loc[gdf.index[0], "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
        return gdf

    path = city_file(boundaries, tmp_path, edit=bowtie)
    report = import_boundaries(path, "communities", "GRID_CODE", cache_dir=fresh_cache)
    assert report.repaired == ["450403005001"]
    assert any("repaired" in w for w in report.warnings)
    fixed = load_boundaries(fresh_cache).communities.set_index("code").geometry["450403005001"]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and fixed.area > 0


def test_poor_nesting_is_warned(boundaries, fresh_cache, tmp_path):
    def shift(gdf):
        gdf.loc[gdf.index[:3], "geometry"] = gdf.geometry.iloc[:3].translate(0.05, 0.05)
        return gdf

    path = city_file(boundaries, tmp_path, edit=shift)
    report = import_boundaries(path, "communities", "GRID_CODE", "GRID_NAME", cache_dir=fresh_cache)
    assert sorted(report.outside_parent) == sorted(boundaries.communities["code"].iloc[:3])
    assert all(share > 0.9 for share in report.outside_parent.values())
    assert any("outside their (generated) township" in w for w in report.warnings)


def test_name_mismatches_are_reported(boundaries, fresh_cache, tmp_path):
    def rename(gdf):
        return gdf.assign(GRID_NAME=np.where(gdf.index == 1, "新兴社区", gdf["GRID_NAME"]))

    path = city_file(boundaries, tmp_path, edit=rename)
    report = import_boundaries(path, "communities", "GRID_CODE", "GRID_NAME", cache_dir=fresh_cache)
    assert report.name_mismatches == ["450403005002"]
