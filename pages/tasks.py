"""待办 Worklists (police): the jurisdiction's open items with due dates (loop/worklists.py) and their counts,
assignment to a named officer, "my tasks", the selected person's plan and transfers, and transfers between
jurisdictions: hand the selected person to another district with a reason; accept or decline what is handed to
this one. Every list read and person view is audited; what the browser sends is checked against the session's
scope (an item or transfer must be in the lists the server computed for it)."""
from __future__ import annotations

import datetime as dt

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from loop import workflow, worklists
from loop.transfers import REASONS, Side, TransferError
from pages import alerts as alerts_page
from pages import loop_map, session
from pages.components import column, date_picker, dropdown, grid, grid_block, paged_grid, purge_on, section, sorted_by
from pages.context import as_date
from pages.i18n import label_or_code, t
from pages.people import loop_people, records
from queries.runner import Scope

PATH, NAME, NAV = "/tasks", "tasks", "nav.tasks"
ROLES = ("police",)
GRID_COLUMNS = ("kind", "name", "community", "due_at", "detail", "assignee")
TRANSFER_COLUMNS = ("id", "person_id", "direction", "to", "reason", "status", "username")


def side_of(scope: Scope) -> Side:
    return Side(scope.district_code or "", scope.township_code)


def tasks(ctx, scope, as_of: dt.date) -> pd.DataFrame:
    """The scope's open items as of the date (loop.worklists.build over what the pages compute for it)."""
    people = loop_people(ctx, scope, as_of=as_of, population="in_quarantine")   # the only ones worklists reads
    incoming = [r for r in ctx.transfers.involving(side_of(scope)) if r["to_district"] == scope.district_code]
    return worklists.build(alerts_page.scoped_alerts(ctx, scope, as_of), people, ctx.notes.contacted(), incoming,
                           ctx.state, as_of, loop_map.deadlines())


def listing_of(as_of: dt.date, mine, officer, version) -> dict:
    """What the grid lists (tk-filters): its rows callback reads it, and a change makes the grid ask again."""
    return {"as_of": as_of.isoformat(), "mine": bool(mine), "officer": (officer or "").strip(), "version": version or 0}


def listed(ctx, scope, listing: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the listed items, every item) of the scope for a listing: "mine" keeps those assigned to the named
    officer, or to the logged-in user when none is named."""
    frame = tasks(ctx, scope, as_date(listing.get("as_of"), ctx.period()))
    return (worklists.mine(frame, listing.get("officer") or session.author()) if listing.get("mine") else frame), frame


def counts_table(frame: pd.DataFrame, as_of: dt.date, lang: str) -> html.Table:
    found = worklists.counts(frame, as_of)
    head = html.Tr([html.Th(""), html.Th(t("tasks.total", lang)), html.Th(t("tasks.overdue", lang))])
    rows = [html.Tr([html.Th(t(f"tasks.kind.{k}", lang)), html.Td(f"{c['total']:,}", className="num"),
                     html.Td(f"{c['overdue']:,}", className="num")], id=f"tk-count-{k}") for k, c in found.items()]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="counts-table", id="tk-counts-table")


def overview_panel(ctx, scope, lang: str) -> html.Section:
    """The police overview's worklist counts as of the latest day, each kind a link to the tasks page."""
    as_of = ctx.period().latest
    found = worklists.counts(tasks(ctx, scope, as_of), as_of)
    items = [html.A([html.Strong(f"{c['total']:,}", className="num"), " ", t(f"tasks.kind.{k}", lang),
                     html.Span(f" · {t('tasks.overdue', lang)} {c['overdue']:,}", className="muted")],
                    href=PATH, id=f"ov-task-{k}", className="task-count") for k, c in found.items()]
    return section(t("tasks.counts", lang), html.Div(items, className="task-counts"), id="ov-tasks")


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["kind"] = [t(f"tasks.kind.{k}", lang) for k in out["kind"]]
    out["due_at"] = pd.to_datetime(out["due_at"]).dt.strftime("%Y-%m-%d %H:%M")
    out["detail"] = [label_or_code("transfer.reason", d, lang) if k == t("tasks.kind.transfer", lang) else d
                     for k, d in zip(out["kind"], out["detail"])]
    return out


def transfer_rows(ctx, scope, lang: str) -> list[dict]:
    mine = side_of(scope)
    names = dict(zip(*ctx.query("areas", Scope.whole_city(), level="districts")[["code", "name"]].T.to_numpy()))
    return [{"id": r["id"], "person_id": r["person_id"],
             "direction": t("transfer.in" if r["to_district"] == mine.district else "transfer.out", lang),
             "to": names.get(r["to_district"], r["to_district"]),
             "reason": t(f"transfer.reason.{r['reason']}", lang), "status": t(f"transfer.status.{r['status']}", lang),
             "username": r["username"]} for r in ctx.transfers.involving(mine)]


