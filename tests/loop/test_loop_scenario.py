"""Planted returnees, leaks and fevers, ingested through the real ingest path, are found exactly."""
import datetime as dt

import pytest

from loop import alerts, plans, risk
from loop.deadlines import Deadlines
from queries.runner import Scope
from tests.loop import scenario

CITY = Scope.whole_city("analyst")


@pytest.fixture
def planted(city_store, tmp_path):
    truth = scenario.build(city_store, tmp_path / "feeds")
    return city_store, truth, alerts.runner(city_store.reader())


def test_every_planted_returnee_raises_exactly_one_alert_and_no_one_else_does(planted):
    store, truth, query = planted
    returns = query("alerts_returns", CITY, as_of=scenario.AS_OF, persons=None)
    expected = {truth.person[k] for k in truth.returnees}
    assert sorted(returns["person_id"]) == sorted(expected)          # one each, nobody else
    assert returns["alert_id"].is_unique
    assert set(returns["channel"]) == {"transport"}                   # the first in-city report: the rail list
    stored = store.reader().execute("SELECT count(*) FROM alerts").fetchone()[0]
    assert stored == len(expected)


def test_every_planted_leak_is_flagged_and_clean_records_raise_none(planted):
    _, truth, query = planted
    found = alerts.leaks(query, CITY, scenario.AS_OF)
    assert set(found["leak_id"]) == truth.leaks
    clean = {truth.person[k] for k in ("clean", "fever", "abroad", "domestic")}
    assert not clean & set(found["person_id"])
    late = found.set_index("stage")
    assert str(late.loc["quarantine", "resolved_at"]) == "2020-03-17 20:00:00"     # made good, late
    assert late.loc["release", "resolved_at"] is None or str(late.loc["release", "resolved_at"]) == "NaT"


def test_leaks_are_as_of_a_date(planted):
    _, truth, query = planted
    early = alerts.leaks(query, CITY, dt.date(2020, 3, 24))          # before the missed day and the day-16 deadline
    assert set(early["leak_id"]) == {i for i in truth.leaks if i.split(":")[1] in ("arrival", "quarantine")}


def test_deadlines_are_configurable(planted):
    _, truth, query = planted
    relaxed = Deadlines(quarantine_hours=12)
    found = alerts.leaks(query, CITY, scenario.AS_OF, relaxed)
    assert set(found["leak_id"]) == {i for i in truth.leaks if ":quarantine:" not in i}
    assert Deadlines.from_env({"WUZHOU_DEADLINE_ARRIVE_HOURS": "24"}).arrive_hours == 24


def test_fevers_are_flagged_and_normal_readings_are_not(planted):
    _, truth, query = planted
    hot = alerts.fevers(query, CITY, scenario.AS_OF)
    assert set(hot["alert_id"]) == truth.fevers
    assert hot["temperature"].tolist() == [37.8]


def test_all_alerts_in_one_list_with_unique_ids(planted):
    _, truth, query = planted
    frame = alerts.collect(query, CITY, scenario.AS_OF)
    assert frame["alert_id"].is_unique
    assert set(frame["alert_id"]) == ({f"return:{truth.person[k]}:2020-01-05" for k in truth.returnees}
                                      | truth.leaks | truth.fevers)
    assert frame[["lon", "lat"]].notna().all().all()


def test_scope_police_of_another_district_see_none_of_these_alerts(planted):
    _, truth, query = planted
    other = Scope("police", "450481")
    assert alerts.collect(query, other, scenario.AS_OF).empty
    home = Scope("police", scenario.DISTRICT)             # the residents' district sees them all
    assert set(alerts.collect(query, home, scenario.AS_OF)["alert_id"]) == \
        set(alerts.collect(query, CITY, scenario.AS_OF)["alert_id"])


def test_occupancy_over_capacity_is_flagged(planted):
    _, _, query = planted
    days = query("quarantine_occupancy", CITY, start=dt.date(2020, 3, 10), end=dt.date(2020, 4, 5))
    assert days["occupants"].max() == 4 and days["capacity"].max() == 3      # 4 guests in a 3-room hotel
    assert days.loc[days["occupants"] > days["capacity"], "over_capacity"].all()
    assert not days.loc[days["occupants"] <= days["capacity"], "over_capacity"].any()


