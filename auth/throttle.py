"""Login throttling with growing delays instead of a lockout (see docs/security.md).

Every failed login is kept (`login_failures`: when, the name tried, the client's address), for known and
unknown names alike. Three counters, each over the last WINDOW seconds, each allowing FREE failures and then
asking for a wait that doubles with every further failure, up to a cap:

- the client and the name together (5 free, then 1 s, 2 s, 4 s ... up to 15 minutes): one attacker guessing one
  account stalls quickly;
- the client alone (20 free, up to 15 minutes): one attacker trying many names stalls too;
- the name alone, from anywhere (20 free, capped at 30 s): many addresses guessing one account are slowed, while
  the real user, from a client of their own, waits 30 s at most: nobody can lock an account out at will.
"""
from __future__ import annotations

WINDOW = 15 * 60
RULES = (  # (what the counter is keyed on, failures free, longest wait in seconds)
    (("username", "client"), 5, 15 * 60),
    (("client",), 20, 15 * 60),
    (("username",), 20, 30),
)


def wait(failures: int, free: int, cap: float) -> float:
    """Seconds to wait after `failures` failures in the window: 0 for the first `free`, then 1, 2, 4 ... `cap`."""
    return 0.0 if failures < free else float(min(2 ** (failures - free), cap))


def seconds_to_wait(conn, username: str, client: str, now: float) -> float:
    """How long before this name from this client may try again (0: now)."""
    values = {"username": username, "client": client}
    longest = 0.0
    for keys, free, cap in RULES:
        where = " AND ".join(f"{k} = ?" for k in keys)
        n, last = conn.execute(f"SELECT count(*), max(at) FROM login_failures WHERE {where} AND at > ?",
                               [values[k] for k in keys] + [now - WINDOW]).fetchone()
        if n:
            longest = max(longest, last + wait(n, free, cap) - now)
    return longest


def failed(conn, username: str, client: str, now: float) -> None:
    conn.execute("INSERT INTO login_failures (at, username, client) VALUES (?, ?, ?)", (now, username, client))


def succeeded(conn, username: str, client: str) -> None:
    """A right password: this client's failures on this name are forgiven."""
    conn.execute("DELETE FROM login_failures WHERE username = ? AND client = ?", (username, client))


def repeated(state, since: float, least: int = 3) -> list[dict]:
    """Names and clients with at least `least` failed logins since `since`, for the administrators."""
    return [dict(r) for r in state.query(
        "SELECT username, client, count(*) AS failures, max(at) AS last_at FROM login_failures WHERE at > ?"
        " GROUP BY 1, 2 HAVING count(*) >= ? ORDER BY failures DESC, last_at DESC LIMIT 200", (since, least))]
