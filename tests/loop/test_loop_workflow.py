"""The alert workflow in the SQLite state: transitions, refusals, history, audit, bulk actions, counts."""
import datetime as dt
import sqlite3

import pandas as pd
import pytest

from auth import audit
from auth.state import State
from loop import alerts, workflow
from loop.workflow import WorkflowError


@pytest.fixture
def state(tmp_path):
    return State(tmp_path / "app.sqlite")


def test_the_full_path_open_assigned_acknowledged_closed(state):
    a = "return:1:2020-01-05"
    assert workflow.current(state, a) == "open"
    assert workflow.act(state, "lead", [a], "assign", assignee="police_wx").done == [a]
    assert workflow.act(state, "police_wx", [a], "acknowledge").done == [a]
    assert workflow.act(state, "police_wx", [a], "close", reason="in_quarantine", note="已集中隔离").done == [a]
    assert workflow.current(state, a) == "closed"
    steps = workflow.history(state, a)
    assert [(s["action"], s["from_state"], s["to_state"]) for s in steps] == [
        ("assign", "open", "assigned"), ("acknowledge", "assigned", "acknowledged"),
        ("close", "acknowledged", "closed")]
    assert steps[0]["assignee"] == "police_wx" and steps[2]["reason"] == "in_quarantine"
    rows = [r for r in audit.recent(state) if r["target"] == a]
    assert sorted(r["action"] for r in rows) == ["alert.acknowledge", "alert.assign", "alert.close"]
    assert all(r["outcome"] == "ok" for r in rows)


@pytest.mark.parametrize("steps, refused", [
    ([], "acknowledge"),                                   # open -> acknowledged skips assignment
    ([], "close"),                                         # open -> closed
    ([("assign", {"assignee": "x"})], "close"),            # assigned -> closed skips acknowledgement
    ([], "reopen"),                                        # only closed alerts reopen
])
def test_invalid_transitions_are_refused_and_audited(state, steps, refused):
    a = "leak:arrival:2:2020-03-10"
    for action, kw in steps:
        workflow.act(state, "lead", [a], action, **kw)
    before = workflow.current(state, a)
    kw = {"reason": "resolved"} if refused == "close" else {}
    outcome = workflow.act(state, "lead", [a], refused, **kw)
    assert outcome.done == [] and a in outcome.refused
    assert workflow.current(state, a) == before
    last = audit.recent(state, limit=1)[0]
    assert (last["action"], last["target"], last["outcome"]) == (f"alert.{refused}", a, "refused")


def test_bad_requests_are_refused_before_anything_is_written(state):
    with pytest.raises(WorkflowError, match="assignee"):
        workflow.act(state, "lead", ["a"], "assign")
    with pytest.raises(WorkflowError, match="reason code"):
        workflow.act(state, "lead", ["a"], "close", reason="because")
    with pytest.raises(WorkflowError, match="unknown action"):
        workflow.act(state, "lead", ["a"], "delete")
    assert workflow.history(state, "a") == []


def test_bulk_action_applies_allowed_steps_and_reports_the_rest(state):
    ids = [f"fever:{i}:2020-03-20" for i in range(5)]
    workflow.act(state, "lead", ids[:2], "assign", assignee="cdc")
    outcome = workflow.act(state, "cdc", ids, "acknowledge")
    assert outcome.done == ids[:2] and set(outcome.refused) == set(ids[2:])
    assert len([r for r in audit.recent(state) if r["action"] == "alert.acknowledge"]) == 5
    found = workflow.states(state)
    assert {a: found[a]["state"] for a in ids[:2]} == {ids[0]: "acknowledged", ids[1]: "acknowledged"}
    assert found[ids[0]]["assignee"] == "cdc"


def test_ids_outside_the_scope_are_refused(state):
    outcome = workflow.act(state, "police_cx", ["return:1:x", "return:2:x"], "assign", assignee="me",
                           visible={"return:1:x"})
    assert outcome.done == ["return:1:x"] and outcome.refused == {"return:2:x": "scope"}


def test_history_is_append_only(state):
    workflow.act(state, "lead", ["a1"], "assign", assignee="x")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with state.transaction() as conn:
            conn.execute("DELETE FROM alert_actions")


def test_counts_by_state_and_age(state):
    frame = pd.DataFrame({"alert_id": ["a", "b", "c", "d"], "kind": "return",
                          "raised_at": pd.to_datetime(["2020-03-29 20:00", "2020-03-28 08:00", "2020-03-20 08:00",
                                                       "2020-03-25 08:00"]),
                          "community_code": "450403005002"})
    workflow.act(state, "lead", ["b"], "assign", assignee="x")
    table = alerts.counts(alerts.with_state(frame, state, dt.date(2020, 3, 29)))
    assert table.loc["open"].to_dict() == {"lt1d": 1, "1to3d": 0, "3to7d": 1, "ge7d": 1, "total": 3}
    assert table.loc["assigned", "1to3d"] == 1 and table.loc["closed", "total"] == 0
    assert list(table.index) == list(workflow.STATES)
