"""Worklists for police (待办): what an officer must do next, each item with its person and a due time.

    not_contacted    returned (a return alert) and no contact note yet        due: the return + quarantine_hours
    arrival          entered the country, arrival in the city not confirmed   due: the arrival deadline (a leak)
    temperature      a home quarantine day without a temperature report       due: the end of that day (a leak)
    fever            a temperature at or above the fever threshold            due: the reading
    release          a quarantine whose release is due today or tomorrow      due: start + quarantine_days
    transfer         a transfer to the officer's jurisdiction awaiting an answer   due: the request

Built from what the pages already compute for the caller's scope (the alerts with their workflow state, the people
in the loop, the notes, the transfers): deadlines come from policy.toml through loop.deadlines.Deadlines. Items
have deterministic ids, so an assignment to a named officer (loop.workflow, action 'assign') follows the item;
items from alerts are the alert (its id and state). Closed alerts are done and leave the lists.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from loop import workflow
from loop.deadlines import Deadlines

KINDS = ("not_contacted", "arrival", "temperature", "fever", "release", "transfer")
COLUMNS = ("task_id", "kind", "person_id", "name", "community", "due_at", "detail", "assignee")
FROM_ALERTS = {"leak_arrival": "arrival", "leak_temperature": "temperature", "fever": "fever"}


def build(alerts: pd.DataFrame, people: pd.DataFrame, contacted: set[int], incoming: list[dict], state,
          as_of: dt.date, deadlines: Deadlines) -> pd.DataFrame:
    """Every open item as of the end of `as_of`, oldest due first. alerts: loop.alerts.with_state rows of the
    scope; people: loop_people rows of the scope (those in quarantine suffice: only they are due for release);
    contacted: people with a contact note; incoming: pending transfers to the scope
    (loop.transfers.Transfers.involving)."""
    live = alerts[alerts["state"] != "closed"]
    parts = [_from_alerts(live), _not_contacted(live, contacted, deadlines),
             _release(people, as_of, deadlines), _transfers(incoming)]
    frame = pd.concat([p for p in parts if len(p)] or [pd.DataFrame(columns=list(COLUMNS))], ignore_index=True)
    found = workflow.states(state, frame["task_id"]) if len(frame) else {}
    own = [found.get(i, {}) for i in frame["task_id"]]
    frame["assignee"] = [f.get("assignee") if f.get("state") in ("assigned", "acknowledged") else a
                         for f, a in zip(own, frame["assignee"])]
    frame = frame[[f.get("state") != "closed" for f in own]]
    frame["due_at"] = pd.to_datetime(frame["due_at"])
    return frame.sort_values(["due_at", "task_id"], ignore_index=True)[list(COLUMNS)]


def counts(frame: pd.DataFrame, as_of: dt.date) -> dict[str, dict[str, int]]:
    """Per kind: items, and how many are overdue at the end of `as_of`."""
    end = pd.Timestamp(as_of + dt.timedelta(days=1))
    return {k: {"total": int((frame["kind"] == k).sum()),
                "overdue": int(((frame["kind"] == k) & (frame["due_at"] < end)).sum())} for k in KINDS}


def mine(frame: pd.DataFrame, officer: str) -> pd.DataFrame:
    """The items assigned to `officer` ("my tasks")."""
    return frame[frame["assignee"].fillna("").str.strip() == officer.strip()]


def _from_alerts(live: pd.DataFrame) -> pd.DataFrame:
    rows = live[live["kind"].isin(list(FROM_ALERTS))]
    return pd.DataFrame({"task_id": rows["alert_id"], "kind": rows["kind"].map(FROM_ALERTS),
                         "person_id": rows["person_id"], "name": rows["name"], "community": rows["community"],
                         "due_at": rows["raised_at"], "detail": rows["detail"], "assignee": rows["assignee"]})


def _not_contacted(live: pd.DataFrame, contacted: set[int], deadlines: Deadlines) -> pd.DataFrame:
    rows = live[(live["kind"] == "return") & ~live["person_id"].isin(list(contacted))]
    return pd.DataFrame({"task_id": "contact:" + rows["alert_id"], "kind": "not_contacted",
                         "person_id": rows["person_id"], "name": rows["name"], "community": rows["community"],
                         "due_at": pd.to_datetime(rows["raised_at"]) + pd.Timedelta(hours=deadlines.quarantine_hours),
                         "detail": rows["detail"], "assignee": None})


def _release(people: pd.DataFrame, as_of: dt.date, deadlines: Deadlines) -> pd.DataFrame:
    inside = people[(people["stage"] == "in_quarantine") & people["quarantine_start"].notna()]
    due = pd.to_datetime(inside["quarantine_start"]) + pd.Timedelta(days=deadlines.quarantine_days)
    soon = (due >= pd.Timestamp(as_of)) & (due < pd.Timestamp(as_of + dt.timedelta(days=2)))
    rows, due = inside[soon], due[soon]
    return pd.DataFrame({"task_id": "release:" + rows["person_id"].astype(str) + ":" + due.dt.strftime("%Y-%m-%d"),
                         "kind": "release", "person_id": rows["person_id"], "name": rows["name"],
                         "community": rows["community"], "due_at": due,
                         "detail": rows["current_place"].fillna(rows["quarantine_site"]), "assignee": None})


def _transfers(incoming: list[dict]) -> pd.DataFrame:
    pending = [r for r in incoming if r["status"] == "pending"]
    return pd.DataFrame({"task_id": [f"transfer:{r['id']}" for r in pending], "kind": "transfer",
                         "person_id": [r["person_id"] for r in pending], "name": None, "community": None,
                         "due_at": [pd.Timestamp.fromtimestamp(r["at"]) for r in pending],
                         "detail": [r["reason"] for r in pending], "assignee": None})
