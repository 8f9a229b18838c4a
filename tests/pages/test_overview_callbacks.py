"""Overview callbacks: drill down and up, recolour by Patch within the budget, play and ranked list."""
import datetime as dt

from pages.context import day_index

DAY = day_index(dt.date(2020, 3, 29))


def map_inputs(path, metric="abroad", day=DAY, shown=()):
    return {"ov-drill.data": {"path": path, "selected": None}, "ov-metric.value": metric, "ov-day.value": day,
            "ov-classes.value": "quantile", "ov-points.value": list(shown)}


def test_clicking_an_area_drills_down_and_up_goes_back(client):
    state = {"ov-drill.data": {"path": [], "selected": None}}
    click = {"points": [{"curveNumber": 0, "location": "450403"}]}
    down = client.call("ov-drill.data", {"ov-map.clickData": click}, state).outputs["ov-drill.data"]
    assert down == {"path": ["450403"], "selected": None}
    deeper = client.call("ov-drill.data", {"ov-map.clickData": {"points": [{"curveNumber": 0,
                                                                             "location": "450403005"}]}},
                         {"ov-drill.data": down}).outputs["ov-drill.data"]
    assert deeper["path"] == ["450403", "450403005"]
    picked = client.call("ov-drill.data", {"ov-map.clickData": {"points": [{"curveNumber": 0,
                                                                             "location": "450403005001"}]}},
                         {"ov-drill.data": deeper}).outputs["ov-drill.data"]
    assert picked == {"path": ["450403", "450403005"], "selected": "450403005001"}
    crumbs = client.call("ov-crumbs.children", {"ov-drill.data": picked}).outputs
    assert "/community?code=450403005001" in str(crumbs["ov-open.children"])
    assert crumbs["ov-generated.style"] == {"display": "block"}
    up = client.call("ov-drill.data", {"ov-up.n_clicks": 1}, {"ov-drill.data": deeper}).outputs["ov-drill.data"]
    assert up["path"] == ["450403"]
    elsewhere = client.call("ov-drill.data", {"ov-map.clickData": {"points": [{"curveNumber": 0,
                                                                                "location": "450405001"}]}},
                            {"ov-drill.data": down}).outputs
    assert elsewhere == {}                                   # not a child of the current area


def test_drilling_patches_the_geometry_url_and_the_view(client):
    reply = client.call("ov-map.figure", map_inputs(["450403"], shown=("checkpoints",)), changed=["ov-drill.data"])
    ops = {tuple(op["location"]): op["params"] for op in reply.outputs["ov-map.figure"]["operations"]}
    assert "townships.geojson" in ops[("data", 0, "geojson")]["value"]
    assert ("layout", "map") in ops and ops[("layout", "uirevision")]["value"] == "450403"
    assert ops[("data", 1)]["value"]["visible"] is True and ops[("data", 2)]["value"]["visible"] is False


def test_recolour_patches_only_values_and_colours(client):
    for day in range(DAY - 20, DAY + 1):
        reply = client.call("ov-map.figure", map_inputs(["450403"], day=day), changed=["ov-day.value"])
        ops = [tuple(op["location"]) for op in reply.outputs["ov-map.figure"]["operations"]]
        assert all(loc[:2] == ("data", 0) for loc in ops)
        assert reply.size < 50_000                          # the response budget; time is for bench/


def test_ranked_list_links_to_the_neighbourhood_page(client):
    ranked = client.call("ov-ranked.children", {"ov-drill.data": {"path": [], "selected": None},
                                                "ov-metric.value": "abroad", "ov-day.value": DAY})
    text = str(ranked.outputs["ov-ranked.children"])
    assert "/community?code=" in text


def test_a_click_on_a_marker_drills_into_the_area_under_it(client, synthetic_store):
    """A checkpoint or quarantine-site marker (curveNumber 1, 2) over an area must not swallow the click: the
    map drills into the area the marker lies in, as a click beside it would."""
    import duckdb

    with duckdb.connect(str(synthetic_store.current_path()), read_only=True) as conn:
        lon, lat, district, township = conn.execute(
            "SELECT lon, lat, district_code, township_code FROM quarantine_sites LIMIT 1").fetchone()
    state = {"ov-drill.data": {"path": [], "selected": None}}
    for curve in (1, 2):
        click = {"points": [{"curveNumber": curve, "lon": lon, "lat": lat, "customdata": ["隔离酒店一", 0, 200]}]}
        down = client.call("ov-drill.data", {"ov-map.clickData": click}, state).outputs["ov-drill.data"]
        assert down == {"path": [district], "selected": None}
    deeper = client.call("ov-drill.data", {"ov-map.clickData": {"points": [{"curveNumber": 2, "lon": lon,
                                                                             "lat": lat}]}},
                         {"ov-drill.data": down}).outputs["ov-drill.data"]
    assert deeper == {"path": [district, township], "selected": None}
    nowhere = client.call("ov-drill.data", {"ov-map.clickData": {"points": [{"curveNumber": 1, "lon": 0.0,
                                                                              "lat": 0.0}]}}, state).outputs
    assert nowhere == {}                                     # outside every area: nothing to drill into


def test_leaders_see_no_link_to_the_neighbourhood_page(login):
    """Leadership may not open /community: the ranking names communities without links, and a picked community
    offers no "open" link."""
    leader = login("leadership")
    ranked = leader.call("ov-ranked.children", {"ov-drill.data": {"path": [], "selected": None},
                                                "ov-metric.value": "abroad", "ov-day.value": DAY})
    text = str(ranked.outputs["ov-ranked.children"])
    assert "/community" not in text and "Span" in text
    crumbs = leader.call("ov-crumbs.children", {"ov-drill.data": {"path": ["450403", "450403005"],
                                                                  "selected": "450403005001"}}).outputs
    assert crumbs["ov-open.children"] == []
