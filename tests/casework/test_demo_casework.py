"""The demo simulates police work (issue 16, item 5): alerts of people already quarantined are closed with reasons
and their history kept, a few stay open and overdue; closed alerts are findable with their history."""
import datetime as dt

from auth.state import State
from demo.casework import simulate
from loop import alerts, workflow
from queries.runner import Scope


def test_quarantined_returns_closed_with_reasons_some_overdue(demo_city, tmp_path):
    store, state = demo_city[0], State(tmp_path / "s.sqlite")
    closed = simulate(store, state)
    assert closed > 0 and simulate(store, state) == 0                      # once
    found = alerts.with_state(alerts.collect(alerts.runner(store.reader()), Scope("police", "450403"),
                                             dt.date(2020, 3, 29)), state, dt.date(2020, 3, 29))
    returns = found[found["kind"] == "return"]
    shut = returns[returns["state"] == "closed"]
    assert len(shut) and set(shut["reason"]) <= {"in_quarantine", "home_monitoring"}
    still = returns[returns["state"] == "open"]
    assert len(still) and (still["age_days"] > 7).any()                    # a few overdue
    first = shut["alert_id"].iloc[0]
    assert [s["action"] for s in workflow.history(state, first)] == ["assign", "acknowledge", "close"]


def test_the_demo_has_fevers_and_missed_reports_for_the_worklists(demo_city, tmp_path):
    store = demo_city[0]
    as_of = store.reader().execute("SELECT CAST(max(data_to) AS DATE) FROM batches").fetchone()[0]
    found = alerts.collect(alerts.runner(store.reader()), Scope.whole_city(), as_of)
    fevers = found[found["kind"] == "fever"]
    missed = found[found["kind"] == "leak_temperature"]
    assert len(fevers) > 0 and len(missed) > 0
    cases = store.reader().execute("SELECT count(*) FROM cases WHERE kind = 'imported'").fetchone()[0]
    assert cases == 0                                                      # transient: no case follows
