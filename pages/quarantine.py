"""隔离管控 Quarantine: designated hotels' occupancy against their rooms day by day, the day-14 release calendar,
fevers and missed temperature reports, people in home quarantine with their daily checks, and one plan per
arriving batch."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import Input, Output, html

from layers import alerts as alert_layer
from pages import loop_map, session
from pages.alerts import batch_plans, readable, scoped_alerts
from pages.components import card, chart, column, date_picker, grid, section
from pages.context import REPORT_DAY, as_date
from pages.i18n import t
from pages.people import records
from queries.dashboard import PERIOD_END
from queries.figures import PERIOD_START

PATH, NAME, NAV = "/quarantine", "quarantine", "nav.quarantine"
ROLES = ("leadership", "police", "analyst")
WATCH_KINDS = ("fever", "leak_temperature", "leak_release")
WATCH_COLUMNS = ("kind", "name", "community", "raised_at", "detail", "state", "assignee")
HOME_COLUMNS = ("name", "community", "quarantine_day", "release_due", "last_temperature", "last_checked_at",
                "missed_days", "fever_days")
BATCH_COLUMNS = ("day", "carrier_no", "place", "people", "quarantined", "vehicles_used", "destinations", "teams")
CARDS = ("hotel_occupancy", "due_3d", "fevers", "missed")


def layout(ctx, lang: str, query: dict) -> html.Div:
    people = session.current_scope().sees_people
    aggregates_only = [] if people else [html.Div(t("aggregates_only", lang), className="notice")]
    return html.Div([
        html.Div([html.Label(t("as_of", lang)), date_picker("qr-date", REPORT_DAY, PERIOD_START, PERIOD_END)],
                 className="toolbar"),
        html.Div(id="qr-cards", className="cards"),
        html.Div(id="qr-over", className="notice", style={"display": "none"}),
        section(t("quarantine.occupancy", lang), chart("qr-occupancy"),
                html.Div(t("quarantine.occupancy.def", lang), className="muted")),
        html.Div([
            section(t("quarantine.calendar", lang), chart("qr-calendar"), className="panel grow"),
            section(t("quarantine.watch", lang), html.Div(id="qr-watch-count", className="muted"), *aggregates_only,
                    grid("qr-watch", [column(c, lang) for c in WATCH_COLUMNS], rowData=[], style={"height": "300px"}),
                    className="panel side-wide"),
        ], className="row"),
        section(t("quarantine.home", lang), html.Div(t("quarantine.home.def", lang), className="muted"),
                *aggregates_only,
                grid("qr-home", [column(c, lang) for c in HOME_COLUMNS], rowData=[], style={"height": "32vh"})),
        section(t("plan.batches", lang),
                grid("qr-batches", [column(c, lang) for c in BATCH_COLUMNS], rowData=[],
                     dashGridOptions={"pagination": True, "paginationPageSize": 50}, style={"height": "40vh"})),
    ], className="quarantine")


def register(app, ctx) -> None:
    @app.callback(Output("qr-cards", "children"), Output("qr-over", "children"), Output("qr-over", "style"),
                  Output("qr-occupancy", "figure"), Output("qr-calendar", "figure"), Output("qr-watch", "rowData"),
                  Output("qr-watch-count", "children"), Output("qr-batches", "rowData"), Output("qr-home", "rowData"),
                  Input("qr-date", "date"))
    def show(date):
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date)
        rules = loop_map.deadlines()
        days = ctx.query("quarantine_occupancy", scope, start=PERIOD_START, end=PERIOD_END)
        shown = days[days["day"] <= pd.Timestamp(as_of)]
        today = shown[shown["day"] == pd.Timestamp(as_of)]
        calendar = ctx.query("quarantine_calendar", scope, start=PERIOD_START, end=PERIOD_END, as_of=as_of,
                             quarantine_days=rules.quarantine_days)
        frame = scoped_alerts(ctx, scope, as_of)
        watch = frame[frame["kind"].isin(WATCH_KINDS)]
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
        batches = batch_plans(ctx, scope, as_of).rename(columns={"vehicles": "vehicles_used"})
        batches["day"] = pd.to_datetime(batches["day"]).dt.strftime("%Y-%m-%d")
        watch_rows, home_rows = [], []                 # leadership: the counts above, never the lists of people
        if scope.sees_people:
            watch_rows = records(readable(watch[list(WATCH_COLUMNS)], lang).iloc[::-1])
            home = ctx.query("quarantine_home", scope, as_of=as_of, quarantine_days=rules.quarantine_days,
                             fever=rules.fever_celsius)[list(HOME_COLUMNS)]
            home_rows = records(home.assign(
                release_due=pd.to_datetime(home["release_due"]).dt.strftime("%Y-%m-%d"),
                last_checked_at=pd.to_datetime(home["last_checked_at"]).dt.strftime("%Y-%m-%d %H:%M")))
            session.audit(ctx.state, "people.list", "quarantine",
                          {"as_of": as_of, "rows": len(watch_rows) + len(home_rows)})
        return (cards, t("quarantine.over_capacity", lang, n=len(over)), over_style, occupancy, calendar_figure,
                watch_rows, t("quarantine.watch.none", lang) if watch.empty else t("quarantine.watch.count", lang,
                                                                                              n=len(watch)),
                records(batches[list(BATCH_COLUMNS)]), home_rows)


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): occupancy over the period, the report day's calendar, alerts,
    batches and (for roles that see people) home quarantine list."""
    rules = loop_map.deadlines()
    ctx.query("quarantine_occupancy", scope, start=PERIOD_START, end=PERIOD_END)
    ctx.query("quarantine_calendar", scope, start=PERIOD_START, end=PERIOD_END, as_of=REPORT_DAY,
              quarantine_days=rules.quarantine_days)
    scoped_alerts(ctx, scope, REPORT_DAY)
    batch_plans(ctx, scope, REPORT_DAY)
    if scope.sees_people:
        ctx.query("quarantine_home", scope, as_of=REPORT_DAY, quarantine_days=rules.quarantine_days,
                  fever=rules.fever_celsius)
