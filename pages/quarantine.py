"""隔离管控 Quarantine: designated hotels' occupancy against their rooms day by day, the day-14 release calendar,
fevers and missed temperature reports, people in home quarantine with their daily checks, and one plan per
arriving batch. The three lists page on the server (AG Grid infinite row model), cut from per-snapshot results:
at the scale of a province they run to thousands of rows per date."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import Input, Output, State, dcc, html

from layers import alerts as alert_layer
from pages import loop_map, session
from pages.alerts import batch_plans, readable, scoped_alerts
from pages.components import (card, chart, column, date_picker, grid_block, paged_grid, purge_on, section,
                              sorted_by)
from pages.context import as_date
from pages.i18n import t
from pages.people import records

PATH, NAME, NAV = "/quarantine", "quarantine", "nav.quarantine"
ROLES = ("leadership", "police", "analyst")
WATCH_KINDS = ("fever", "leak_temperature", "leak_release")
WATCH_COLUMNS = ("kind", "name", "community", "raised_at", "detail", "state", "assignee")
HOME_COLUMNS = ("name", "community", "quarantine_day", "release_due", "last_temperature", "last_checked_at",
                "missed_days", "fever_days")
BATCH_COLUMNS = ("day", "carrier_no", "place", "people", "quarantined", "vehicles_used", "destinations", "teams")
CARDS = ("hotel_occupancy", "due_3d", "fevers", "missed")
LISTS = {"qr-watch": WATCH_COLUMNS, "qr-home": HOME_COLUMNS, "qr-batches": BATCH_COLUMNS}
PEOPLE_LISTS = ("qr-watch", "qr-home")          # roles that see aggregates only get these empty


def watch_list(ctx, scope, as_of: dt.date) -> pd.DataFrame:
    """Fevers and missed temperature or release deadlines of the scope as of the date, newest first."""
    frame = scoped_alerts(ctx, scope, as_of)
    return frame[frame["kind"].isin(WATCH_KINDS)].iloc[::-1]


def home_list(ctx, scope, as_of: dt.date) -> pd.DataFrame:
    """People in home quarantine as of the date with their daily checks (queries/quarantine_home.sql)."""
    rules = loop_map.deadlines()
    return ctx.query("quarantine_home", scope, as_of=as_of, quarantine_days=rules.quarantine_days,
                     fever=rules.fever_celsius)


def batch_list(ctx, scope, as_of: dt.date) -> pd.DataFrame:
    """One plan per batch arrived by the date (loop.plans), newest first; cached per snapshot and date."""
    return ctx.cache.get(("quarantine.batches", scope, as_of), lambda _conn: batch_plans(ctx, scope, as_of).rename(
        columns={"vehicles": "vehicles_used"}))


def list_rows(frame: pd.DataFrame, grid_id: str, lang: str) -> list[dict]:
    """A block of one of the lists as grid rows: labels in `lang`, times as text."""
    frame = frame[list(LISTS[grid_id])]
    if grid_id == "qr-watch":
        return records(readable(frame, lang))
    dated = {"day": "%Y-%m-%d", "release_due": "%Y-%m-%d", "last_checked_at": "%Y-%m-%d %H:%M"}
    return records(frame.assign(**{c: pd.to_datetime(frame[c]).dt.strftime(f) for c, f in dated.items()
                                   if c in frame}))


def layout(ctx, lang: str, query: dict) -> html.Div:
    """Roles that see aggregates only get the counts and a notice where the lists of people would be: no grid."""
    people = session.current_scope().sees_people
    shown = [g for g in LISTS if people or g not in PEOPLE_LISTS]

    def people_list(grid_id, height):
        if grid_id in shown:
            return paged_grid(grid_id, [column(c, lang) for c in LISTS[grid_id]], style={"height": height})
        return html.Div(t("aggregates_only", lang), className="notice", id=f"{grid_id}-none")

    return html.Div([
        html.Div([html.Label(t("as_of", lang)), date_picker("qr-date", ctx.period())],
                 className="toolbar"),
        html.Div(id="qr-cards", className="cards"),
        html.Div(id="qr-over", className="notice", style={"display": "none"}),
        section(t("quarantine.occupancy", lang), chart("qr-occupancy"),
                html.Div(t("quarantine.occupancy.def", lang), className="muted")),
        html.Div([
            section(t("quarantine.calendar", lang), chart("qr-calendar"), className="panel grow"),
            section(t("quarantine.watch", lang), html.Div(id="qr-watch-count", className="muted"),
                    people_list("qr-watch", "300px"), className="panel side-wide"),
        ], className="row"),
        section(t("quarantine.home", lang), html.Div(t("quarantine.home.def", lang), className="muted"),
                people_list("qr-home", "32vh")),
        section(t("plan.batches", lang), people_list("qr-batches", "40vh")),
        dcc.Store(id="qr-listed"), *[dcc.Store(id=f"{g}-purged") for g in shown],
    ], className="quarantine")


def register(app, ctx) -> None:
    @app.callback(Output("qr-cards", "children"), Output("qr-over", "children"), Output("qr-over", "style"),
                  Output("qr-occupancy", "figure"), Output("qr-calendar", "figure"),
                  Output("qr-watch-count", "children"), Output("qr-listed", "data"), Input("qr-date", "date"))
    def show(date):
        """Cards, charts and counts as of the date; the date goes to qr-listed, from which the lists ask for their
        blocks (`rows`). A listing of people is audited once, with its size, not per block."""
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        rules = loop_map.deadlines()
        days = ctx.query("quarantine_occupancy", scope, start=ctx.period().start, end=ctx.period().end)
        shown = days[days["day"] <= pd.Timestamp(as_of)]
        today = shown[shown["day"] == pd.Timestamp(as_of)]
        calendar = ctx.query("quarantine_calendar", scope, start=ctx.period().start, end=ctx.period().end, as_of=as_of,
                             quarantine_days=rules.quarantine_days)
        frame = scoped_alerts(ctx, scope, as_of)
        watch = watch_list(ctx, scope, as_of)
        soon = calendar[(calendar["day"] > pd.Timestamp(as_of))
                        & (calendar["day"] <= pd.Timestamp(as_of + dt.timedelta(days=3)))]
        values = {"hotel_occupancy": f"{int(today['occupants'].sum()):,} / {int(today['capacity'].sum()):,}",
                  "due_3d": f"{int(soon['due_open'].sum()):,}",
                  "fevers": f"{int((frame['kind'] == 'fever').sum()):,}",
                  "missed": f"{int((frame['kind'] == 'leak_temperature').sum()):,}"}
        when = f"{t('as_of', lang)} {as_of.isoformat()}"
        cards = [card(f"qr-card-{k}", t(f"card.{k}", lang), values[k], "", t(f"card.{k}.def", lang), when)
                 for k in CARDS]
        over = today[today["over_capacity"]]
        over_style = {} if len(over) else {"display": "none"}
        occupancy = alert_layer.occupancy(shown, t("quarantine.occupancy", lang))
        labels = {k: t(f"quarantine.{k}", lang) for k in ("due", "due_open", "released")}
        kinds = {k: t(f"kind.{k}", lang) for k in ("hotel", "home")}
        calendar_figure = alert_layer.release_calendar(calendar, labels, kinds)
        if scope.sees_people:                       # leadership: the counts above, never the lists of people
            session.audit(ctx.state, "people.list", "quarantine",
                          {"as_of": as_of, "rows": len(watch) + len(home_list(ctx, scope, as_of))})
        return (cards, t("quarantine.over_capacity", lang, n=len(over)), over_style, occupancy, calendar_figure,
                t("quarantine.watch.none", lang) if watch.empty else t("quarantine.watch.count", lang, n=len(watch)),
                {"as_of": as_of.isoformat()})

    for grid_id in LISTS:
        purge_on(app, grid_id, "qr-listed", f"{grid_id}-purged")

        @app.callback(Output(grid_id, "getRowsResponse"), Input(grid_id, "getRowsRequest"),
                      State("qr-listed", "data"))
        def rows(request, listed, grid_id=grid_id):
            """One block of the list as of the listed date, sorted as the grid asks (scope from the session)."""
            scope = session.current_scope()
            if not isinstance(request, dict) or not isinstance(listed, dict) or \
                    (grid_id in PEOPLE_LISTS and not scope.sees_people):
                return {"rowData": [], "rowCount": 0}
            as_of = as_date(listed.get("as_of"), ctx.period())
            frame = {"qr-watch": watch_list, "qr-home": home_list, "qr-batches": batch_list}[grid_id](ctx, scope, as_of)
            block = grid_block(sorted_by(frame, request.get("sortModel"), LISTS[grid_id]), request,
                               lambda block: list_rows(block, grid_id, session.language()))
            return session.served(ctx.state, grid_id, listed, request, block) if grid_id in PEOPLE_LISTS else block


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): occupancy over the period, the report day's calendar, alerts,
    batches and (for roles that see people) home quarantine list."""
    rules = loop_map.deadlines()
    ctx.query("quarantine_occupancy", scope, start=ctx.period().start, end=ctx.period().end)
    ctx.query("quarantine_calendar", scope, start=ctx.period().start, end=ctx.period().end, as_of=ctx.period().latest,
              quarantine_days=rules.quarantine_days)
    scoped_alerts(ctx, scope, ctx.period().latest)
    batch_list(ctx, scope, ctx.period().latest)
    if scope.sees_people:
        home_list(ctx, scope, ctx.period().latest)
