"""Layers of the loop on the leadership map: counts per place (no person), risk classes, area hover notes."""
import pandas as pd
import shapely

from layers import alerts, areas, points, risk
from layers.classes import classify

AREAS = pd.DataFrame({"code": ["a", "b", "c"], "name": ["甲村", "乙村", "丙村"],
                      "wkb": [shapely.to_wkb(shapely.box(110 + i, 23, 110.5 + i, 23.5)) for i in range(3)]})
PLACES = points.area_points(AREAS)


def test_area_points_lie_inside_their_areas():
    assert list(PLACES["code"]) == ["a", "b", "c"]
    for lon, lat, wkb in zip(PLACES["lon"], PLACES["lat"], AREAS["wkb"]):
        assert shapely.from_wkb(wkb).contains(shapely.Point(lon, lat))


def test_alerts_are_counted_per_place_by_kind_with_the_latest_day_and_nothing_else():
    rows = pd.DataFrame({"alert_id": ["return:1:x", "leak:arrival:2:y", "return:3:z", "return:4:w", "return:5:v"],
                         "kind": ["return", "leak_arrival", "return", "return", "return"],
                         "person_id": [1, 2, 3, 4, 5], "name": ["张*", "王*", "李*", "赵*", "钱*"],
                         "raised_at": pd.to_datetime(["2020-03-01 10:00", "2020-03-04 00:00", "2020-03-02 08:00",
                                                      "2020-03-05 09:30", "2020-03-06 12:00"]),
                         "community_code": ["a", "a", "c", "c", None]})
    counts = alerts.by_place(rows, PLACES, {"return": "回梧", "leak_arrival": "未抵梧"})
    assert counts == {"place": ["甲村", "丙村"], "lon": [PLACES["lon"][0], PLACES["lon"][2]],
                      "lat": [PLACES["lat"][0], PLACES["lat"][2]], "count": [2, 2],
                      "latest": ["2020-03-04", "2020-03-05"], "detail": ["回梧 1 · 未抵梧 1", "回梧 2"]}
    trace = alerts.place_points(rows, PLACES, {"return": "回梧"}, "预警", "最近", visible=False)
    assert trace["type"] == "scattermap" and trace["visible"] is False
    assert trace["customdata"][0] == ["甲村", 2, "2020-03-04", "回梧 1 · leak_arrival 1"]
    assert trace["marker"]["size"][0] == trace["marker"]["size"][1]           # sized by count
    text = str(trace)
    assert not any(x in text for x in ("张", "王", "李", "return:", "leak:", "person"))
    at = points.positions(PLACES, ["c"] * len(rows))                          # counted at other places
    assert alerts.by_place(rows, PLACES, {"return": "回梧"}, at)["count"] == [5]


def test_cases_are_two_layers_of_counts_per_place():
    cases = pd.DataFrame({"case_id": ["K1", "K2", "K3"], "kind": ["imported", "imported", "local"],
                          "confirmed_on": pd.to_datetime(["2020-03-01", "2020-03-09", "2020-03-02"]),
                          "community_code": ["b", "b", "a"], "community": ["乙村", "乙村", "甲村"],
                          "lon": [110.01, 110.02, 110.03], "lat": [23.01, 23.02, 23.03]})
    imported, local = risk.cases_by_place(cases, PLACES, {"imported": "输入", "local": "本土"}, "最近",
                                          visible=(True, False))
    assert imported["customdata"] == [["乙村", 2, "2020-03-09", ""]] and imported["visible"] is True
    assert local["customdata"] == [["甲村", 1, "2020-03-02", ""]] and local["visible"] is False
    assert (imported["lon"], imported["lat"]) == ([PLACES["lon"][1]], [PLACES["lat"][1]])   # not the home
    assert "K1" not in str(imported) and "110.01" not in str(imported)
    empty = risk.case_points(cases[cases["kind"] == "none"], PLACES, "local", "本土", "最近")
    assert empty["lon"] == [] and empty["customdata"] == []


def test_risk_props_classes_and_legend():
    scores = pd.DataFrame({"community_code": ["a", "c"], "score": [12.0, 2.5], "level": ["high", "low"],
                           "reasons": [[("arrivals", "意大利", 2, 12.0)], [("home_quarantine", "", 2, 2.5)]]})
    labels = {"level.low": "低", "level.medium": "中", "level.high": "高", "none": "无", "score": "分",
              "factor.arrivals": "来梧", "factor.home_quarantine": "居家"}
    props = risk.choropleth_props(["a", "b", "c"], ["甲村", "乙村", "丙村"], scores, labels)
    assert props["z"] == [3, 0, 1] and [risk.CLASSES[z] for z in props["z"]] == ["high", "none", "low"]
    assert props["customdata"][0][:3] == ["甲村", "高", "12"] and "来梧 · 意大利: 2 → 12" in props["customdata"][0][3]
    plain = areas.choropleth_props(["a"], ["甲村"], [1], classify([1]), "人数")
    assert set(props) == set(plain)                      # one Patch swaps a count map for a risk map and back
    assert risk.legend(props["z"], labels) == [(risk.LEVEL_COLOURS["high"], "高", 1),
                                              (risk.LEVEL_COLOURS["medium"], "中", 0),
                                              (risk.LEVEL_COLOURS["low"], "低", 1), (risk.NONE_COLOUR, "无", 1)]
    trace = risk.choropleth("/g.geojson", AREAS, scores, labels, visible=False)
    assert trace.name == "risk" and list(trace.z) == [3, 0, 1] and trace.visible is False


def test_area_choropleth_hover_can_carry_a_note_per_area():
    props = areas.choropleth_props(["a", "b"], ["甲", "乙"], [3, 0], classify([3, 0]), "中高风险", ["高 1 · 中 2", ""])
    assert props["customdata"] == [["甲", 3, "高 1 · 中 2"], ["乙", 0, ""]]
    assert props["hovertemplate"].endswith("<br>%{customdata[2]}<extra></extra>")
