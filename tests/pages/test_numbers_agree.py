"""For any filter, the cards, the sum over map areas, the chart's last point, the grid's row count and the
exported rows agree with each other and with queries.figures.headline — through the app's own callbacks."""
import base64
import datetime as dt
import io
import re
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pytest

from pages.context import day_index
from pages.i18n import t
from queries.figures import headline
from queries.runner import Scope

FILTERS = [  # drill path (district, township), as-of day
    ([], dt.date(2020, 3, 29)),
    (["450403"], dt.date(2020, 3, 29)),
    (["450405", "450405001"], dt.date(2020, 3, 29)),
    (["450481"], dt.date(2020, 2, 20)),
    ([], dt.date(2020, 4, 30)),
    (["450403", "450403005"], dt.date(2020, 2, 10)),
]
MAP_METRICS = {"abroad": "abroad", "entered": "entered", "in_quarantine": "in_quarantine"}


def find(component, wanted_id):
    """The component with id `wanted_id` in a serialised layout."""
    if isinstance(component, list):
        return next((f for c in component if (f := find(c, wanted_id)) is not None), None)
    if isinstance(component, dict):
        props = component.get("props", {})
        if props.get("id") == wanted_id:
            return component
        return find(props.get("children"), wanted_id)
    return None


def array(value) -> list:
    """A figure array as plain values (Plotly sends numbers as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", re.search(r"[\d,]+", text).group()))


def overview_inputs(path, as_of, metric="abroad"):
    return {"ov-drill.data": {"path": path, "selected": None}, "ov-metric.value": metric,
            "ov-day.value": day_index(as_of), "ov-classes.value": "quantile", "ov-points.value": []}


def export_filters(path, as_of, population):
    return {"since": "2020-01-20", "as_of": str(as_of), "district": path[0] if path else None,
            "township": path[1] if len(path) > 1 else None, "population": population}


@pytest.mark.parametrize("path,as_of", FILTERS, ids=[f"{'/'.join(p) or 'city'}@{d}" for p, d in FILTERS])
def test_cards_map_chart_grid_and_exports_agree(client, synthetic_store, path, as_of):
    scope = Scope("leadership", *(path + [None, None])[:2])
    h = headline(synthetic_store.reader(), scope, as_of)
    inputs = overview_inputs(path, as_of)

    cards = client.call("ov-cards.children", inputs).outputs["ov-cards.children"]
    shown = {k: number(find(cards, f"card-{k}-value")["props"]["children"])
             for k in ("abroad", "entered", "arrived", "measures", "in_quarantine", "released", "vehicles", "persons")}
    assert shown == {**{k: h[k] for k in ("abroad", "entered", "arrived", "measures", "in_quarantine", "released")},
                     "vehicles": h["checkpoint_vehicles"], "persons": h["checkpoint_persons"]}

    for metric, key in MAP_METRICS.items():
        reply = client.call("ov-map.figure", overview_inputs(path, as_of, metric), changed=["ov-drill.data"])
        ops = {tuple(op["location"]): op["params"]["value"] for op in reply.outputs["ov-map.figure"]["operations"]}
        unplaced = find(reply.outputs["ov-legend.children"], "ov-unplaced")
        unplaced = number(unplaced["props"]["children"]) if unplaced else 0
        assert sum(v for _, v in ops[("data", 0, "customdata")]) + unplaced == h[key], metric
        assert unplaced == 0 or (key == "entered" and not path)           # the synthetic city's unplaced rows
        assert all(code.startswith(path[-1] if path else "") for code in ops[("data", 0, "locations")])

    daily = client.call("ov-daily.figure", inputs).outputs["ov-daily.figure"]
    last = {trace["name"]: array(trace["y"]) for trace in daily["data"]}
    assert str(array(daily["data"][0]["x"])[-1])[:10] == str(as_of)
    assert [last[t(f"panel.{k}")][-1] for k in ("abroad", "entered", "in_quarantine")] == \
        [h["abroad"], h["entered"], h["in_quarantine"]]
    assert sum(last[t("panel.new_entries")]) == h["entered"]              # new per day adds up to the total

    tally = client.call("ov-tally.children", inputs).outputs["ov-tally.children"]
    assert {k: number(find(tally, f"tally-{k}-value")["props"]["children"])
            for k in ("rumours", "educated", "detained", "fined")} == {k: h[k] for k in ("rumours", "educated",
                                                                                      "detained", "fined")}

    for population in ("abroad", "entered", "arrived", "measures", "in_quarantine", "released"):
        filters = export_filters(path, as_of, population)
        count = client.call("ex-count.children", {
            "ex-dates.start_date": filters["since"], "ex-dates.end_date": filters["as_of"],
            "ex-district.value": filters["district"], "ex-township.value": filters["township"],
            "ex-population.value": population}).outputs["ex-count.children"]
        assert number(count) == h[population], population
        rows = client.call("ex-grid.getRowsResponse", {"ex-grid.getRowsRequest": {"startRow": 0, "endRow": 100}},
                           {"ex-filters.data": filters}).outputs["ex-grid.getRowsResponse"]
        assert rows["rowCount"] == h[population] and len(rows["rowData"]) == min(100, h[population])

    query = urlencode({k: v for k, v in export_filters(path, as_of, "abroad").items() if v})   # as the page's links
    for kind in ("csv", "xlsx", "parquet"):
        sent = client.http.get(f"/export/download/{kind}?{query}")
        assert sent.status_code == 200, sent.get_data(as_text=True)[:300]
        assert len(read_export(sent.get_data(), kind)) == h["abroad"], kind


def read_export(raw: bytes, kind: str) -> pd.DataFrame:
    if kind == "csv":
        return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    return pd.read_excel(io.BytesIO(raw)) if kind == "xlsx" else pd.read_parquet(io.BytesIO(raw))


def test_cards_follow_a_picked_community(client, synthetic_store):
    """Once a community is picked on the map, the cards (and the funnel) are the community's, equal to what the
    map shows for that community under each metric — not its township's any more."""
    as_of = dt.date(2020, 3, 29)
    path = ["450403", "450403005"]
    values = {}
    for metric in MAP_METRICS:
        reply = client.call("ov-map.figure", overview_inputs(path, as_of, metric), changed=["ov-drill.data"])
        ops = {tuple(op["location"]): op["params"]["value"] for op in reply.outputs["ov-map.figure"]["operations"]}
        values[metric] = dict(zip(ops[("data", 0, "locations")], (v for _, v in ops[("data", 0, "customdata")])))
    picked = max(values["abroad"], key=lambda c: (values["abroad"][c], values["entered"][c]))
    assert values["abroad"][picked] > 0
    township = client.call("ov-cards.children", overview_inputs(path, as_of)).outputs["ov-cards.children"]
    inputs = {**overview_inputs(path, as_of), "ov-drill.data": {"path": path, "selected": picked}}
    cards = client.call("ov-cards.children", inputs).outputs["ov-cards.children"]
    shown = {k: number(find(cards, f"card-{k}-value")["props"]["children"]) for k in MAP_METRICS}
    assert shown == {k: values[k][picked] for k in MAP_METRICS}
    assert shown["abroad"] != number(find(township, "card-abroad-value")["props"]["children"])
