"""The headline figures, the same for `app.py figures` and the dashboard's cards."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from queries.runner import Scope, run

DAILY_FIGURES = ("abroad", "abroad_passport", "abroad_permit", "entered", "arrived", "measures", "in_quarantine",
                 "in_quarantine_hotel", "in_quarantine_home", "released", "rumours", "educated", "detained", "fined",
                 "imported_cases", "local_cases")     # every figure but the checkpoint totals, kept day by day


def headline(conn, scope: Scope, as_of: dt.date, since: dt.date = dt.date.min, checks: bool = True) -> dict:
    """Every headline figure as of the end of `as_of`, counted since `since` (by default every event: the period
    starts with the store's first, queries/period.py); without `checks`, the checkpoint totals are None (the
    dashboard adds them up from daily counts it keeps)."""
    row = run(conn, "headline_figures", scope, as_of=as_of, since=since, checks=checks).iloc[0]
    return {key: None if pd.isna(value) else int(value) for key, value in row.items()}
