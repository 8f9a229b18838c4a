"""How many people an officer may unmask a day (PIPL art. 6: no more personal information than the purpose needs),
and the list of unmasks a supervisor reviews. Both read the audit log, the one record of every unmask."""
from __future__ import annotations

import datetime as dt
import os
import time

from auth.state import State

DEFAULT_DAILY = 20


def daily_limit() -> int:
    """WUZHOU_UNMASK_DAILY (unmasks per officer per calendar day, server time), else DEFAULT_DAILY."""
    value = os.environ.get("WUZHOU_UNMASK_DAILY", "")
    return int(value) if value.isdigit() else DEFAULT_DAILY


def _midnight(now: float) -> float:
    return dt.datetime.combine(dt.datetime.fromtimestamp(now).date(), dt.time()).timestamp()


def used_today(state: State, username: str, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return state.query("SELECT count(*) FROM audit WHERE action = 'person.unmask' AND outcome = 'ok'"
                       " AND username = ? AND at >= ?", (username, _midnight(now)))[0][0]


def listing(state: State, since: float, limit: int = 1000) -> list[dict]:
    """Every unmask (granted or refused) since `since`, newest first, for the supervisors' page."""
    return [dict(r) for r in state.query(
        "SELECT at, username, target AS person_id, json_extract(detail, '$.reason') AS reason, outcome FROM audit"
        " WHERE action = 'person.unmask' AND at >= ? ORDER BY id DESC LIMIT ?", (since, limit))]
