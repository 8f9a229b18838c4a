"""Plans: one per batch (people arriving together on the same flight or train and day) and one per person."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from loop.deadlines import DEFAULT, Deadlines


def batch_plans(query, scope, as_of: dt.date) -> pd.DataFrame:
    """queries/plans_batches.sql: one row per batch, newest first."""
    return query("plans_batches", scope, as_of=as_of)


def person_plan(query, scope, person_id: int, as_of: dt.date, deadlines: Deadlines = DEFAULT) -> dict | None:
    """queries/plans_person.sql: the person's plan as a dict, or None when the person is outside the scope."""
    rows = query("plans_person", scope, person=int(person_id), as_of=as_of, **deadlines.params())
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {k: (None if (not isinstance(v, (list, tuple)) and pd.isna(v)) else v) for k, v in row.items()}
