"""The headline figures, the same for `app.py figures` and the dashboard's cards."""
from __future__ import annotations

import datetime as dt

from queries.runner import Scope, run

PERIOD_START = dt.date(2020, 1, 20)


def headline(conn, scope: Scope, as_of: dt.date, since: dt.date = PERIOD_START) -> dict[str, int]:
    """Every headline figure as of the end of `as_of`."""
    row = run(conn, "headline_figures", scope, as_of=as_of, since=since).iloc[0]
    return {key: int(value) for key, value in row.items()}