def test_release_calendar_counts_day_14_releases(planted):
    _, _, query = planted
    cal = query("quarantine_calendar", CITY, start=dt.date(2020, 3, 1), end=dt.date(2020, 4, 30),
                as_of=scenario.AS_OF, quarantine_days=14)
    due = cal.groupby(cal["day"].astype(str))["due"].sum().to_dict()
    assert due == {"2020-03-27": 1, "2020-03-31": 3, "2020-04-04": 1}
    assert cal["due_open"].sum() == 1                      # the overdue one
    assert cal["released"].sum() == 4


def test_one_plan_per_batch_and_one_per_person(planted):
    _, truth, query = planted
    batches = plans.batch_plans(query, CITY, scenario.AS_OF)
    batch = batches.set_index("batch_id").loc["batch:D3626:2020-03-17"]
    assert batch["people"] == 3                            # clean, slow, fever (the domestic traveller is no batch)
    assert batch["quarantined"] == 3 and batch["vehicles"] == "桂D12345" and batch["teams"] == "万秀区转运专班"
    plan = plans.person_plan(query, CITY, truth.person["overdue"], scenario.AS_OF)
    assert plan["batch_id"] == "batch:D3626:2020-03-13" and plan["next_step"] == "release"
    assert plan["quarantine_site"] == "测试隔离酒店" and plan["team"] == "万秀区转运专班"
    assert plans.person_plan(query, Scope("police", "450481"), truth.person["overdue"], scenario.AS_OF) is None


def test_risk_is_explained_by_its_reasons(planted, tmp_path):
    from auth.state import State

    _, truth, query = planted
    frame = alerts.with_state(alerts.collect(query, CITY, scenario.AS_OF), State(tmp_path / "s.sqlite"),
                              scenario.AS_OF)
    scores = risk.score(risk.inputs(query, CITY, scenario.AS_OF), frame, scenario.AS_OF)
    assert len(scores) and set(scores["level"]) <= set(risk.LEVELS)
    for row in scores.itertuples():
        assert row.score == pytest.approx(sum(r[3] for r in row.reasons))
        assert row.level == risk.DEFAULT.level(row.score)
    by_code = scores.set_index("community_code")
    assert "leaks" in {r[0] for r in by_code.loc["450403005002", "reasons"]}         # the residents' community
    day = dt.date(2020, 3, 22)                                                       # returns raised 03-13 .. 03-21
    frame = alerts.with_state(alerts.collect(query, CITY, day), State(tmp_path / "s.sqlite"), day)
    station = frame.loc[frame["alert_id"] == f"return:{truth.person['home']}:2020-01-05", "community_code"].item()
    early = risk.score(risk.inputs(query, CITY, day), frame, day).set_index("community_code")
    assert ("open_alerts", "", 5, 10.0) in early.loc[station, "reasons"]            # five returns raised there


def test_funnel_leaks_between_stages(planted):
    _, _, query = planted
    assert alerts.funnel_leaks(alerts.leaks(query, CITY, scenario.AS_OF)) == [0, 1, 1, 1]


def test_home_quarantine_list_with_daily_checks(planted):
    _, truth, query = planted
    home = query("quarantine_home", CITY, as_of=dt.date(2020, 3, 28), quarantine_days=14, fever=37.3)
    assert home["person_id"].tolist() == [truth.person["home"]]
    row = home.iloc[0]
    assert (row["quarantine_day"], row["missed_days"], row["fever_days"]) == (7, 1, 0)
    assert str(row["release_due"])[:10] == "2020-04-04" and row["last_temperature"] == 36.5
    assert query("quarantine_home", CITY, as_of=scenario.AS_OF, quarantine_days=14, fever=37.3).empty                                            # released on 04-04


def test_township_scope_sees_its_residents_alerts_but_not_another_townships_hotel(planted):
    _, truth, query = planted
    township = Scope("police", scenario.DISTRICT, scenario.TOWNSHIP)
    seen = set(alerts.collect(query, township, scenario.AS_OF)["alert_id"])
    everything = set(alerts.collect(query, CITY, scenario.AS_OF)["alert_id"])
    release = {i for i in truth.leaks if ":release:" in i}                  # placed at the hotel, in 450403009
    assert seen == everything - release
