"""API tokens for other systems: made with `app.py tokens add`, shown once, kept as a SHA-256 hash in the
application state (var/app.sqlite beside users and the audit log), each scoped to one thing:

- `channel:<name>`: may upload files of that channel only;
- `aggregates`: may read figures (counts, never a person's field).

A token is 32 random bytes (URL-safe base64) after a `wz_` prefix: far beyond guessing, so one fast hash is
enough to look it up (as for sessions, auth/sessions.py).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from auth import audit
from auth.state import State

AGGREGATES = "aggregates"
PREFIX = "wz_"
SCHEMA = """CREATE TABLE IF NOT EXISTS api_tokens (
    name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, scope TEXT NOT NULL, created_at REAL NOT NULL,
    created_by TEXT, revoked_at REAL, last_used_at REAL)"""
TOUCH_EVERY = 60        # seconds between last_used_at writes


@dataclass(frozen=True)
class Token:
    name: str
    scope: str

    @property
    def channel(self) -> str | None:
        return self.scope.removeprefix("channel:") if self.scope.startswith("channel:") else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_made: set = set()


def _ensure(state: State) -> None:
    """The table, created once per state file and process."""
    if state.path not in _made:
        with state.transaction() as conn:
            conn.execute(SCHEMA)
        _made.add(state.path)


def add(state: State, name: str, scope: str, by: str | None = None) -> str:
    """A new token named `name` with `scope`; returns the token (never stored in clear)."""
    if scope != AGGREGATES and not (scope.startswith("channel:") and len(scope) > len("channel:")):
        raise ValueError(f"scope must be 'channel:<name>' or '{AGGREGATES}'")
    _ensure(state)
    token = PREFIX + secrets.token_urlsafe(32)
    with state.transaction() as conn:
        if conn.execute("SELECT 1 FROM api_tokens WHERE name = ?", (name,)).fetchone():
            raise ValueError(f"token {name!r} exists")
        conn.execute("INSERT INTO api_tokens (name, token_hash, scope, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                     (name, _hash(token), scope, time.time(), by))
        audit.record(conn, by, "token.add", name, {"scope": scope})
    return token


def revoke(state: State, name: str, by: str | None = None) -> None:
    _ensure(state)
    with state.transaction() as conn:
        if conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                        (time.time(), name)).rowcount != 1:
            raise ValueError(f"no live token {name!r}")
        audit.record(conn, by, "token.revoke", name)


def listed(state: State) -> list[dict]:
    _ensure(state)
    return [dict(r) for r in state.query(
        "SELECT name, scope, created_at, created_by, revoked_at, last_used_at FROM api_tokens ORDER BY name")]


def holder(state: State, token: str | None) -> Token | None:
    """The live token presented, or None (unknown or revoked)."""
    if not token or not token.startswith(PREFIX):
        return None
    _ensure(state)
    rows = state.query("SELECT name, scope, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                       (_hash(token),))
    if not rows:
        return None
    now = time.time()
    if rows[0]["last_used_at"] is None or now - rows[0]["last_used_at"] > TOUCH_EVERY:
        with state.transaction() as conn:
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE name = ?", (now, rows[0]["name"]))
    return Token(rows[0]["name"], rows[0]["scope"])
