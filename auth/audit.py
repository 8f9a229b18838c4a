"""The audit log: logins, person views, unmasks, exports, user changes. Append-only."""
from __future__ import annotations

import json
import time

from auth.state import State


def record(conn, username: str | None, action: str, target: str | None = None, detail: dict | None = None,
           outcome: str = "ok") -> None:
    """Append one audit row inside the caller's transaction."""
    conn.execute("INSERT INTO audit (at, username, action, target, detail, outcome) VALUES (?, ?, ?, ?, ?, ?)",
                 (time.time(), username, action, target,
                  json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None, outcome))


def log(state: State, username: str | None, action: str, target: str | None = None, detail: dict | None = None,
        outcome: str = "ok") -> None:
    """Append one audit row in its own transaction."""
    with state.transaction() as conn:
        record(conn, username, action, target, detail, outcome)


def recent(state: State, limit: int = 500, action: str | None = None) -> list[dict]:
    """The newest audit rows, for the administrators' viewer."""
    where, params = ("WHERE action = ?", (action, limit)) if action else ("", (limit,))
    rows = state.query(f"SELECT * FROM audit {where} ORDER BY id DESC LIMIT ?", params)
    return [dict(r) for r in rows]
