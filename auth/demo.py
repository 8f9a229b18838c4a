"""Demo accounts, one per role, for the demo city only: created (or re-enabled) when the app serves a store
built by `python app.py demo`, disabled whenever it serves any other store. The README lists them."""
from __future__ import annotations

from auth.state import State
from auth.users import add_user, list_users, set_disabled

# (user name, password, role, jurisdiction (district code), display name)
ACCOUNTS = (
    ("leader", "Wuzhou-Leader-2020", "leadership", None, "市领导（演示）"),
    ("police", "Wuzhou-Police-2020", "police", "450403", "万秀区民警（演示）"),
    ("analyst", "Wuzhou-Analyst-2020", "analyst", None, "分析员（演示）"),
    ("admin", "Wuzhou-Admin-2020", "admin", None, "管理员（演示）"),
)


def enable(state: State) -> list[str]:
    """Make sure every demo account exists and is enabled; returns their user names."""
    existing = {u["username"]: u for u in list_users(state)}
    for username, password, role, district, name in ACCOUNTS:
        if username not in existing:
            add_user(state, username, password, role, name, district, by="demo", demo=True)
        elif existing[username]["demo"] and existing[username]["disabled"]:
            set_disabled(state, username, False, by="demo")
    return [a[0] for a in ACCOUNTS]


def disable(state: State) -> int:
    """Disable every demo account (serving real data); returns how many were enabled before."""
    live = [u["username"] for u in list_users(state) if u["demo"] and not u["disabled"]]
    for username in live:
        set_disabled(state, username, True, by="not demo mode")
    return len(live)