def layout(ctx, lang: str, query: dict) -> html.Div:
    districts = ctx.query("areas", Scope.whole_city(), level="districts")
    return html.Div([
        dcc.Store(id="tk-version", data=0), dcc.Store(id="tk-filters"), dcc.Store(id="tk-purged"),
        html.Div([html.Label(t("as_of", lang)), date_picker("tk-date", ctx.period()),
                  dcc.Checklist(id="tk-mine", options=[{"label": t("tasks.mine", lang), "value": "mine"}], value=[],
                                className="radios"),
                  dcc.Input(id="tk-officer", placeholder=t("tasks.officer", lang), className="input")],
                 className="toolbar"),
        html.Div([
            section(t("tasks.counts", lang), html.Div(id="tk-counts"), className="panel side-col"),
            section(t("tasks.list", lang), html.Div(id="tk-count", className="muted"),
                    paged_grid("tk-grid", [column(c, lang) for c in GRID_COLUMNS], getRowId="params.data.task_id",
                         dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                           "enableClickSelection": True}},
                         style={"height": "46vh"}),
                    html.Div([html.Button(t("tasks.assign", lang), id="tk-assign", className="button small"),
                              html.Span(id="tk-status", className="muted")], className="buttons"),
                    className="panel grow"),
        ], className="row"),
        html.Div([
            section(t("tasks.person", lang), html.Div(t("tasks.pick", lang), id="tk-person"), className="panel grow"),
            section(t("transfer.title", lang),
                    dropdown("tk-to", [{"label": n, "value": c} for c, n in zip(districts["code"], districts["name"])],
                             lang, placeholder=t("transfer.to", lang)),
                    dropdown("tk-reason", [{"label": t(f"transfer.reason.{r}", lang), "value": r} for r in REASONS],
                             lang, placeholder=t("transfer.reason", lang)),
                    dcc.Input(id="tk-note", placeholder=t("alerts.note", lang), className="input"),
                    html.Button(t("transfer.request", lang), id="tk-transfer", className="button small"),
                    grid("tk-transfers", [column(c, lang) for c in TRANSFER_COLUMNS], rowData=[],
                         dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                           "enableClickSelection": True}},
                         style={"height": "220px"}),
                    html.Div([html.Button(t(f"transfer.action.{a}", lang), id=f"tk-{a}", className="button small")
                              for a in ("accept", "decline", "cancel")], className="buttons"),
                    html.Div(id="tk-transfer-status", className="muted"),
                    html.Div(id="tk-answer-status", className="muted"),
                    className="panel grow"),
        ], className="row"),
    ], className="tasks")


