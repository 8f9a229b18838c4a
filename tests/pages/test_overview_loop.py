"""The loop on the overview: the funnel's leaks, the "alerts" and "risk" map metrics and the alert / case point
layers agree with the loop's own figures (loop.alerts, loop.risk, the alerts page) and carry no person.

Runs on the synthetic city plus return alerts and confirmed cases (it has none of its own), in its own store and
state file, so closing an alert here changes no other test's figures."""
import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from layers import points
from layers.risk import CLASSES
from loop import alerts, workflow
from pages import alerts as alerts_page
from pages import loop_map, overview
from pages.context import AppContext, day_index
from pages.i18n import t
from pages.session import within
from queries.runner import Scope
from tests.pages.dash_client import DashClient, account
from tests.queries.synthetic import app_config, build_city  # noqa: F401  (fixture)

DAYS = [dt.date(2020, 2, 20), dt.date(2020, 3, 12), dt.date(2020, 3, 29), dt.date(2020, 4, 30)]
CITY = Scope.whole_city("leadership")
LEAK_KINDS = [k for k in alerts.KINDS if k.startswith("leak_")]


@pytest.fixture(scope="module")
def loop_store(tmp_path_factory, boundaries):
    """The synthetic city with a return alert for every third arrival (raised where the person lives) and a
    confirmed case, imported or local, for every seventh person in quarantine."""
    store = build_city(tmp_path_factory.mktemp("overview-loop") / "store", boundaries)
    with store.writer() as conn:
        conn.execute("""
            INSERT INTO alerts SELECT 'return:' || a.person_id || ':2020-01-01', 'return', a.person_id, a.arrived_at,
                   'transport', 'rail', a.place, NULL, NULL, a.community_code, a.township_code, a.district_code, 99,
                   a.person_id
            FROM arrivals a WHERE a.person_id % 3 = 0""")
        conn.execute("""
            INSERT INTO cases SELECT 'K' || q.person_id, q.person_id, CAST(q.start_at AS DATE) + 2,
                   CASE WHEN q.person_id % 2 = 0 THEN 'imported' ELSE 'local' END,
                   q.community_code, q.township_code, q.district_code, 99, q.person_id
            FROM quarantines q WHERE q.person_id % 7 = 0""")
    return store


@pytest.fixture(scope="module")
def config(app_config, tmp_path_factory):  # noqa: F811
    return dataclasses.replace(app_config, state_path=tmp_path_factory.mktemp("overview-state") / "app.sqlite")


@pytest.fixture(scope="module")
def app(loop_store, config):
    from pages.server import create_app
    return create_app(loop_store, config)


@pytest.fixture(scope="module")
def ctx(loop_store, config):
    """A context on the same store and state as the app (its own caches), for the loop's own figures."""
    return AppContext.create(loop_store, config)


def as_user(app, config, role, district=None, township=None) -> DashClient:
    return DashClient(app, account(config.state_path, role, district, township))


def recolour(client, path, metric, as_of, shown=(), changed="ov-metric.value"):
    inputs = {"ov-drill.data": {"path": path, "selected": None}, "ov-metric.value": metric,
              "ov-day.value": day_index(as_of), "ov-classes.value": "quantile", "ov-points.value": list(shown)}
    reply = client.call("ov-map.figure", inputs, changed=[changed])
    ops = {tuple(op["location"]): op["params"]["value"] for op in reply.outputs["ov-map.figure"]["operations"]
           if "value" in op["params"]}
    return ops, reply


def unplaced(reply) -> int:
    found = re.search(r"另有 ([\d,]+) ", str(reply.outputs["ov-legend.children"]))
    return int(found.group(1).replace(",", "")) if found else 0


def test_the_period_rows_give_the_loop_queries_of_every_day(ctx):
    """The overview asks the loop queries once (as of the last day) and replays the days from those rows: on
    every day they are exactly the alerts (return, leaks of every stage, fevers) the queries give that day."""
    kinds_seen = set()
    for scope in (CITY, Scope("police", "450403")):
        rows = loop_map.loop_rows(ctx, scope)
        period = ctx.period()
        for index in range(loop_map.day_index(period.start), loop_map.day_index(period.end) + 1, 3):
            as_of = loop_map.day(index)
            expected = alerts.collect(ctx.query, scope, as_of, loop_map.deadlines())
            derived = loop_map.loop_as_of(rows, as_of)
            assert sorted(derived["alert_id"]) == sorted(expected["alert_id"]), as_of
            kinds_seen |= set(derived["kind"])
            page = alerts_page.scoped_alerts(ctx, scope, as_of)        # every column, as the alerts page shows it
            want = alerts.with_state(expected, ctx.state, as_of)       # in collect's order (raised_at), not by day
            pd.testing.assert_frame_equal(page.sort_values("alert_id", ignore_index=True),
                                          want.sort_values("alert_id", ignore_index=True), check_dtype=False)
    assert {"return", *LEAK_KINDS} <= kinds_seen             # every rule of the replay was exercised


