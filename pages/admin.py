"""系统管理 Administration: the user accounts (disable / enable; adding users and resetting passwords stay on
the command line, `python app.py users`) and the audit log viewer. Administrators only."""
from __future__ import annotations

import datetime as dt
import time

import dash
from dash import Input, Output, State, dcc, html

from auth import audit, throttle, unmask
from auth.users import list_users, set_disabled
from pages import session, unmask_review
from pages.components import column, dropdown, grid, section
from pages.i18n import label_or_code, t

PATH, NAME, NAV = "/admin", "admin", "nav.admin"
ROLES = ("admin",)
USER_COLUMNS = ("username", "display_name", "role", "district_code", "township_code", "disabled", "demo")
FAILURE_COLUMNS = ("username", "client", "failures", "last_at")
FAILURES_SINCE = 24 * 3600                 # repeated failed logins of the last day
AUDIT_COLUMNS = ("at", "username", "action", "target", "detail", "outcome")
ACTIONS = ("login", "logout", "person.view", "person.unmask", "people.list", "people.rows", "export", "note.add",
           "access.denied", "user.add", "user.disable", "user.enable", "user.reset", "user.password")
LIMIT = 1000
CLI = "python app.py users"                # the command, the same in every language


def layout(ctx, lang: str, query: dict) -> html.Div:
    return html.Div([
        section(t("admin.users", lang),
                html.Div([html.Button(t("admin.disable", lang), id="ad-disable", className="button"),
                          html.Button(t("admin.enable", lang), id="ad-enable", className="button"),
                          html.Span(id="ad-status", className="muted"),
                          html.Span([t("admin.cli", lang), html.Code(CLI, className="example")],
                                    className="muted")], className="toolbar"),
                grid("ad-users", [column(c, lang) for c in USER_COLUMNS], rowData=[],
                     dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                       "enableClickSelection": True}},
                     style={"height": "28vh"}),
                dcc.Store(id="ad-version", data=0)),
        section(t("admin.failures", lang),
                grid("ad-failures", [column(c, lang) for c in FAILURE_COLUMNS], rowData=[], style={"height": "20vh"})),
        section(t("admin.unmasks", lang, n=unmask.daily_limit()),
                grid("ad-unmasks", [column(c, lang) for c in unmask_review.COLUMNS], rowData=[],
                     style={"height": "24vh"})),
        section(t("admin.audit", lang),
                html.Div([dropdown("ad-action", [{"label": label_or_code("audit", a, lang), "value": a} for a in ACTIONS], lang,
                                   placeholder=t("any", lang)),
                          html.Span(id="ad-audit-count", className="muted")], className="toolbar"),
                grid("ad-audit", [column(c, lang) for c in AUDIT_COLUMNS], rowData=[], style={"height": "48vh"})),
    ], className="admin")


def register(app, ctx) -> None:
    @app.callback(Output("ad-users", "rowData"), Input("ad-version", "data"))
    def users(_version):
        lang = session.language()
        return [{**u, "role": t(f"role.{u['role']}", lang), "disabled": bool(u["disabled"]), "demo": bool(u["demo"])}
                for u in list_users(ctx.state)]

    @app.callback(Output("ad-unmasks", "rowData"), Input("ad-version", "data"))
    def unmasks(_version):
        return unmask_review.rows(unmask.listing(ctx.state, since=time.time() - unmask_review.SINCE),
                                  session.language())

    @app.callback(Output("ad-failures", "rowData"), Input("ad-version", "data"))
    def failures(_version):
        return [{**r, "last_at": _when(r["last_at"])}
                for r in throttle.repeated(ctx.state, since=time.time() - FAILURES_SINCE)]

    @app.callback(Output("ad-status", "children"), Output("ad-version", "data"),
                  Input("ad-disable", "n_clicks"), Input("ad-enable", "n_clicks"),
                  State("ad-users", "selectedRows"), State("ad-version", "data"), prevent_initial_call=True)
    def disable_or_enable(_disable, _enable, selected, version):
        lang = session.language()
        username = (selected or [{}])[0].get("username") if isinstance((selected or [{}])[0], dict) else None
        if not username:
            return t("admin.pick", lang), dash.no_update
        if username == session.author():
            return t("admin.not_self", lang), dash.no_update
        disable = dash.ctx.triggered_id == "ad-disable"
        try:
            set_disabled(ctx.state, username, disable, by=session.author())
        except ValueError as exc:
            return str(exc), dash.no_update
        return t("admin.done", lang), (version or 0) + 1

    @app.callback(Output("ad-audit", "rowData"), Output("ad-audit-count", "children"),
                  Input("ad-action", "value"), Input("ad-version", "data"))
    def audit_log(action, _version):
        rows = audit.recent(ctx.state, LIMIT, action if action in ACTIONS else None)
        lang = session.language()
        shown = [{**r, "at": _when(r["at"]), "action": label_or_code("audit", r["action"], lang)} for r in rows]
        return shown, t("admin.audit.count", lang, n=len(shown), limit=LIMIT)


def _when(seconds: float | None) -> str | None:
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S") if seconds else None
