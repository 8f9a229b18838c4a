import json
import re

import geopandas as gpd
import shapely

from geo.boundaries import simplified_geojson, write_map_files


def test_write_map_files(boundaries, tmp_path):
    paths = write_map_files(boundaries, tmp_path / "map")
    assert [p.name for p in paths] == ["districts.geojson", "townships.geojson", "communities.geojson"]
    for path, level in zip(paths, ["districts", "townships", "communities"]):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\d\.\d{6,}", text)  # at most 5 decimals
        doc = json.loads(text)
        ref = getattr(boundaries, level)
        assert [f["id"] for f in doc["features"]] == ref["code"].tolist()
        gdf = gpd.read_file(path)
        assert gdf.is_valid.all() and len(gdf) == len(ref)
        assert abs(shapely.area(gdf.geometry.to_numpy()).sum() / shapely.area(ref.geometry.to_numpy()).sum() - 1) < 0.01
    assert paths[2].stat().st_size < 1_000_000


def test_simplified_geojson_properties(boundaries):
    doc = simplified_geojson(boundaries, "communities")
    feature = next(f for f in doc["features"] if f["id"] == "450403005002")
    assert feature["properties"] == {"code": "450403005002", "name": "新兴社区居民委员会", "township_code": "450403005",
                                     "district_code": "450403", "generated": True}
    assert simplified_geojson(boundaries, "districts")["features"][0]["properties"]["generated"] is False
