"""The period the dashboard spans: from the first to the latest day with an event in the store (today when it
has none), found per snapshot by queries/data_period.sql. The default as-of day is the latest day with data."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from queries.runner import Scope, run


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def latest(self) -> dt.date:
        """The default as-of day: the latest day with data."""
        return self.end

    def clamp(self, date: dt.date) -> dt.date:
        return min(max(date, self.start), self.end)

    def dates(self) -> list[dt.date]:
        return list(pd.date_range(self.start, self.end).date)


def data_period(conn, today: dt.date | None = None) -> Period:
    """The store's period (queries/data_period.sql): a single day, `today`, when it holds no event."""
    row = run(conn, "data_period", Scope.whole_city()).iloc[0]
    if pd.isna(row["first_day"]):
        today = today or dt.date.today()
        return Period(today, today)
    return Period(pd.Timestamp(row["first_day"]).date(), pd.Timestamp(row["last_day"]).date())
