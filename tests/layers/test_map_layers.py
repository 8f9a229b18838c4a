"""Map layers: choropleths over served GeoJSON, point layers, views fitted to areas, the offline base map."""
import json

import pandas as pd
import plotly.graph_objects as go
import shapely

from layers import areas, points
from layers.basemap import bounds_of, fit, map_layout
from layers.classes import classify

AREAS = pd.DataFrame({"code": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
                      "wkb": [shapely.to_wkb(shapely.box(110 + i, 23, 110.5 + i, 23.5)) for i in range(3)]})


def test_choropleth_references_geometry_by_url_and_carries_only_ids_and_values():
    values = [1, 5, 9]
    props = areas.choropleth_props(AREAS["code"].tolist(), AREAS["name"].tolist(), values, classify(values), "人数")
    trace = areas.choropleth("/assets/geo/districts.geojson", props)
    assert isinstance(trace, go.Choroplethmap)
    assert trace.geojson == "/assets/geo/districts.geojson"
    assert list(trace.locations) == ["a", "b", "c"] and list(trace.z) == [0, 1, 2]
    assert [row[1] for row in trace.customdata] == [1, 5, 9]
    assert "人数" in trace.hovertemplate
    assert len(json.dumps(trace.to_plotly_json())) < 2000       # no geometry travels with the figure


def test_point_layers():
    cps = pd.DataFrame({"name": ["站1", "站2"], "lon": [111.1, 111.2], "lat": [23.4, 23.5],
                        "vehicles": [100, 400], "persons": [0, 0]})
    trace = points.checkpoints(cps, ("检测站", "车辆", "人员"), sized=True)
    assert isinstance(trace, go.Scattermap) and trace.marker.size[1] > trace.marker.size[0]
    people = pd.DataFrame({"person_id": [1, 2, 3], "name": ["张*", "王*", "李*"], "stage": ["abroad", "released",
                                                                                           "released"],
                           "lon": [111.0] * 3, "lat": [23.0] * 3})
    traces = points.residences(people, {s: s for s in points.STAGE_COLOURS})
    assert [t["name"] for t in traces] == ["abroad", "released"]
    assert traces[1]["marker"]["color"] == points.STAGE_COLOURS["released"]
    assert traces[1]["customdata"] == [[2, "王*"], [3, "李*"]]
    go.Figure(data=traces)                                # valid Plotly traces


def test_views_fit_their_areas_and_the_base_map_needs_no_network():
    bounds = bounds_of(AREAS["wkb"])
    assert bounds == (110.0, 23.0, 112.5, 23.5)
    city, village = fit(bounds), fit((111.0, 23.0, 111.01, 23.01))
    assert village["zoom"] > city["zoom"]
    assert 110 < city["center"]["lon"] < 112.5
    layout = map_layout(city)
    style = layout["map"]["style"]
    assert "glyphs" not in style and "sprite" not in style and all("url" not in x and "tiles" not in x for x in style["sources"].values())
    assert layout["map"]["layers"] == []
    outlined = map_layout(city, outlines=["/assets/geo/districts.geojson"])["map"]["layers"]
    assert [(x["sourcetype"], x["type"], x["below"]) for x in outlined] == [("geojson", "line", "traces")]
    go.Figure(layout=map_layout(city, outlines=["/assets/geo/districts.geojson"]))
    tiled = map_layout(city, tile_url="http://tiles.intranet/{z}/{x}/{y}.png")
    assert tiled["map"]["layers"][0]["source"] == ["http://tiles.intranet/{z}/{x}/{y}.png"]
    go.Figure(layout=tiled)                               # a valid Plotly layout


def test_feature_collection_carries_every_metric():
    values = {"abroad": [3, 0, 0], "in_quarantine": [0, 0, 1]}
    fc = areas.feature_collection(AREAS, values)
    assert [f["id"] for f in fc["features"]] == ["a", "b", "c"]
    assert fc["features"][0]["properties"] == {"code": "a", "name": "甲", "abroad": 3, "in_quarantine": 0}
    assert fc["features"][2]["geometry"]["type"] == "Polygon"
    json.dumps(fc)
