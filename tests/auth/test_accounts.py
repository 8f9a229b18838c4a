"""Accounts, sessions and the audit log, on a real SQLite state file."""
import sqlite3

import pytest

from auth import audit, sessions
from auth.state import State
from auth.users import AuthError, add_user, authenticate, list_users, reset_password, set_disabled

PASSWORD = "Wuzhou-2020-secure"


@pytest.fixture
def state(tmp_path):
    s = State(tmp_path / "app.sqlite")
    add_user(s, "lin", PASSWORD, "police", district_code="450403", by="admin")
    return s


def test_passwords_are_hashed_and_weak_ones_refused(state):
    stored = state.query("SELECT password_hash FROM users WHERE username = 'lin'")[0][0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    with pytest.raises(ValueError, match="too short"):
        add_user(state, "weak", "abc", "analyst")
    with pytest.raises(ValueError, match="jurisdiction"):
        add_user(state, "cop", PASSWORD, "police")


def test_every_login_attempt_is_audited(state):
    assert authenticate(state, "lin", PASSWORD).district_code == "450403"
    with pytest.raises(AuthError):
        authenticate(state, "lin", "wrong-password-1A")
    assert authenticate(state, "lin", PASSWORD).username == "lin"
    outcomes = [r["outcome"] for r in reversed(audit.recent(state, action="login"))]
    assert outcomes == ["ok", "refused", "ok"]


def test_sessions_end_on_logout_idle_absolute_and_disable(state):
    user = authenticate(state, "lin", PASSWORD)
    token = sessions.start(state, user)
    assert sessions.current_user(state, token) == user
    sessions.end(state, token)
    assert sessions.current_user(state, token) is None          # the cookie replayed after logout
    created = state.query("SELECT max(created_at) FROM sessions")[0][0]
    idle = sessions.start(state, user)
    assert sessions.current_user(state, idle, now=created + sessions.IDLE_SECONDS + 60) is None
    fresh = sessions.start(state, user)
    set_disabled(state, "lin", True, by="admin")
    assert sessions.current_user(state, fresh) is None
    set_disabled(state, "lin", False, by="admin")
    reset_password(state, "lin", "Another-pass-2020!", by="admin")
    assert authenticate(state, "lin", "Another-pass-2020!").username == "lin"
    assert [u["username"] for u in list_users(state)] == ["lin"]


def test_absolute_session_limit(state):
    user = authenticate(state, "lin", PASSWORD)
    token = sessions.start(state, user)
    start = state.query("SELECT created_at FROM sessions")[0][0]
    now = start
    while now < start + sessions.ABSOLUTE_SECONDS:            # active all day: never idle
        now += sessions.IDLE_SECONDS - 60
        alive = sessions.current_user(state, token, now=now)
    assert alive is None


def test_the_audit_log_is_append_only(state):
    audit.log(state, "lin", "person.view", "42")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with state.transaction() as conn:
            conn.execute("UPDATE audit SET username = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with state.transaction() as conn:
            conn.execute("DELETE FROM audit")
    assert audit.recent(state, action="person.view")[0]["target"] == "42"
