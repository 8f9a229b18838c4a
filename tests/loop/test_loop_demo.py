"""The loop on the demo city (built through the real feeds and ingest path)."""
import datetime as dt

import pytest

from loop import alerts, plans, risk
from queries.runner import Scope

pytestmark = pytest.mark.slow
CITY = Scope.whole_city("analyst")
REPORT, END = dt.date(2020, 3, 29), dt.date(2020, 4, 30)


@pytest.fixture(scope="module")
def query(demo_city):
    store, _ = demo_city
    return alerts.runner(store.reader())


def test_return_alerts_come_from_every_reporting_channel(query):
    returns = query("alerts_returns", CITY, as_of=END, persons=None)
    per_channel = returns["channel"].value_counts()
    for channel in ("tracing_app", "transport", "hotel", "checkpoints", "grid", "university"):
        assert per_channel.get(channel, 0) > 0, channel
    assert returns["alert_id"].is_unique
    assert not returns.duplicated(["person_id", "alert_id"]).any()


def test_every_alert_id_is_unique_and_placed(query):
    frame = alerts.collect(query, CITY, END)
    assert len(frame) > 0 and frame["alert_id"].is_unique
    assert frame["kind"].isin(alerts.KINDS).all()
    placed = frame.dropna(subset=["community_code"])          # entries of people with no known residence have none
    assert placed[["lon", "lat"]].notna().all().all()
    assert frame["community_code"].notna().mean() > 0.9


def test_occupancy_never_exceeds_capacity(query):
    days = query("quarantine_occupancy", CITY, start=dt.date(2020, 1, 20), end=END)
    assert days["occupants"].max() > 0
    assert not days["over_capacity"].any()
    assert (days["occupants"] <= days["capacity"]).all()


def test_police_see_only_their_district(query):
    mine = alerts.collect(query, Scope("police", "450481"), REPORT)
    everyone = alerts.collect(query, CITY, REPORT)
    assert 0 < len(mine) < len(everyone)
    assert set(mine["alert_id"]) <= set(everyone["alert_id"])


def test_batches_and_risk_on_the_report_day(query, tmp_path):
    from auth.state import State

    batches = plans.batch_plans(query, CITY, REPORT)
    assert len(batches) and batches["batch_id"].is_unique and (batches["people"] >= 1).all()
    frame = alerts.with_state(alerts.collect(query, CITY, REPORT), State(tmp_path / "s.sqlite"), REPORT)
    scores = risk.score(risk.inputs(query, CITY, REPORT), frame, REPORT)
    assert set(scores["level"]) == set(risk.LEVELS)


def test_bench_alert_to_screen_rows(demo_city):
    from bench import bench_alerts

    store, _ = demo_city
    rows = bench_alerts.run(repeats=1, source=store.root)
    assert [r["unit"] for r in rows] == ["ms", "ms"] and rows[0]["value"] > 0
    assert set(rows[0]) == {"benchmark", "case", "value", "unit", "budget", "ok", "note"}