def test_the_funnel_shows_the_leaks_alerts_leaks_counts(app, config, ctx):
    client = as_user(app, config, "leadership")
    shown = 0
    for path in ([], ["450403"], ["450405", "450405001"]):
        for as_of in DAYS:
            funnel = client.call("ov-cards.children", {"ov-day.value": day_index(as_of),
                                                       "ov-drill.data": {"path": path, "selected": None}})
            texts = funnel.outputs["ov-funnel.figure"]["data"][0]["text"]
            expected = alerts.funnel_leaks(alerts.leaks(ctx.query, within(CITY, path[-1] if path else None),
                                                        as_of, loop_map.deadlines()))
            assert loop_map.funnel_leaks(ctx, CITY, path, as_of) == expected
            for text, n in zip(texts, expected + [0]):
                assert (t("funnel.leaks", n=n) in text) if n else ("脱管" not in text)
            shown += sum(expected)
    assert shown > 0


@pytest.mark.parametrize("role,district,path", [("analyst", None, []), ("police", "450403", ["450403"])])
def test_the_alerts_metric_over_the_areas_is_the_alerts_page_count(app, config, role, district, path):
    client = as_user(app, config, role, district)
    for as_of in DAYS:
        ops, reply = recolour(client, path, "alerts", as_of)
        on_map = sum(v for _, v in ops[("data", 0, "customdata")]) + unplaced(reply)
        base = {"al-date.date": as_of.isoformat(), "al-layers.value": [], "al-version.data": 0}
        page = 0
        for kinds, states in ((["return"], ["open", "assigned", "acknowledged"]), (LEAK_KINDS, [])):
            shown = client.call("al-counts.children", {**base, "al-kinds.value": kinds, "al-states.value": states})
            page += client.blocks("al-grid", {"al-filters.data": shown.outputs["al-filters.data"]})[1]
        assert on_map == page, as_of
        assert t("legend.alerts") in str(reply.outputs["ov-legend.children"])
    assert page > 0


def test_risk_classes_per_community_are_loop_risk_levels(app, config, ctx):
    client = as_user(app, config, "leadership")
    levels_seen = set()
    for as_of in DAYS[1:]:
        scores = alerts_page.risk_scores(ctx, CITY, as_of)
        level = dict(zip(scores["community_code"], scores["level"]))
        districts, _ = recolour(client, [], "risk", as_of)
        for code, (_, value, note) in zip(districts[("data", 0, "locations")], districts[("data", 0, "customdata")]):
            mine = [lv for c, lv in level.items() if c.startswith(code)]
            assert value == sum(lv in ("medium", "high") for lv in mine)
            assert f"{t('risk.level.high')} {mine.count('high')}" in note
        for township in sorted({c[:9] for c in level}):
            ops, reply = recolour(client, [township[:6], township], "risk", as_of)
            for code, z, custom in zip(ops[("data", 0, "locations")], ops[("data", 0, "z")],
                                       ops[("data", 0, "customdata")]):
                assert CLASSES[z] == level.get(code, "none")
                assert custom[1] == (t(f"risk.level.{level[code]}") if code in level else t("risk.none"))
                levels_seen.add(CLASSES[z])
            assert t("legend.risk.communities") in str(reply.outputs["ov-legend.children"])
    assert {"low", "medium"} <= levels_seen


