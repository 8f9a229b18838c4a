"""The alerts and quarantine pages over HTTP (Flask test client): render, scope, workflow through the UI."""
import datetime as dt

import pandas as pd

from layers import alerts as alert_layer
from layers import risk as risk_layer
from loop import alerts, workflow
from pages import alerts as alerts_page
from pages.i18n import t
from queries.runner import Scope

SHOW = {"al-date.date": "2020-04-30", "al-kinds.value": [], "al-states.value": [],
        "al-layers.value": list(alerts_page.MAP_LAYERS), "al-version.data": 0}


def show(client, **changes):
    """The page's show callback (counts, map, count, the filters the grid lists) for SHOW with `changes`."""
    return client.call("al-counts.children", {**SHOW, **changes}).outputs


def listed(client, size=100, sort=None, **changes):
    """(rows, rowCount): every row the alerts grid lists for SHOW with `changes`, asked for block by block."""
    return client.blocks("al-grid", {"al-filters.data": show(client, **changes)["al-filters.data"]}, size, sort)


def test_pages_render_in_both_languages(loop_client):
    for path, words in (("/alerts", ("预警列表", "Alerts")), ("/quarantine", ("满14天解除日历", "Day-14 release calendar"))):
        for lang, word in zip(("zh", "en"), words):
            loop_client.visit(f"{path}?lang={lang}")
            page = loop_client.call("page.children", {"url.pathname": path, "url.search": f"?lang={lang}"}).outputs
            assert word in str(page["page.children"])


def test_alerts_list_counts_and_map(loop_client):
    out = show(loop_client)
    rows, count = listed(loop_client)
    assert rows and len({r["alert_id"] for r in rows}) == len(rows) == count
    assert t("alerts.count", n=count, total=count) == out["al-count.children"]
    kinds = {r["kind"] for r in rows}
    assert t("alerts.kind.leak_arrival") in kinds                  # the synthetic city's entered-never-arrived
    figure = out["al-map.figure"]
    assert figure["data"][0]["type"] == "choroplethmap" and figure["data"][0]["name"] == "risk"
    assert [d["name"] for d in figure["data"][1:3]] == [t("layer.cases_imported"),
                                                        t("layer.cases_local")]
    assert any(d["type"] == "scattermap" and d.get("customdata") for d in figure["data"][3:])
    assert "al-counts-table" in str(out["al-counts.children"])


def test_police_of_another_district_see_none_and_cannot_act_on_them(loop_client, loop_login):
    everyone, _ = listed(loop_client)
    other = loop_login("police", "450422")                                  # no synthetic rows there
    assert listed(other) == ([], 0)
    smuggled = {**show(loop_client)["al-filters.data"], "district": "450403", "role": "analyst"}
    assert other.blocks("al-grid", {"al-filters.data": smuggled}) == ([], 0)     # the scope is the session's
    reply = other.call("al-status.children", {"al-assign.n_clicks": 1},
                             {"al-grid.selectedRows": everyone[:2], "al-assignee.value": "me",
                              "al-date.date": "2020-04-30", "al-version.data": 0},
                             changed=["al-assign.n_clicks"]).outputs
    assert t("alerts.why.scope") in reply["al-status.children"]                 # in the UI's language
    assert "outside" not in reply["al-status.children"]


def test_analysts_may_look_but_not_act(loop_client):
    rows = listed(loop_client)[0][:1]
    reply = loop_client.call("al-status.children", {"al-acknowledge.n_clicks": 1},
                             {"al-grid.selectedRows": rows, "al-date.date": "2020-04-30", "al-version.data": 0},
                             changed=["al-acknowledge.n_clicks"]).outputs
    assert reply["al-status.children"] == t("alerts.not_allowed")
    assert listed(loop_client)[1] > 0                                       # the list is still shown


def test_bulk_workflow_through_the_page(loop_login, app_config):
    from auth import audit
    from auth.state import State
    from loop import workflow

    loop_client = loop_login("police", "450403")
    open_rows = listed(loop_client, **{"al-states.value": ["open"]})[0][:3]
    ids = [r["alert_id"] for r in open_rows]

    def press(action, **state):
        values = {"al-grid.selectedRows": open_rows, "al-date.date": "2020-04-30", "al-version.data": 0, **state}
        return loop_client.call("al-status.children", {f"al-{action}.n_clicks": 1}, values,
                                changed=[f"al-{action}.n_clicks"]).outputs

    assert press("acknowledge")["al-status.children"].startswith("已处理 0 条")            # open -> ack refused
    assert press("assign", **{"al-assignee.value": "万秀分局"})["al-version.data"] == 1
    press("acknowledge")
    out = press("close", **{"al-reason.value": "in_quarantine"})
    assert out["al-status.children"] == "已处理 3 条。"
    state = State(app_config.state_path)
    assert {workflow.current(state, a) for a in ids} == {"closed"}
    assert len([r for r in audit.recent(state) if r["target"] in ids and r["outcome"] == "ok"]) == 9
    closed, _ = listed(loop_client, **{"al-states.value": ["closed"]})
    assert set(ids) <= {r["alert_id"] for r in closed}
    before = show(loop_client, **{"al-states.value": ["open"]})["al-filters.data"]
    after = loop_client.call("al-counts.children", {**SHOW, "al-states.value": ["open"], "al-version.data": 3},
                             {"al-filters.data": before, "al-grid.selectedRows": open_rows},
                             changed=["al-version.data"]).outputs
    assert after["al-filters.data"]["version"] == 3 and after["al-grid.selectedRows"] == []   # closed: unselected
    plan = loop_client.call("al-plan.children", {"al-grid.selectedRows": open_rows[:1], "al-version.data": 1},
                            {"al-date.date": "2020-04-30"}).outputs
    assert "al-plan-card" in str(plan["al-plan.children"])
    assert "办结" in str(plan["al-history.children"])


