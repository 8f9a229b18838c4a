"""Stage deadlines of the closed loop (configurable), and the fever threshold.

    entered the country        -> arrived or located in the city within `arrive_hours` (48 h) of the end of
                                  the entry day (a border entry carries a date, not a time)
    arrived in the city        -> in quarantine within `quarantine_hours` (6 h), for arrivals from
                                  `quarantine_from` on (a policy setting: the demo city's is 2020-03-01)
    quarantine started         -> released by day `quarantine_days` (14) + `release_grace_days` (1)
    home quarantine            -> a temperature report every day (`daily_report_days` = 1)
    a temperature >= `fever_celsius` (37.3 °C) is a fever

A deadline missed is a *leak*: derived as of a date, never stored, with a deterministic id
'leak:<stage>:<person_id>:<date>' so the alert workflow can follow it across snapshots.
Settings come from the configuration's policy.toml (settings.py), each overridable from the environment
(WUZHOU_DEADLINE_<FIELD>=value), read when called.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields, replace

import settings

_KINDS = {"float": float, "dt.date": dt.date}
STAGES = ("arrival", "quarantine", "release", "temperature")


@dataclass(frozen=True)
class Deadlines:
    arrive_hours: int = 48
    quarantine_hours: int = 6
    quarantine_days: int = 14
    release_grace_days: int = 1
    daily_report_days: int = 1
    fever_celsius: float = 37.3
    quarantine_window_days: int = 14   # an arrival counts for the quarantine deadline if it comes this soon after entry
    quarantine_from: dt.date = dt.date.min   # arrivals from this day on must go into quarantine (policy.toml)

    @classmethod
    def configured(cls) -> Deadlines:
        """The deadlines of the configuration's policy.toml [deadlines] (settings.py)."""
        return cls(**settings.section("policy.toml", "deadlines", {f.name: _KINDS.get(str(f.type), int)
                                                                   for f in fields(cls)}))

    @classmethod
    def from_env(cls, environ=None) -> Deadlines:
        """The configured deadlines, each overridden by WUZHOU_DEADLINE_<FIELD> where set."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f"WUZHOU_DEADLINE_{f.name.upper()}")
            if raw:
                kind = {"float": float, "dt.date": dt.date.fromisoformat}.get(str(f.type), int)
                values[f.name] = kind(raw)
        return replace(cls.configured(), **values)

    def params(self) -> dict:
        """The SQL parameters of the leaks_* and quarantine_* queries."""
        return {"arrive_hours": self.arrive_hours, "quarantine_hours": self.quarantine_hours,
                "quarantine_days": self.quarantine_days, "grace_days": self.release_grace_days,
                "report_days": self.daily_report_days, "window_days": self.quarantine_window_days,
                "quarantine_from": self.quarantine_from}