@pytest.mark.parametrize("path,level", [([], "townships"), (["450403"], "communities")])
def test_point_layers_count_per_place_and_carry_no_person(app, config, ctx, loop_store, path, level):
    """Alerts and cases are counted per township on the city map, per community below: place, count, latest
    day and kinds; no name, phone, address, case or alert id; drawn at the area's point, not at a home."""
    client = as_user(app, config, "leadership")
    as_of = ctx.period().end                             # the period's last day: every alert counts
    ops, _ = recolour(client, path, "abroad", as_of, shown=overview.POINT_LAYERS, changed="ov-points.value")
    layers = {overview.POINT_LAYERS[i - 1]: ops[("data", i)] for i in range(1, len(overview.POINT_LAYERS) + 1)}
    assert all(layer["visible"] is True for layer in layers.values())
    places = points.area_points(overview.areas_in(ctx, CITY, level, path))
    where = {(lon, lat): name for name, lon, lat in zip(places["name"], places["lon"], places["lat"])}
    conn = loop_store.reader()
    people = conn.execute("SELECT name, phone, address, person_id FROM persons").fetchall()
    personal = {str(v) for row in people for v in row[:3] if v} | {f"K{p}" for *_, p in people}
    for name in ("alerts", "cases_imported", "cases_local"):
        layer = layers[name]
        assert layer["customdata"], name
        for lon, lat, custom in zip(layer["lon"], layer["lat"], layer["customdata"]):
            assert len(custom) == 4 and where[(lon, lat)] == custom[0]       # place, count, latest day, kinds
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", custom[2])
            text = " ".join(str(v) for v in custom)
            assert not any(p in text for p in personal) and "return:" not in text and "leak:" not in text
        assert re.findall(r"customdata\[(\d)\]", layer["hovertemplate"]) == ["0", "1", "2", "3"]
    inside = "district_code = '450403'" if path else "TRUE"
    cases = conn.execute(f"SELECT kind, count(*) FROM cases WHERE {inside} GROUP BY kind").fetchall()
    for kind, n in cases:
        assert sum(c[1] for c in layers[f"cases_{kind}"]["customdata"]) == n
    counted = loop_map.inside(loop_map.counted_alerts(loop_map.loop_states(ctx, CITY)), path)
    assert sum(c[1] for c in layers["alerts"]["customdata"]) == counted[loop_map.CODE_COLUMN[level]].notna().sum()


def test_a_date_change_sends_only_the_dated_layers_shown_within_budget(app, config):
    client = as_user(app, config, "leadership")
    for index in range(day_index(dt.date(2020, 3, 1)), day_index(dt.date(2020, 3, 11))):
        ops, reply = recolour(client, [], "alerts", loop_map.day(index), shown=("sites", "alerts", "cases_local"),
                              changed="ov-day.value")
        assert {loc[:2] for loc in ops} == {("data", 0), ("data", 3), ("data", 5)}
        assert reply.size < 50_000                          # the response budget; time is for bench/


def test_closing_an_alert_takes_it_off_the_map(app, config, ctx):
    client = as_user(app, config, "leadership")
    as_of = dt.date(2020, 4, 30)
    before, _ = recolour(client, [], "alerts", as_of)
    rows = loop_map.loop_states(ctx, CITY)
    target = rows[(rows["kind"] == "return") & (rows["state"] != "closed")].iloc[0]
    for action, extra in (("assign", {"assignee": "万秀分局"}), ("acknowledge", {}), ("close", {"reason": "resolved"})):
        assert workflow.act(ctx.state, "test", [target["alert_id"]], action, **extra).done
    after, _ = recolour(client, [], "alerts", as_of)
    values = {c: v for c, (_, v) in zip(before[("data", 0, "locations")], before[("data", 0, "customdata")])}
    now = {c: v for c, (_, v) in zip(after[("data", 0, "locations")], after[("data", 0, "customdata")])}
    assert now == {**values, target["district_code"]: values[target["district_code"]] - 1}


def test_ranked_communities_by_alerts_and_by_risk_score(app, config, ctx):
    """The ranking shows the top communities' values; analysts get links to them, leaders the same list unlinked."""
    analyst, leader = as_user(app, config, "analyst"), as_user(app, config, "leadership")
    as_of = dt.date(2020, 3, 29)
    drill = {"path": [], "selected": None}
    counted = loop_map.loop_as_of(loop_map.counted_alerts(loop_map.loop_states(ctx, CITY)), as_of)
    per_community = counted.groupby("community_code").size()
    scores = alerts_page.risk_scores(ctx, CITY, as_of).set_index("community_code")["score"]
    for metric, expected in (("alerts", per_community), ("risk", scores)):
        inputs = {"ov-drill.data": drill, "ov-metric.value": metric, "ov-day.value": day_index(as_of)}
        ranked = analyst.call("ov-ranked.children", inputs).outputs["ov-ranked.children"]
        items = ranked[1]["props"]["children"]                 # [caption naming metric, unit and date, list]
        shown = {re.search(r"code=(\d+)", str(i)).group(1): i["props"]["children"][1]["props"]["children"]
                 for i in items}
        unlinked = leader.call("ov-ranked.children", inputs).outputs["ov-ranked.children"][1]["props"]["children"]
        assert "href" not in str(unlinked)
        assert [i["props"]["children"][1]["props"]["children"] for i in unlinked] == list(shown.values())
        top = expected[expected > 0].sort_values(ascending=False)
        assert len(shown) == min(10, len(top)) and len(shown) > 0
        for code, text in shown.items():
            assert text == overview.number(expected[code])
        assert min(expected[c] for c in shown) >= top.iloc[len(shown) - 1]
