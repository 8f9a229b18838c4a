"""Plans: one per batch (people arriving together on the same flight or train and day) and one per person."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from loop.deadlines import Deadlines


def batch_plans(query, scope, as_of: dt.date) -> pd.DataFrame:
    """queries/plans_batches.sql: one row per batch, newest first."""
    return query("plans_batches", scope, as_of=as_of)


def batches_as_of(batches: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """batch_plans as of `as_of` cut from batch_plans as of a later day: the batches arrived by then, with the
    members quarantined by then."""
    rows = batches[batches["day"] <= pd.Timestamp(as_of)]
    day = np.datetime64(as_of)
    return rows.assign(quarantined=np.array([np.searchsorted(started, day, side="right")
                                             for started in rows["quarantine_started"]], dtype=np.int64))


def person_plan(query, scope, person_id: int, as_of: dt.date, deadlines: Deadlines | None = None,
                moved: str = "[]") -> dict | None:
    """queries/plans_person.sql: the person's plan as a dict, or None when the person is outside the scope
    (`moved`: the accepted transfers, loop.transfers.Transfers.moved)."""
    deadlines = deadlines or Deadlines.from_env()
    rows = query("plans_person", scope, person=int(person_id), as_of=as_of, moved=moved, **deadlines.params())
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {k: (None if (not isinstance(v, (list, tuple)) and pd.isna(v)) else v) for k, v in row.items()}