def register(app, ctx) -> None:
    @app.callback(Output("tk-counts", "children"), Output("tk-filters", "data"), Output("tk-count", "children"),
                  Output("tk-transfers", "rowData"),
                  Input("tk-date", "date"), Input("tk-mine", "value"), Input("tk-officer", "value"),
                  Input("tk-version", "data"))
    def show(date, mine, officer, version):
        """Counts and transfers; the listing goes to tk-filters, from which the grid asks for its blocks (`rows`).
        A listing is audited once, with its size, and each block served (session.served)."""
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        listing = listing_of(as_of, mine, officer, version)
        chosen, frame = listed(ctx, scope, listing)
        session.audit(ctx.state, "people.list", "tasks", {"as_of": as_of, "mine": bool(mine), "rows": len(chosen)})
        return (counts_table(frame, as_of, lang), listing, t("tasks.count", lang, n=len(chosen), total=len(frame)),
                transfer_rows(ctx, scope, lang))

    purge_on(app, "tk-grid", "tk-filters", "tk-purged")

    @app.callback(Output("tk-grid", "getRowsResponse"), Input("tk-grid", "getRowsRequest"),
                  State("tk-filters", "data"))
    def rows(request, listing):
        """One block of the listed items (scope from the session), sorted as the grid asks, with how many there
        are."""
        if not isinstance(request, dict) or not isinstance(listing, dict):
            return {"rowData": [], "rowCount": 0}
        chosen, _ = listed(ctx, session.current_scope(), listing)
        return session.served(ctx.state, "tasks", listing, request, grid_block(
            sorted_by(chosen, request.get("sortModel"), GRID_COLUMNS), request,
            lambda block: records(readable(block, session.language()))))

    @app.callback(Output("tk-status", "children"), Output("tk-version", "data"),
                  Input("tk-assign", "n_clicks"), State("tk-grid", "selectedRows"), State("tk-officer", "value"),
                  State("tk-date", "date"), State("tk-version", "data"), prevent_initial_call=True)
    def assign(_clicks, selected, officer, date, version):
        lang, scope = session.language(), session.current_scope()
        ids = [r.get("task_id") for r in (selected or []) if isinstance(r, dict)]
        if not ids:
            return t("tasks.pick", lang), dash.no_update
        visible = set(tasks(ctx, scope, as_date(date, ctx.period()))["task_id"])
        try:
            outcome = workflow.act(ctx.state, session.author(), ids, "assign",
                                   assignee=(officer or "").strip() or session.author(), visible=visible)
        except workflow.WorkflowError as exc:
            return t(f"alerts.error.{exc.code}", lang), dash.no_update
        return alerts_page.outcome_message(outcome, lang), (version or 0) + 1

    @app.callback(Output("tk-person", "children"), Input("tk-grid", "selectedRows"), State("tk-date", "date"))
    def show_person(selected, date):
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        row = _task(ctx, scope, as_of, selected)
        if row is None:
            return t("tasks.pick", lang)
        person_id = int(row["person_id"])
        session.audit(ctx.state, "person.view", str(person_id), {"task": row["task_id"]})
        steps = [html.Li(" · ".join((dt.datetime.fromtimestamp(s["at"]).strftime("%Y-%m-%d %H:%M"),
                                     label_or_code("transfer.action", s["action"], lang),
                                     f"{s['from_district']} → {s['to_district']}",
                                     label_or_code("transfer.reason", s["reason"], lang), s["username"])))
                 for s in ctx.transfers.history(person_id)]
        return [alerts_page.person_plan_panel(ctx, scope, person_id, as_of, lang),
                html.H4(t("transfer.history", lang)),
                html.Ol(steps, className="timeline") if steps else html.Div(t("transfer.none", lang),
                                                                              className="muted")]

    @app.callback(Output("tk-transfer-status", "children"), Output("tk-version", "data", allow_duplicate=True),
                  Input("tk-transfer", "n_clicks"), State("tk-grid", "selectedRows"), State("tk-to", "value"),
                  State("tk-reason", "value"), State("tk-note", "value"), State("tk-date", "date"),
                  State("tk-version", "data"), prevent_initial_call=True)
    def request(_clicks, selected, to, reason, note, date, version):
        """Hand the selected item's person to another district: only a person whose home is in the caller's
        jurisdiction (the scoped list's row says so)."""
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        row = _task(ctx, scope, as_of, selected)
        if row is None:
            return t("tasks.pick", lang), dash.no_update
        people = loop_people(ctx, scope, as_of=as_of)
        home = people[(people["person_id"] == row["person_id"]) & (people["relation"] == "home")]
        if home.empty:
            return t("transfer.error.not_home", lang), dash.no_update
        try:
            outcome = ctx.transfers.request(session.author(), {int(row["person_id"]): Side(
                home["district_code"].iloc[0], home["township_code"].iloc[0])}, Side(to or ""), reason, note)
        except TransferError as exc:
            return t(f"transfer.error.{exc.code}", lang), dash.no_update
        return _transfer_message(outcome, lang), (version or 0) + 1

    @app.callback(Output("tk-answer-status", "children"), Output("tk-version", "data", allow_duplicate=True),
                  *[Input(f"tk-{a}", "n_clicks") for a in ("accept", "decline", "cancel")],
                  State("tk-transfers", "selectedRows"), State("tk-version", "data"), prevent_initial_call=True)
    def answer(_a, _d, _c, selected, version):
        lang, scope = session.language(), session.current_scope()
        action = (dash.ctx.triggered_id or "").removeprefix("tk-")
        ids = [r.get("id") for r in (selected or []) if isinstance(r, dict) and isinstance(r.get("id"), int)]
        if not ids:
            return t("tasks.pick", lang), dash.no_update
        outcome = ctx.transfers.answer(session.author(), side_of(scope), ids, action)
        return _transfer_message(outcome, lang), (version or 0) + 1


def _transfer_message(outcome, lang: str) -> str:
    message = [t("alerts.done", lang, n=len(outcome.done))]
    if outcome.refused:
        message.append(t("alerts.refused", lang, n=len(outcome.refused), why="; ".join(
            t(f"transfer.error.{w}", lang) for w in sorted(set(outcome.refused.values())))))
    return " ".join(message)


def _task(ctx, scope, as_of: dt.date, selected) -> dict | None:
    """The selected item, when it is one of the scope's items as the server computes them."""
    if not selected or not isinstance(selected[0], dict):
        return None
    frame = tasks(ctx, scope, as_of)
    match = frame[frame["task_id"] == selected[0].get("task_id")]
    return match.iloc[0].to_dict() if len(match) else None


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): the report day's items."""
    if scope.role in ROLES:
        tasks(ctx, scope, ctx.period().latest)
