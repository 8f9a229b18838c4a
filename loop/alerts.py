"""Every alert as of a date, in one frame: return alerts (raised at ingest), leaks (stage deadlines missed) and
fevers, each with its workflow state from the SQLite state, its age, and where it is.

`query` is any callable (name, scope, **params) -> DataFrame that runs queries/<name>.sql for a scope — the
app's cached `ctx.query`, or `queries.runner.run` bound to a connection — so the scope is always applied in
SQL. Nothing here opens a database.
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from loop import workflow
from loop.deadlines import Deadlines

KINDS = ("return", "leak_arrival", "leak_quarantine", "leak_release", "leak_temperature", "fever")
PLACE = ("community_code", "township_code", "district_code", "community", "lon", "lat")
# raised_at: when what the alert is about happened (a return: the arrival; a leak: the deadline; a fever: the
# reading); reported_at: when a channel's report raised it (a return alert's first report)
COLUMNS = ("alert_id", "kind", "person_id", "name", "raised_at", "reported_at", "channel", "detail", *PLACE)


def runner(conn):
    """A `query` callable over one DuckDB connection."""
    from queries.runner import run
    return lambda name, scope, **params: run(conn, name, scope, **params)


def leaks(query, scope, as_of: dt.date, deadlines: Deadlines | None = None,
          since: dt.date = dt.date.min, persons: list[int] | None = None) -> pd.DataFrame:
    """queries/leaks_as_of.sql: every stage deadline missed up to the end of `as_of` (deadlines: the configured
    ones, Deadlines.from_env); `persons`: those people's only (None: everyone's)."""
    deadlines = deadlines or Deadlines.from_env()
    return query("leaks_as_of", scope, as_of=as_of, since=since, persons=persons, **deadlines.params())


def fevers(query, scope, as_of: dt.date, deadlines: Deadlines | None = None,
           persons: list[int] | None = None) -> pd.DataFrame:
    deadlines = deadlines or Deadlines.from_env()
    return query("quarantine_fevers", scope, as_of=as_of, fever=deadlines.fever_celsius, persons=persons)


def collect(query, scope, as_of: dt.date, deadlines: Deadlines | None = None,
            persons: list[int] | None = None, at_once: bool = False) -> pd.DataFrame:
    """Return alerts, leaks and fevers up to the end of `as_of` for `scope`, one row per alert (COLUMNS);
    `persons`: the alerts of those people only (None: everyone's). Each alert depends on its own person's rows.
    `at_once`: the three queries in three threads (`query` must be safe to call from several): for a few people
    each is mostly planning, which runs on one core."""
    deadlines = deadlines or Deadlines.from_env()
    asks = (lambda: query("alerts_returns", scope, as_of=as_of, persons=persons),
            lambda: leaks(query, scope, as_of, deadlines, persons=persons),
            lambda: fevers(query, scope, as_of, deadlines, persons=persons))
    if at_once:
        with ThreadPoolExecutor(len(asks)) as pool:
            returns, found, hot = pool.map(lambda ask: ask(), asks)
    else:
        returns, found, hot = (ask() for ask in asks)
    parts = [
        pd.DataFrame({"alert_id": returns["alert_id"], "kind": "return", "person_id": returns["person_id"],
                      "name": returns["name"], "raised_at": returns["event_at"], "reported_at": returns["raised_at"],
                      "channel": returns["channel"],
                      "detail": [" · ".join(str(v) for v in (p, c) if isinstance(v, str) and v)
                                 for p, c in zip(returns["place"], returns["country"])]}
                     | {c: returns[c] for c in PLACE}),
        pd.DataFrame({"alert_id": found["leak_id"], "kind": "leak_" + found["stage"], "person_id": found["person_id"],
                      "name": found["name"], "raised_at": found["due_at"], "reported_at": found["due_at"],
                      "channel": None, "detail": found["detail"]} | {c: found[c] for c in PLACE}),
        pd.DataFrame({"alert_id": hot["alert_id"], "kind": "fever", "person_id": hot["person_id"],
                      "name": hot["name"], "raised_at": hot["checked_at"], "reported_at": hot["checked_at"],
                      "channel": "quarantine",
                      "detail": [f"{t:.1f} °C" for t in hot["temperature"]]} | {c: hot[c] for c in PLACE}),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    frame["raised_at"] = pd.to_datetime(frame["raised_at"])
    frame["reported_at"] = pd.to_datetime(frame["reported_at"])
    return frame.sort_values(["raised_at", "alert_id"], ignore_index=True)[list(COLUMNS)]


def with_state(frame: pd.DataFrame, state, as_of: dt.date) -> pd.DataFrame:
    """The alerts with their workflow state, assignee, close reason and age in days at the end of `as_of`."""
    return aged(stated(frame, state), as_of)


def stated(frame: pd.DataFrame, state) -> pd.DataFrame:
    """The alerts with their workflow state, assignee and close reason (no age: the same on any day)."""
    found = workflow.states(state, frame["alert_id"]) if len(frame) else {}
    ids = frame["alert_id"].tolist()
    return frame.assign(state=[found.get(a, {}).get("state", "open") for a in ids],
                        assignee=[found.get(a, {}).get("assignee") for a in ids],
                        reason=[found.get(a, {}).get("reason") for a in ids])


def aged(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The alerts with their age in days at the end of `as_of` and its bucket (workflow.AGE_BUCKETS)."""
    end = pd.Timestamp(as_of + dt.timedelta(days=1))
    days = ((end - pd.to_datetime(frame["raised_at"])).dt.total_seconds() / 86400).round(1)
    return frame.assign(age_days=days, age=workflow.age_buckets(days))


def counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Alerts by state (rows, every state) and age bucket (columns, every bucket), with totals."""
    buckets = [b[2] for b in workflow.AGE_BUCKETS]
    table = pd.crosstab(frame["state"], frame["age"]) if len(frame) else pd.DataFrame()
    table = table.reindex(index=list(workflow.STATES), columns=buckets, fill_value=0).fillna(0).astype(int)
    table["total"] = table.sum(axis=1)
    return table


FUNNEL_LEAKS = ("", "arrival", "quarantine", "release")   # lost after: abroad, entered, arrived, quarantined


def funnel_leaks(leak_rows: pd.DataFrame) -> list[int]:
    """Leaks between the overview funnel's stages (abroad, entered, arrived, quarantined, released), from
    leaks_as_of rows: [0, entered->arrived, arrived->quarantined, quarantined->released], distinct people each."""
    return [0 if not stage else int(leak_rows.loc[leak_rows["stage"] == stage, "person_id"].nunique())
            for stage in FUNNEL_LEAKS]
