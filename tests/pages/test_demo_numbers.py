"""On the real demo city (built once per session): the cards show the report's figures, and cards, map,
chart, grid and export agree for several filters."""
import datetime as dt

import pytest

from pages.context import day_index
from queries.figures import headline
from queries.runner import Scope
from tests.pages.dash_client import DashClient, account
from tests.pages.test_numbers_agree import export_filters, find, number, overview_inputs

pytestmark = pytest.mark.slow
REPORT = {"abroad": 5130, "entered": 839, "arrived": 729, "measures": 362}


@pytest.fixture(scope="module")
def demo_client(demo_city, app_config):
    from pages.server import create_app
    store, _ = demo_city
    return store, DashClient(create_app(store, app_config), account(app_config.state_path, "analyst"))


def test_cards_show_the_report_figures(demo_client):
    _, client = demo_client
    cards = client.call("ov-cards.children", overview_inputs([], dt.date(2020, 3, 29))).outputs["ov-cards.children"]
    assert {k: number(find(cards, f"card-{k}-value")["props"]["children"]) for k in REPORT} == REPORT


@pytest.mark.parametrize("level_codes,as_of", [(0, dt.date(2020, 3, 29)), (1, dt.date(2020, 3, 29)),
                                               (2, dt.date(2020, 3, 29)), (1, dt.date(2020, 2, 20))])
def test_cards_map_chart_grid_and_export_agree(demo_client, level_codes, as_of):
    store, client = demo_client
    conn = store.reader()
    township = conn.execute("SELECT township_code FROM abroad GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    path = [township[:6], township][:level_codes]
    h = headline(conn, Scope("leadership", *(path + [None, None])[:2]), as_of)
    for metric in ("abroad", "entered", "in_quarantine"):
        reply = client.call("ov-map.figure", overview_inputs(path, as_of, metric), changed=["ov-drill.data"])
        ops = {tuple(op["location"]): op["params"]["value"] for op in reply.outputs["ov-map.figure"]["operations"]}
        unplaced = find(reply.outputs["ov-legend.children"], "ov-unplaced")
        shown = sum(v for _, v in ops[("data", 0, "customdata")])
        assert shown + (number(unplaced["props"]["children"]) if unplaced else 0) == h[metric], metric
    daily = client.call("ov-daily.figure", overview_inputs(path, as_of)).outputs["ov-daily.figure"]
    new, _, entered, abroad, in_quarantine = daily["data"]          # small multiples (layers/charts.daily_panels)
    assert [entered["y"][-1], abroad["y"][-1], in_quarantine["y"][-1]] == [h["entered"], h["abroad"], h["in_quarantine"]]
    assert sum(new["y"]) == h["entered"]                                 # the daily new entries add up
    assert daily["data"][0]["x"][-1] == str(as_of) and day_index(as_of) >= 0
    for population in ("abroad", "in_quarantine"):
        filters = export_filters(path, as_of, population)
        rows = client.call("ex-grid.getRowsResponse", {"ex-grid.getRowsRequest": {"startRow": 0, "endRow": 100}},
                           {"ex-filters.data": filters}).outputs["ex-grid.getRowsResponse"]
        assert rows["rowCount"] == h[population], population
