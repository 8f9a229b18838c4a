"""Server-side sessions: a random token in an HttpOnly cookie, its hash on the server, idle and absolute limits."""
from __future__ import annotations

import hashlib
import secrets
import time

from auth import audit
from auth.state import State
from auth.users import User, get_user

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600
TOUCH_EVERY = 30          # seconds between last_seen writes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(state: State, user: User) -> str:
    """A new session for a logged-in user; returns the token for the cookie."""
    token, now = secrets.token_urlsafe(32), time.time()
    with state.transaction() as conn:
        conn.execute("INSERT INTO sessions (token_hash, username, created_at, last_seen) VALUES (?, ?, ?, ?)",
                     (_hash(token), user.username, now, now))
    return token


def current_user(state: State, token: str | None, now: float | None = None) -> User | None:
    """The user of a live session, or None (unknown, ended, idle too long, too old, user disabled)."""
    if not token:
        return None
    now = time.time() if now is None else now
    rows = state.query("SELECT * FROM sessions WHERE token_hash = ?", (_hash(token),))
    if not rows or rows[0]["ended_at"] is not None:
        return None
    session = rows[0]
    expired = ("idle timeout" if now - session["last_seen"] > IDLE_SECONDS else
               "absolute timeout" if now - session["created_at"] > ABSOLUTE_SECONDS else None)
    user = get_user(state, session["username"])
    if expired or user is None:
        end(state, token, expired or "user disabled")
        return None
    if now - session["last_seen"] > TOUCH_EVERY:
        with state.transaction() as conn:
            conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, _hash(token)))
    return user


def username_of(state: State, token: str) -> str | None:
    """The user name of an open session (no timeout check, no write): for per-user limits before the gate."""
    rows = state.query("SELECT username FROM sessions WHERE token_hash = ? AND ended_at IS NULL", (_hash(token),))
    return rows[0]["username"] if rows else None


def end(state: State, token: str, reason: str = "logout") -> None:
    with state.transaction() as conn:
        row = conn.execute("SELECT username FROM sessions WHERE token_hash = ? AND ended_at IS NULL",
                           (_hash(token),)).fetchone()
        if row:
            conn.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ?",
                         (time.time(), reason, _hash(token)))
            audit.record(conn, row["username"], "logout", row["username"], {"reason": reason})
