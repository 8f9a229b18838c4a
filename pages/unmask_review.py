"""查看完整信息记录 Unmask review (police): the unmasks of the last 30 days a supervisor answers for: a district's
police sees every officer of the district (township officers included), a township officer their own. The
administrators see everyone's on the administration page (same rows, same columns)."""
from __future__ import annotations

import datetime as dt
import time

from dash import Input, Output, dcc, html

from auth import unmask
from pages import session
from pages.components import column, grid, section
from pages.i18n import label_or_code, t

PATH, NAME, NAV = "/unmasks", "unmasks", "nav.unmasks"
ROLES = ("police",)
COLUMNS = ("at", "username", "person_id", "purpose", "reason", "outcome")
SINCE = 30 * 24 * 3600                     # unmasks of the last 30 days, for review


def layout(ctx, lang: str, query: dict) -> html.Div:
    user = session.current_user()
    whose = "unmasks.township" if user is not None and user.township_code else "unmasks.district"
    return html.Div([
        section(t("admin.unmasks", lang, n=unmask.daily_limit()), html.Div(t(whose, lang), className="muted"),
                grid("ur-grid", [column(c, lang) for c in COLUMNS], rowData=[], style={"height": "60vh"}),
                dcc.Store(id="ur-version", data=0)),
    ], className="unmask-review")


def rows(found: list[dict], lang: str) -> list[dict]:
    """auth.unmask.listing rows for a grid: times as text, purposes and outcomes labelled."""
    return [{**r, "at": dt.datetime.fromtimestamp(r["at"]).strftime("%Y-%m-%d %H:%M:%S"),
             "purpose": label_or_code("unmask.purpose", r.get("purpose"), lang),
             "outcome": label_or_code("outcome", r["outcome"], lang)} for r in found]


def register(app, ctx) -> None:
    @app.callback(Output("ur-grid", "rowData"), Input("ur-version", "data"))
    def unmasks(_version):
        user = session.current_user()
        if user is None or user.role != "police":
            return []
        own = user.username if user.township_code else None        # a township officer: their own only
        found = unmask.listing(ctx.state, since=time.time() - SINCE, district=user.district_code, username=own)
        return rows(found, session.language())
