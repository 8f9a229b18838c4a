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


def listing(state: State, since: float, limit: int = 1000, district: str | None = None,
            username: str | None = None) -> list[dict]:
    """Every unmask (granted or refused) since `since`, newest first, for a supervisor: all of them (the
    administrators), those of the officers of one `district` (a district's police), or one officer's own."""
    return [dict(r) for r in state.query(
        "SELECT a.at, a.username, a.target AS person_id, json_extract(a.detail, '$.purpose') AS purpose,"
        " json_extract(a.detail, '$.reason') AS reason, a.outcome FROM audit a LEFT JOIN users u USING (username)"
        " WHERE a.action = 'person.unmask' AND a.at >= ? AND (? IS NULL OR u.district_code = ?)"
        " AND (? IS NULL OR a.username = ?) ORDER BY a.id DESC LIMIT ?",
        (since, district, district, username, username, limit))]