def test_the_grid_blocks_are_the_listed_alerts_sorted_on_their_values(loop_client, loop_app):
    ctx = loop_app.server.extensions["context"]
    frame = alerts_page.scoped_alerts(ctx, Scope("analyst"), dt.date(2020, 4, 30))
    for kinds, states in (([], []), ([], ["open"]), (["leak_arrival", "fever"], []), (["return"], ["closed"])):
        rows, count = listed(loop_client, size=7, **{"al-kinds.value": kinds, "al-states.value": states})
        want = frame[frame["kind"].isin(kinds or alerts.KINDS) & frame["state"].isin(states or workflow.STATES)]
        assert count == len(rows) == len(want)
        assert [r["alert_id"] for r in rows] == want["alert_id"].tolist()[::-1]            # newest first
    code = {t(f"alerts.kind.{k}"): k for k in alerts.KINDS}
    kinds = [code[r["kind"]] for r in listed(loop_client, 7, [{"colId": "kind", "sort": "asc"}])[0]]
    assert kinds == sorted(kinds) != sorted(kinds, key=lambda k: t(f"alerts.kind.{k}"))   # codes, not text
    ages = [r["age_days"] for r in listed(loop_client, 7, [{"colId": "age_days", "sort": "desc"}])[0]]
    assert ages == sorted(ages, reverse=True) and len(frame) == len(ages)
    raised = listed(loop_client, 7, [{"colId": "raised_at", "sort": "asc"}])[0]
    assert [r["raised_at"] for r in raised] == sorted(r["raised_at"] for r in raised)
    assert listed(loop_client, 7, [{"colId": "resident_id", "sort": "asc"}])[0] == listed(loop_client, 7)[0]


def test_one_audit_per_listing_none_per_block_or_map_layer(loop_client, app_config):
    from auth import audit
    from auth.state import State

    def listings():
        rows = audit.recent(State(app_config.state_path), 100_000, "people.list")
        return [r for r in rows if r["target"] == "alerts"]

    before = len(listings())
    filters = show(loop_client, **{"al-kinds.value": ["fever"]})["al-filters.data"]
    loop_client.blocks("al-grid", {"al-filters.data": filters}, size=3)
    assert len(listings()) == before + 1 and '"kinds": ["fever"]' in listings()[0]["detail"]
    layer = loop_client.call("al-counts.children", {**SHOW, "al-kinds.value": ["fever"], "al-layers.value": ["risk"]},
                             {"al-filters.data": filters}, changed=["al-layers.value"]).outputs
    assert len(listings()) == before + 1 and "al-filters.data" not in layer       # the same listing: no refetch


def test_quarantine_page(loop_client):
    out = loop_client.call("qr-cards.children", {"qr-date.date": "2020-03-29"}).outputs
    assert "qr-card-hotel_occupancy-value" in str(out["qr-cards.children"])
    assert out["qr-occupancy.figure"]["data"][0]["type"] == "heatmap"
    assert {d["type"] for d in out["qr-calendar.figure"]["data"]} == {"bar", "scatter"}
    listed = {"qr-listed.data": out["qr-listed.data"]}
    assert loop_client.blocks("qr-batches", listed) == ([], 0)          # the synthetic city records no carriers
    home, count = loop_client.blocks("qr-home", listed, size=3)
    assert count == len(home) > 3 and all(r["missed_days"] >= 0 for r in home)
    assert len({r["name"] + r["community"] + str(r["release_due"]) for r in home}) >= count // 2
    longest, _ = loop_client.blocks("qr-home", listed, sort=[{"colId": "missed_days", "sort": "desc"}])
    assert [r["missed_days"] for r in longest] == sorted((r["missed_days"] for r in home), reverse=True)
    watch, count = loop_client.blocks("qr-watch", listed)
    assert count == len(watch) and {r["kind"] for r in watch} <= {"隔离超期未解除", "居家隔离漏报体温", "体温异常（≥37.3℃）"}


