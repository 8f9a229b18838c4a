"""The alert workflow: open -> assigned -> acknowledged -> closed (with a reason code), kept in the SQLite state.

Alerts themselves are read-only facts of the store (return alerts raised at ingest) or derived from it (leaks,
fevers), with deterministic ids; what people do about them is appended here, one row per step in
`alert_actions` (auth/state.py), each step also written to the audit log in the same transaction. An alert's
state is its last step's `to_state`; an alert with no step is open. A step not allowed from the alert's
current state is refused (and audited as refused); a bulk action applies each allowed step and reports the
refused ones. Callers pass only alert ids the user may see (the scoped alerts query decides).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from auth import audit
from auth.state import State

STATES = ("open", "assigned", "acknowledged", "closed")
# action -> (states it may be taken from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": (("open", "assigned"), "assigned"),          # assigning again hands the alert to someone else
    "acknowledge": (("assigned",), "acknowledged"),
    "close": (("acknowledged",), "closed"),
    "reopen": (("closed",), "open"),
}
ACTIONS = tuple(TRANSITIONS)
CLOSE_REASONS = ("in_quarantine", "home_monitoring", "left_city", "not_returned", "false_match", "duplicate",
                 "resolved", "other")
AGE_BUCKETS = ((0, 1, "lt1d"), (1, 3, "1to3d"), (3, 7, "3to7d"), (7, None, "ge7d"))
MAX_NOTE = 500


class WorkflowError(ValueError):
    """A step refused: the message says why; `code` names it for the UI (`alerts.error.<code>`)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)     # alert id -> why: 'scope' or 'from_<state>'


def states(state: State, alert_ids=None) -> dict[str, dict]:
    """The current state of alerts that have any step: {alert_id: {state, assignee, reason, at, username}}."""
    rows = state.query("""SELECT a.* FROM alert_actions a JOIN (SELECT alert_id, max(id) AS id FROM alert_actions
                          GROUP BY alert_id) last USING (id)""")
    wanted = None if alert_ids is None else set(alert_ids)
    out = {}
    for r in rows:
        if wanted is None or r["alert_id"] in wanted:
            out[r["alert_id"]] = {"state": r["to_state"], "assignee": _assignee(state, r["alert_id"]) if
                                  r["to_state"] in ("assigned", "acknowledged") else None,
                                  "reason": r["reason"], "at": r["at"], "username": r["username"]}
    return out


def _assignee(state: State, alert_id: str) -> str | None:
    rows = state.query("SELECT assignee FROM alert_actions WHERE alert_id = ? AND action = 'assign'"
                       " ORDER BY id DESC LIMIT 1", (alert_id,))
    return rows[0]["assignee"] if rows else None


def current(state: State, alert_id: str) -> str:
    rows = state.query("SELECT to_state FROM alert_actions WHERE alert_id = ? ORDER BY id DESC LIMIT 1", (alert_id,))
    return rows[0]["to_state"] if rows else "open"


def version(state: State) -> int:
    """The workflow's last step (steps are append-only): anything cached from alert states follows it."""
    return int(state.query("SELECT coalesce(max(id), 0) AS v FROM alert_actions")[0]["v"])


def history(state: State, alert_id: str) -> list[dict]:
    """Every step taken on the alert, oldest first."""
    return [dict(r) for r in state.query("SELECT * FROM alert_actions WHERE alert_id = ? ORDER BY id", (alert_id,))]


def _check(action: str, assignee: str | None, reason: str | None) -> None:
    if action not in TRANSITIONS:
        raise WorkflowError("action", f"unknown action {action!r}; actions: {', '.join(ACTIONS)}")
    if action == "assign" and not (assignee or "").strip():
        raise WorkflowError("assignee", "assign needs an assignee")
    if action == "close" and reason not in CLOSE_REASONS:
        raise WorkflowError("reason", f"close needs a reason code: {', '.join(CLOSE_REASONS)}")


def act(state: State, username: str, alert_ids, action: str, assignee: str | None = None,
        reason: str | None = None, note: str | None = None, now: float | None = None,
        visible=None) -> Outcome:
    """Take `action` on each alert in `alert_ids` (one transaction): allowed steps are appended to the alerts'
    history and audited; the others are refused (audited as refused) and reported in Outcome.refused.
    `visible`: the alert ids the user's scope may see (the scoped alerts query); any other id is refused."""
    _check(action, assignee, reason)
    allowed_from, to_state = TRANSITIONS[action]
    now = time.time() if now is None else now
    note = (note or "").strip()[:MAX_NOTE] or None
    assignee = (assignee or "").strip() or None if action == "assign" else None
    reason = reason if action == "close" else None
    outcome = Outcome()
    with state.transaction() as conn:
        for alert_id in dict.fromkeys(str(a) for a in alert_ids):
            row = conn.execute("SELECT to_state FROM alert_actions WHERE alert_id = ? ORDER BY id DESC LIMIT 1",
                               (alert_id,)).fetchone()
            from_state = row["to_state"] if row else "open"
            detail = {"from": from_state, "to": to_state, "assignee": assignee, "reason": reason}
            if visible is not None and alert_id not in visible:
                why = "scope"                              # outside the user's scope
                outcome.refused[alert_id] = why
                audit.record(conn, username, f"alert.{action}", alert_id, {"why": why}, outcome="refused")
                continue
            if from_state not in allowed_from:
                why = f"from_{from_state}"                 # not allowed from the alert's state
                outcome.refused[alert_id] = why
                audit.record(conn, username, f"alert.{action}", alert_id, {**detail, "why": why}, outcome="refused")
                continue
            conn.execute("INSERT INTO alert_actions (at, username, alert_id, action, from_state, to_state, assignee,"
                         " reason, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (now, username, alert_id, action, from_state, to_state, assignee, reason, note))
            audit.record(conn, username, f"alert.{action}", alert_id, detail)
            outcome.done.append(alert_id)
    return outcome


def age_buckets(days) -> list[str]:
    """The AGE_BUCKETS name of each age in days (the first bucket's for a negative or missing age)."""
    days = np.asarray(days, dtype=float)
    found = np.full(days.shape, AGE_BUCKETS[0][2], dtype=object)
    for lo, hi, name in AGE_BUCKETS[1:]:
        found[(days >= lo) if hi is None else (days >= lo) & (days < hi)] = name
    return found.tolist()
