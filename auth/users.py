"""User accounts: add, disable, reset, list, and authenticate (repeated failures slowed down: auth.throttle)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from auth import audit, throttle
from auth.passwords import check_strength, hash_password, verify_password
from auth.state import State

ROLES = ("leadership", "police", "analyst", "admin")
REFUSED = "用户名或密码错误，或尝试过于频繁，请稍后再试 / wrong user name or password, or too many attempts: try again later"
_DUMMY_HASH = hash_password("timing-equaliser-Pw1!")


class AuthError(Exception):
    """A login refused; the message is safe to show (it never says which part was wrong)."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    district_code: str | None
    township_code: str | None
    must_change: bool = False              # a first password set by someone else: change it before anything


def _user(row) -> User:
    return User(row["username"], row["display_name"], row["role"], row["district_code"], row["township_code"],
                bool(row["must_change"]))


def add_user(state: State, username: str, password: str, role: str, display_name: str | None = None,
             district_code: str | None = None, township_code: str | None = None, by: str | None = None,
             demo: bool = False, must_change: bool = False) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "police" and not (district_code or township_code):
        raise ValueError("a police user needs a jurisdiction: --district or --township")
    if township_code and not district_code:
        district_code = township_code[:6]
    if not demo:                                 # demo passwords are published: set by the demo only
        check_strength(password, username, published())
    now = time.time()
    with state.transaction() as conn:
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise ValueError(f"user {username!r} exists")
        conn.execute("""INSERT INTO users (username, display_name, role, district_code, township_code, password_hash,
                        demo, must_change, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                     (username, display_name or username, role, district_code, township_code, hash_password(password),
                      int(demo), int(must_change), now, now))
        audit.record(conn, by, "user.add", username, {"role": role, "district": district_code,
                                                       "township": township_code})
    return get_user(state, username)


def published() -> tuple[str, ...]:
    """Passwords printed in the README (the demo accounts'): refused for any account set by hand."""
    from auth.demo import ACCOUNTS
    return tuple(a[1] for a in ACCOUNTS)


def get_user(state: State, username: str) -> User | None:
    rows = state.query("SELECT * FROM users WHERE username = ? AND disabled = 0", (username,))
    return _user(rows[0]) if rows else None


def list_users(state: State) -> list[dict]:
    return [dict(r) for r in state.query(
        "SELECT username, display_name, role, district_code, township_code, disabled, demo FROM users"
        " ORDER BY username")]


def jurisdictions(state: State, limit: int) -> list[tuple[str, str | None, str | None]]:
    """(role, district, township) of the enabled accounts, each once, the most recently active first."""
    return [tuple(r) for r in state.query(
        "SELECT u.role, u.district_code, u.township_code FROM users u LEFT JOIN sessions s USING (username)"
        " WHERE u.disabled = 0 GROUP BY 1, 2, 3 ORDER BY max(s.last_seen) DESC NULLS LAST, 1, 2, 3 LIMIT ?",
        (limit,))]


def set_disabled(state: State, username: str, disabled: bool, by: str | None = None) -> None:
    """Disable (ending every session of the user on the server) or enable an account."""
    with state.transaction() as conn:
        if conn.execute("UPDATE users SET disabled = ?, updated_at = ? WHERE username = ?",
                        (int(disabled), time.time(), username)).rowcount != 1:
            raise ValueError(f"no user {username!r}")
        if disabled:
            conn.execute("UPDATE sessions SET ended_at = ?, end_reason = 'user disabled'"
                         " WHERE username = ? AND ended_at IS NULL", (time.time(), username))
        audit.record(conn, by, "user.disable" if disabled else "user.enable", username)


def reset_password(state: State, username: str, password: str, by: str | None = None) -> None:
    """Set a new password and end the user's sessions."""
    check_strength(password, username, published())
    with state.transaction() as conn:
        if conn.execute("UPDATE users SET password_hash = ?, updated_at = ?"
                        " WHERE username = ?", (hash_password(password), time.time(), username)).rowcount != 1:
            raise ValueError(f"no user {username!r}")
        conn.execute("UPDATE sessions SET ended_at = ?, end_reason = 'password reset'"
                     " WHERE username = ? AND ended_at IS NULL", (time.time(), username))
        audit.record(conn, by, "user.reset", username)


def change_password(state: State, username: str, current: str, new: str) -> None:
    """The user's own change: the current password proves it is them; the new one must pass the strength rule
    and differ. Clears `must_change`."""
    rows = state.query("SELECT password_hash FROM users WHERE username = ? AND disabled = 0", (username,))
    if not rows or not verify_password(current, rows[0]["password_hash"]):
        raise ValueError("the current password is wrong")
    if new == current:
        raise ValueError("the new password must differ from the current one")
    check_strength(new, username, published())
    with state.transaction() as conn:
        conn.execute("UPDATE users SET password_hash = ?, must_change = 0, updated_at = ? WHERE username = ?",
                     (hash_password(new), time.time(), username))
        audit.record(conn, username, "user.password", username)


def authenticate(state: State, username: str, password: str, client: str = "-", now: float | None = None) -> User:
    """The user for these credentials, or AuthError; every attempt is audited. Known and unknown names get the
    same answer and the same work (one scrypt); repeated failures are slowed down per client and per name
    (auth.throttle), never locked."""
    now = time.time() if now is None else now
    rows = state.query("SELECT * FROM users WHERE username = ?", (username,))
    row = rows[0] if rows and not rows[0]["disabled"] else None
    ok = verify_password(password, row["password_hash"] if row else _DUMMY_HASH) and row is not None
    why = None
    with state.transaction() as conn:          # record the outcome, then refuse after the commit
        delay = throttle.seconds_to_wait(conn, username, client, now)
        if delay > 0:
            why = "throttled"                  # not counted: waiting out the delay is all it takes
        elif not ok:
            why = "unknown or disabled" if row is None else "wrong password"
            throttle.failed(conn, username, client, now)
        else:
            throttle.succeeded(conn, username, client)
        audit.record(conn, username, "login", username, {"why": why, "client": client} if why else {"client": client},
                     "refused" if why else "ok")
    if why:
        raise AuthError(REFUSED)
    return _user(row)
