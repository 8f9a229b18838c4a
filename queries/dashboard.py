"""Which named query answers each map metric, with which parameters: one query per metric gives its value
per area and day over the whole period, so moving the date only picks another column."""
from __future__ import annotations

import datetime as dt

from queries.period import Period

LEVELS = ("districts", "townships", "communities")
METRICS = ("abroad", "entered_14d", "entered", "in_quarantine", "checkpoint_volume")
QUERIES = {
    "abroad": ("abroad_by_area", {}),
    "entered_14d": ("entered_by_area", {"since": -13, "window_days": 14}),     # since: days from the period's start
    "entered": ("entered_by_area", {"since": 0, "window_days": None}),
    "in_quarantine": ("in_quarantine_by_area", {}),
    "checkpoint_volume": ("checkpoint_volume_by_area", {}),
}


def metric_query(metric: str, period: Period) -> tuple[str, dict]:
    """(query name, parameters) giving `metric` per area (code) and day (day) as `value`, for the period;
    callers add `level` ('all', or one of LEVELS)."""
    if metric not in QUERIES:
        raise ValueError(f"unknown metric {metric!r}")
    name, params = QUERIES[metric]
    if "since" in params:
        params = {**params, "since": period.start + dt.timedelta(days=params["since"])}
    return name, {"start": period.start, "end": period.end, **params}
