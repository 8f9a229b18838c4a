"""The demo's police work: what officers did about the alerts, written once into the application's state when
the app first serves the demo city, through the alert workflow (loop/workflow.py) like any officer's steps.

Return alerts of people who went into quarantine (or, before quarantine was required, under a service measure)
were assigned, acknowledged and closed the evening of the day it began (reason: in quarantine / home monitoring),
except about one in ten, still open and overdue; fevers
were assigned and acknowledged (under medical watch); missed arrivals and reports stay open for the worklists.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from loop import alerts, workflow
from queries.runner import Scope

OFFICER = "demo-police"                     # who acted (no account: the history names the unit)


def simulate(store, state) -> int:
    """Write the demo's steps unless some are there already; how many alerts were closed."""
    if state.query("SELECT 1 FROM alert_actions WHERE username = ? LIMIT 1", (OFFICER,)):
        return 0
    conn = store.reader()
    as_of = conn.execute("SELECT CAST(max(data_to) AS DATE) FROM batches").fetchone()[0]
    found = alerts.collect(alerts.runner(conn), Scope.whole_city(), as_of)
    started = conn.execute("""SELECT person_id, min(start_at) AS start_at,
                                     arg_min(kind, start_at) AS quarantine_kind
                              FROM quarantines GROUP BY person_id
                              UNION ALL BY NAME
                              SELECT person_id, min(started_at) AS start_at, 'home' AS quarantine_kind
                              FROM service_measures WHERE person_id NOT IN (SELECT person_id FROM quarantines)
                              GROUP BY person_id""").df()
    returns = found[found["kind"] == "return"].merge(started, on="person_id")
    returns = returns[pd.to_datetime(returns["start_at"]) >= pd.to_datetime(returns["raised_at"]).dt.normalize()]
    kept_open = returns["person_id"] % 10 == 3
    closed = returns[~kept_open]
    for (day, kind), group in closed.groupby([pd.to_datetime(closed["start_at"]).dt.date, "quarantine_kind"]):
        _steps(state, group["alert_id"], day, "in_quarantine" if kind == "hotel" else "home_monitoring")
    for day, group in found[found["kind"] == "fever"].groupby(pd.to_datetime(found["raised_at"]).dt.date):
        _steps(state, group["alert_id"], day, None)
    return len(closed)


def _steps(state, ids, day: dt.date, reason: str | None) -> None:
    evening = dt.datetime.combine(day, dt.time(19)).timestamp()
    workflow.act(state, OFFICER, ids, "assign", assignee="社区民警", now=evening)
    workflow.act(state, OFFICER, ids, "acknowledge", now=evening + 600)
    if reason:
        workflow.act(state, OFFICER, ids, "close", reason=reason, note="demo", now=evening + 3600)
