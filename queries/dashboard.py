"""Which named query answers each map metric, with which parameters: one query per metric gives its value
per area and day over the whole period, so moving the date only picks another column."""
from __future__ import annotations

import datetime as dt

from queries.figures import PERIOD_START

PERIOD_END = dt.date(2020, 4, 30)
LEVELS = ("districts", "townships", "communities")
METRICS = ("abroad", "entered_14d", "entered", "in_quarantine", "checkpoint_volume")
QUERIES = {
    "abroad": ("abroad_by_area", {}),
    "entered_14d": ("entered_by_area", {"since": PERIOD_START - dt.timedelta(days=13), "window_days": 14}),
    "entered": ("entered_by_area", {"since": PERIOD_START, "window_days": None}),
    "in_quarantine": ("in_quarantine_by_area", {}),
    "checkpoint_volume": ("checkpoint_volume_by_area", {}),
}


def metric_query(metric: str) -> tuple[str, dict]:
    """(query name, parameters) giving `metric` per area (code) and day (day) as `value`, for the period;
    callers add `level` ('all', or one of LEVELS)."""
    if metric not in QUERIES:
        raise ValueError(f"unknown metric {metric!r}")
    name, params = QUERIES[metric]
    return name, {"start": PERIOD_START, "end": PERIOD_END, **params}
