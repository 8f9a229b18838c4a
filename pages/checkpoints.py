"""检测站 Checkpoints: the joint checkpoints on a map sized by volume, checks per checkpoint per day, totals."""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, html

from layers import areas as area_layer
from layers import charts, points
from layers.basemap import bounds_of, fit, map_layout
from pages import session
from pages.components import card, chart, column, date_picker, grid, map_graph, section
from pages.context import as_date
from pages.i18n import t

PATH, NAME, NAV = "/checkpoints", "checkpoints", "nav.checkpoints"
ROLES = ("leadership", "police", "analyst")
GRID_COLUMNS = ("checkpoint", "road", "district", "vehicles", "persons")


def layout(ctx, lang: str, query: dict) -> html.Div:
    columns = [column(c, lang, **({"type": "numericColumn"} if c in ("vehicles", "persons") else {}))
               for c in GRID_COLUMNS]
    return html.Div([
        html.Div([html.Label(t("as_of", lang)),
                  date_picker("cp-date", ctx.period())],
                 className="toolbar"),
        html.Div(id="cp-cards", className="cards"),
        html.Div([html.Div(map_graph("cp-map", {}, height="56vh"), className="map-col"),
                  section(t("checkpoints.title", lang), grid("cp-grid", columns, rowData=[],
                                                             style={"height": "50vh"}),
                          className="panel side-wide")], className="row"),
        section(t("checkpoints.per_day", lang), chart("cp-days")),
    ], className="checkpoints")


def warm(ctx, scope) -> None:
    """The page's data for any date (pages/warmup.py): the checkpoints, their daily counts, the district map."""
    ctx.checkpoint_totals(scope, ctx.period().latest)
    ctx.query("areas", scope, level="districts")


def register(app, ctx) -> None:
    @app.callback(Output("cp-cards", "children"), Output("cp-map", "figure"), Output("cp-grid", "rowData"),
                  Output("cp-days", "figure"), Input("cp-date", "date"))
    def show(date):
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        totals = ctx.checkpoint_totals(scope, as_of)
        when = f"{t('as_of', lang)} {as_of.isoformat()}"
        detail = t("checkpoints.count", lang, n=len(totals))
        cards = [card(f"cp-card-{k}", t(f"card.{k}", lang), f"{int(totals[k].sum()):,}", detail,
                      t(f"card.{k}.def", lang), when) for k in ("vehicles", "persons")]
        districts = ctx.query("areas", scope, level="districts")
        url = dash.get_asset_url("geo/districts.geojson") + f"?v={ctx.store.version()}"
        labels = (t("layer.checkpoints", lang), t("checkpoints.vehicles", lang), t("checkpoints.persons", lang))
        figure = {"data": [area_layer.outline(url, districts["code"].tolist(), districts["name"].tolist()),
                           points.checkpoints(totals, labels, sized=True)],
                  "layout": map_layout(fit(bounds_of(districts["wkb"])), ctx.config.tile_url)}
        rows = totals.rename(columns={"name": "checkpoint"})[list(GRID_COLUMNS)].to_dict("records")
        days = ctx.checkpoint_days(scope)
        days = days[(days["day"] >= pd.Timestamp(ctx.period().start)) & (days["day"] <= pd.Timestamp(as_of))]
        chart_labels = {k: t(f"checkpoints.{k}", lang) for k in ("vehicles", "persons")}
        return cards, figure, rows, charts.checkpoint_days(days, chart_labels)