def test_layers_are_pure_functions():
    frame = pd.DataFrame({"alert_id": ["a", "b"], "kind": ["return", "fever"], "name": ["张*", "李*"],
                          "state": ["open", "closed"], "detail": ["梧州南站", "37.8 °C"],
                          "raised_at": pd.to_datetime(["2020-03-01", "2020-03-02"]), "lon": [111.3, 111.2],
                          "lat": [23.4, 23.5]})
    traces = alert_layer.points(frame, {"return": "回", "fever": "热"}, {"open": "待", "closed": "结"})
    assert [t["name"] for t in traces] == ["回", "热"] and traces[0]["customdata"][0][0] == "a"
    funnel = alert_layer.funnel_with_leaks([("a", 10), ("b", 8), ("c", 5)], [0, 2], lambda n: f"leaks {n}")
    assert funnel["data"][0]["text"] == ["10", "8  ·  leaks 2", "5"]
    scores = pd.DataFrame({"community_code": ["c1"], "score": [12.0], "level": ["high"],
                           "reasons": [[("arrivals", "意大利", 2, 12.0)]]})
    areas = pd.DataFrame({"code": ["c1", "c2"], "name": ["一", "二"]})
    labels = {"level.low": "低", "level.medium": "中", "level.high": "高", "none": "无", "score": "分",
              "factor.arrivals": "来梧"}
    trace = risk_layer.choropleth("/x.geojson", areas, scores, labels)
    assert list(trace.z) == [3, 0] and "来梧 · 意大利: 2 → 12" in trace.customdata[0][3]
    cases = risk_layer.cases(pd.DataFrame({"case_id": ["k1"], "kind": ["imported"],
                                           "confirmed_on": [dt.date(2020, 3, 1)], "community": ["一"],
                                           "lon": [111.0], "lat": [23.0]}),
                             {"imported": "输入", "local": "本土"})
    assert [len(t.lon) for t in cases] == [1, 0]


def test_the_drill_down_shows_the_persons_plan(loop_login, synthetic_store):
    pid, code = synthetic_store.reader().execute(
        "SELECT person_id, community_code FROM quarantines WHERE district_code = '450403' ORDER BY person_id"
        " LIMIT 1").fetchone()
    police = loop_login("police", "450403")
    out = police.call("cm-person.children", {"cm-grid.selectedRows": [{"person_id": pid}]},
                      {"cm-community.value": code, "cm-date.date": "2020-04-30"}).outputs
    plan = str(out["cm-plan.children"])
    assert "al-plan-card" in plan and t("plan.quarantine") in plan and t("plan.next") in plan



def test_the_drill_down_shows_the_communitys_alerts_on_the_map_and_the_persons_in_the_card(loop_login,
                                                                                           synthetic_store):
    police = loop_login("police", "450403")
    row = next(r for r in listed(police)[0] if r["kind"] == t("alerts.kind.leak_arrival"))
    code = synthetic_store.reader().execute("SELECT community_code FROM persons WHERE person_id = ?",
                                            [row["person_id"]]).fetchone()[0]
    where = {"cm-community.value": code, "cm-date.date": "2020-04-30"}
    figure = police.call("cm-map.figure", where).outputs["cm-map.figure"]
    assert t("alerts.kind.leak_arrival") in [d.get("name") for d in figure["data"]]
    card = police.call("cm-person.children", {"cm-grid.selectedRows": [{"person_id": row["person_id"]}]},
                       where).outputs["cm-person.children"]
    assert "person-alerts" in str(card) and t("alerts.kind.leak_arrival") in str(card)


def test_a_closed_alert_is_found_with_its_history(loop_login):
    police = loop_login("police", "450403")
    row = listed(police, **{"al-states.value": ["open"]})[0][0]
    for step, extra in (("assign", {"al-assignee.value": "王警官"}), ("acknowledge", {}),
                        ("close", {"al-reason.value": "in_quarantine"})):
        reply = police.call("al-status.children", {f"al-{step}.n_clicks": 1},
                            {"al-grid.selectedRows": [row], "al-date.date": "2020-04-30", "al-version.data": 0,
                             **extra}, changed=[f"al-{step}.n_clicks"]).outputs
        assert reply["al-status.children"] == t("alerts.done", n=1), step
    assert row["alert_id"] not in {r["alert_id"] for r in listed(police, **{"al-states.value": ["open"]})[0]}
    closed = [r for r in listed(police, **{"al-states.value": ["closed"]})[0] if r["alert_id"] == row["alert_id"]]
    assert closed and closed[0]["state"] == t("alerts.state.closed")
    history = police.call("al-plan.children", {"al-grid.selectedRows": closed, "al-version.data": 1},
                          {"al-date.date": "2020-04-30"}).outputs["al-history.children"]
    assert all(t(f"alerts.action.{a}") in str(history) for a in ("assign", "acknowledge", "close"))
    assert t("alerts.reason.in_quarantine") in str(history)
