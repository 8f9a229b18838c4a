"""The overview's rumour and enforcement tally: online rumour cases handled and the people educated, detained
and fined over them, as `app.py figures` counts them (queries/headline_figures.sql, day by day in
queries/headline_days.sql), for the area on the map as of the chosen day, with rumour cases per week."""
from __future__ import annotations

import pandas as pd
from dash import Input, Output, html

from layers import charts
from pages import session
from pages.components import card, chart, section
from pages.i18n import t

TALLY = ("rumours", "educated", "detained", "fined")


def block(lang: str) -> html.Section:
    return section(t("tally", lang), html.Div(id="ov-tally", className="cards tally"), chart("ov-tally-trend"),
                   html.Div(t("tally.def", lang), className="muted"), className="panel tally-panel")


def area_code(scope) -> str:
    """The row of headline_days of a scope's area: 'all', a district, or a district + township code."""
    return (scope.district_code or "all") + (scope.township_code or "")


def register(app, ctx, as_of_day) -> None:
    """The tally follows the overview's date (ov-day) and drill path (ov-drill); `as_of_day` reads the slider."""
    @app.callback(Output("ov-tally", "children"), Output("ov-tally-trend", "figure"),
                  Input("ov-day", "value"), Input("ov-drill", "data"))
    def tally(day_value, drill):
        lang, as_of, scope = session.language(), as_of_day(ctx, day_value), session.current_scope()
        path = drill["path"]
        area = session.within(scope, (path or [None])[-1])
        if area is None:
            return html.Div(t("outside_scope", lang), className="notice"), {}
        figures = ctx.headline(area, as_of)
        when = f"{t('as_of', lang)} {as_of.isoformat()}"
        note = t("tally.district", lang) if area.township_code else ""
        cards = [card(f"tally-{k}", t(f"card.{k}", lang), f"{figures[k]:,}", note, t(f"card.{k}.def", lang), when,
                      f"#def-{k}") for k in TALLY]
        days = ctx.headline_days()
        cumulative = days["rumours"].series(area_code(area)) if "rumours" in days else pd.Series(dtype="int64")
        return cards, charts.weekly_new(cumulative.loc[:as_of], t("tally.weekly", lang))
