"""The first administrator of a store started for real use: a given or generated password that must be changed
at the first login (pages/gate.py sends the user to /password until it is)."""
from __future__ import annotations

import secrets

from auth.state import State
from auth.users import add_user


def create(state: State, username: str, password: str | None = None) -> str:
    """Add the administrator; returns what to tell the operator (the generated password, shown once)."""
    generated = password is None
    password = password or secrets.token_urlsafe(15)
    add_user(state, username, password, "admin", by="init", must_change=True)
    if generated:
        return f"administrator {username!r}, one-time password (change it at first login): {password}"
    return f"administrator {username!r} created; the password must be changed at first login"
