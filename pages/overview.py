"""态势总览 Situation overview (leadership): headline cards, the drill-down map, daily counts, the funnel with
its leaks, ranked communities, and an as-of date that can replay day by day.

Drill-down: a dcc.Store holds the path of codes clicked so far ([] city -> [district] -> [district,
township]); the map shows the children of the last code. The path is only a wish: every callback narrows
the session's scope to it with `session.within`, so a forged path shows nothing outside the jurisdiction.

The loop on the map (metrics "alerts" and "risk", the alert and case point layers, the funnel's leaks) comes
from pages/loop_map.py, counted per place: no name, id, phone or address reaches the overview.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, Patch, State, dcc, html

from layers import alerts as alert_layer
from layers import areas as area_layer
from layers import charts, points
from layers import risk as risk_layer
from layers.basemap import base_layers, bounds_of, fit, map_layout
from layers.classes import METHODS, classify
from loop import alerts, risk
from pages import community, corrections, definitions, freshness, session, tally, tasks, view
from pages.components import card, chart, map_graph, section
from pages.context import day, day_index
from pages.i18n import t
from pages.loop_map import (POINT_LEVELS, alerts_table, case_rows, counted, funnel_leaks, inside, loop_as_of,
                            metric_values, places, risk_counts, risk_scores)
from queries.dashboard import LEVELS, METRICS
from queries.figures import DAILY_FIGURES

PATH, NAME, NAV = "/", "overview", "nav.overview"
BRIEFING = "/briefing.pdf"                 # the one-page briefing of the view (pages/briefing.py)
ROUTES = (BRIEFING,)
ROLES = ("leadership", "police", "analyst")
MAP_METRICS = (*METRICS, "alerts", "risk")
POINT_LAYERS = ("checkpoints", "sites", "alerts", "cases_imported", "cases_local")   # data[1:] of the map, in order
DATED_LAYERS = ("alerts", "cases_imported", "cases_local")                           # these change with the date
SHOWN_LAYERS = ("checkpoints", "sites")                                               # at first
LABELS = 1 + len(POINT_LAYERS)                                                        # data[LABELS]: area names
LABEL_SIZE = {"districts": 15, "townships": 13, "communities": 11}
UNITS = {"abroad": "people", "entered_14d": "people", "entered": "people", "in_quarantine": "people",
         "checkpoint_volume": "checks", "alerts": "alerts", "risk": "communities"}
CARDS = ("abroad", "entered", "arrived", "measures", "in_quarantine", "released", "vehicles", "persons")


def as_of_day(ctx, value) -> dt.date:
    """The as-of slider's day (context.day), kept inside the period whatever the browser sends."""
    return ctx.period().clamp(day(value))


def slider_marks(period) -> dict[int, str]:
    """The slider's marks: the first and last day, and the first of at most 6 months between."""
    firsts = [d for d in period.dates() if d.day == 1 and period.start < d < period.end]
    shown = [period.start, *firsts[::-(-len(firsts) // 6) or 1], period.end]
    return {day_index(d): d.strftime("%m-%d" if period.days <= 366 else "%Y-%m-%d") for d in shown}


# ------------------------------------------------------------------------------------------ map data
def point_level(path: list[str]) -> str:
    """Where the alert and case layers count: by township on the city map (a few dozen points, not hundreds,
    over the districts), by community once drilled into a district."""
    return POINT_LEVELS[min(len(path), 1)]


def risk_labels(lang: str) -> dict[str, str]:
    return {**{f"level.{lv}": t(f"risk.level.{lv}", lang) for lv in risk.LEVELS},
            **{f"factor.{f}": t(f"risk.factor.{f}", lang) for f in risk.FACTORS},
            "none": t("risk.none", lang), "score": t("risk.score", lang)}


def home_path(scope) -> list[str]:
    """Where the caller's map starts: their own district or township, else the city."""
    return [c for c in (scope.district_code, scope.township_code) if c]


def own(path: list[str]) -> tuple[str, str]:
    """(level, code) of the area the path ends in: ('all', 'all') for the caller's whole scope."""
    return (LEVELS[len(path) - 1], path[-1]) if path else ("all", "all")


@dataclass
class MapData:
    level: str
    areas: pd.DataFrame
    props: dict           # choropleth properties
    legend: list          # (colour, span or class, number of areas) per class
    unplaced: int         # counted in the current area but in none of its sub-areas (rows without their code)
    note: str | None = None


def areas_in(ctx, scope, level: str, path: list[str]) -> pd.DataFrame:
    """The areas of `level` in the caller's scope under the area the path ends in (codes nest by prefix)."""
    areas = ctx.query("areas", scope, level=level)
    return areas[areas["code"].str.startswith(path[-1])] if path else areas


def map_data(ctx, scope, path: list[str], metric: str, as_of, method: str, lang: str) -> MapData:
    """The children of the last code on `path`, coloured by `metric`. Values come from the caller's scope's
    tables (an area's value only depends on its own rows); the parent's own value tells what is unplaced.
    Risk: communities in their level's colours, larger areas by how many of their communities are at medium or
    high risk (what leadership counts: 中高风险), classed like any count."""
    level = LEVELS[len(path)]
    areas = areas_in(ctx, scope, level, path)
    codes, names = areas["code"].tolist(), areas["name"].tolist()
    if metric == "risk":
        scores, labels = risk_scores(ctx, scope, as_of), risk_labels(lang)
        if level == "communities":
            props = risk_layer.choropleth_props(codes, names, scores, labels)
            return MapData(level, areas, props, risk_layer.legend(props["z"], labels), 0,
                           t("legend.risk.communities", lang))
        medium, high = risk_counts(scores, level, codes)
        classes = classify(medium + high, method)
        notes = [f"{labels['level.high']} {h:,} · {labels['level.medium']} {m:,}" for m, h in zip(medium, high)]
        props = area_layer.choropleth_props(codes, names, medium + high, classes, t("metric.risk.areas", lang),
                                            notes)
        return MapData(level, areas, props, classes.legend(), 0, t("legend.risk.areas", lang))
    values = metric_values(ctx, scope, level, metric, as_of, codes)
    parent_level, parent = own(path)
    total = int(metric_values(ctx, scope, parent_level, metric, as_of, [parent])[0])
    classes = classify(values, method)
    props = area_layer.choropleth_props(codes, names, values, classes, t(f"metric.{metric}", lang))
    return MapData(level, areas, props, classes.legend(), total - int(values.sum()),
                   t("legend.alerts", lang) if metric == "alerts" else None)


def static_traces(ctx, scope, path, lang, shown) -> list:
    """Checkpoints and quarantine sites inside the current area, named on hover (they only change with the
    area, so a date change never has to send them)."""
    end = ctx.period().end
    cps = inside(ctx.checkpoint_totals(scope, end), path)
    sites = inside(ctx.query("quarantine_sites", scope, as_of=end), path)
    labels = (t("layer.checkpoints", lang), t("checkpoints.vehicles", lang), t("checkpoints.persons", lang))
    return [points.checkpoints(cps, labels, visible="checkpoints" in shown, volumes=False).to_plotly_json(),
            points.quarantine_sites(sites, t("layer.sites", lang), visible="sites" in shown,
                                    occupancy=False).to_plotly_json()]


def dated_traces(ctx, scope, path, lang, shown, as_of, only=DATED_LAYERS) -> dict:
    """The layers `only` of DATED_LAYERS inside the current area as of `as_of`: alerts (counted_alerts) and
    confirmed cases (imported, local), counted per township or community (point_level): place, kind, latest
    date and count only — never a person. {layer: trace}"""
    level, latest = point_level(path), t("points.latest", lang)
    where, column = places(ctx, scope, level), f"place_{level}"
    traces = {}
    if "alerts" in only:
        listed = loop_as_of(inside(counted(ctx, scope), path), as_of)
        kinds = {k: t(f"alerts.kind.{k}", lang) for k in alerts.KINDS}
        traces["alerts"] = alert_layer.place_points(listed, where, kinds, t("layer.alerts", lang), latest,
                                                    visible="alerts" in shown, at=listed[column])
    cases = [kind for kind in risk_layer.CASE_COLOURS if f"cases_{kind}" in only]
    if cases:
        rows = loop_as_of(inside(case_rows(ctx, scope), path), as_of)
        for kind in cases:
            name = f"cases_{kind}"
            traces[name] = risk_layer.case_points(rows, where, kind, t(f"layer.{name}", lang), latest,
                                                  visible=name in shown, at=rows[column])
    return traces


def point_traces(ctx, scope, path, lang, shown, as_of) -> list:
    """Every point layer of the map (POINT_LAYERS, in order) as plain trace dicts, those in `shown` visible; a
    hidden dated layer goes empty (nothing computed or sent until it is shown: showing it resends the layers)."""
    dated = dated_traces(ctx, scope, path, lang, shown, as_of, only=[n for n in DATED_LAYERS if n in shown])
    empty = {name: {"type": "scattermap", "lon": [], "lat": [], "visible": False, "name": t(f"layer.{name}", lang)}
             for name in DATED_LAYERS}
    return [*static_traces(ctx, scope, path, lang, shown), *(dated.get(name, empty[name]) for name in DATED_LAYERS)]


def community_headline(ctx, scope, code: str, as_of) -> dict:
    """The headline figures of one community of `scope` (the cards once a community is picked): its rows of the
    day-by-day figures (queries/headline_days.sql), and the checks at its checkpoints up to `as_of`."""
    tables = ctx.headline_days()
    figures = {f: int(tables[f].on(as_of, [code])[0]) if f in tables else 0 for f in DAILY_FIGURES}
    mine = ctx.query("checkpoints", scope)
    days = ctx.checkpoint_days(scope)
    rows = days[days["checkpoint_id"].isin(mine.loc[mine["community_code"] == code, "checkpoint_id"])
                & (pd.to_datetime(days["day"]) <= pd.Timestamp(as_of))]
    return {**figures, "checkpoint_vehicles": int(rows["vehicles"].sum()),
            "checkpoint_persons": int(rows["persons"].sum())}


def picked_of(scope, drill: dict) -> str | None:
    """The community picked on the map, when it lies in the caller's scope."""
    selected = drill.get("selected")
    return selected if selected and session.within(scope, selected) is not None else None


def area_figures(ctx, area_scope, picked: str | None, as_of) -> dict:
    """The cards' figures: of the picked community, else of the area `area_scope` is narrowed to."""
    return community_headline(ctx, area_scope, picked, as_of) if picked else ctx.headline(area_scope, as_of)


def daily_frame(ctx, scope, path: list[str], as_of) -> pd.DataFrame:
    """The daily chart's rows (day, and charts.SERIES) of the area the path ends in, up to `as_of`."""
    level, code = own(path)
    series = pd.DataFrame({key: ctx.metric(scope, level, key).series(code) for key in charts.SERIES})
    return series.loc[:as_of].rename_axis("day").reset_index()


def clicked_area(ctx, scope, path: list[str], point: dict) -> str | None:
    """The area a map click means: the area itself (curve 0), or for a marker of a point layer (curves 1..)
    the area of the current level under the marker, so that markers over an area never swallow a drill."""
    if point.get("curveNumber") == 0:
        return point.get("location")
    if point.get("lon") is None or point.get("lat") is None:
        return None
    level = LEVELS[len(path)]
    found = ctx.cache.get(("overview.shapes", scope, level, tuple(path)),
                          lambda _conn: area_layer.shapes(areas_in(ctx, scope, level, path)))
    return area_layer.area_at(found, point["lon"], point["lat"])


def name_labels(ctx, scope, path: list[str]) -> dict:
    """The names of the areas shown (the children of the last code on the path), drawn on the map."""
    level = LEVELS[len(path)]
    found = places(ctx, scope, level)
    keep = [i for i, code in enumerate(found["code"]) if code.startswith(path[-1] if path else "")]
    return area_layer.labels({k: v[keep] for k, v in found.items()}, LABEL_SIZE[level])


def outlines(ctx, path: list[str]) -> list[str]:
    """The coarser levels' outlines (whole city) around the shown areas: the neighbours of a district, of a
    township."""
    return [geojson_url(ctx, level) for level in LEVELS[:len(path)]]


def area_names(ctx, scope, path: list[str], selected: str | None, lang: str) -> list[str]:
    """The names from the city down to the area the path ends in (and the picked community)."""
    names = [t("scope.city", lang)]
    for depth, code in enumerate([*path, *([selected] if selected else [])]):
        found = ctx.query("areas", scope, level=LEVELS[depth])
        names.append(dict(zip(found["code"], found["name"])).get(code, code))
    return names


def opens_community(scope) -> bool:
    """Whether the caller's role may open the neighbourhood page: leaders are never shown links to it."""
    return scope.role in community.ROLES


def number(value) -> str:
    """A count as 1,234; a score as 12.5."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def geojson_url(ctx, level: str) -> str:
    return dash.get_asset_url(f"geo/{level}.geojson") + f"?v={ctx.store.version()}"


def caption(metric: str, level: str, as_of, lang: str) -> html.Div:
    """What a legend or ranking shows: the metric, its unit and the date."""
    unit = "score" if metric == "risk" and level == "communities" else UNITS[metric]
    return html.Div(t("caption", lang, metric=t(f"metric.{metric}", lang), unit=t(f"unit.{unit}", lang),
                      date=as_of.isoformat()), className="caption")


def legend(data: MapData, lang, metric: str, as_of) -> list:
    rows = [html.Li([html.Span(className="swatch", style={"background": colour}), html.Span(span),
                     html.Span(f"({n})", className="muted")]) for colour, span, n in data.legend]
    note = [html.Div(data.note, className="muted", id="ov-legend-note")] if data.note else []
    unplaced = [html.Div(t("unplaced", lang, n=data.unplaced), className="muted", id="ov-unplaced")] \
        if data.unplaced else []
    return [html.H4(t("legend", lang)), caption(metric, data.level, as_of, lang), *note, html.Ul(rows, className="legend-list"), *unplaced]


def map_figure(ctx, scope, path, metric, as_of, method, shown, lang):
    """The full map figure (first render) and its legend."""
    data = map_data(ctx, scope, path, metric, as_of, method, lang)
    trace = area_layer.choropleth(geojson_url(ctx, data.level), data.props)
    layout = map_layout(fit(bounds_of(data.areas["wkb"])), ctx.config.tile_url, revision="/".join(path),
                        outlines=outlines(ctx, path))
    figure = {"data": [trace, *point_traces(ctx, scope, path, lang, shown, as_of), name_labels(ctx, scope, path)],
              "layout": layout}
    return figure, legend(data, lang, metric, as_of)


def warm(ctx, scope) -> None:
    """What the overview shows first and on a metric switch, drill-down or replay (pages/warmup.py): the area
    lists, every metric at every level (the loop's alerts too), every day's cards, the feeds' freshness, the
    cases, the latest day's risk. The other days' risk is scored once someone looks at the risk map: scoring
    every day for every jurisdiction at each snapshot was most of the warm-up (2 s of 3 per scope at scale 1)."""
    ctx.headline_days()
    for level in LEVELS:
        ctx.query("areas", scope, level=level)
    for level in ("all", *LEVELS):
        for metric in METRICS:
            ctx.metric(scope, level, metric)
    latest = ctx.period().latest
    ctx.headline(scope, latest)
    ctx.query("feed_status", scope, now=None)           # the freshness stamp
    for level in ("all", *LEVELS):
        alerts_table(ctx, scope, level)                 # the "alerts" metric, as the others
    case_rows(ctx, scope)
    risk_scores(ctx, scope, latest, fill=False)


# ------------------------------------------------------------------------------------------ layout
def view_of(ctx, scope, query: dict) -> view.View:
    """The view the address asks for (pages/view.py), else the caller's home area, people abroad, the latest day,
    checkpoints and sites, quantile classes."""
    period = ctx.period()
    default = view.View(home_path(scope), None, "abroad", period.latest, SHOWN_LAYERS, "quantile")

    def known(code: str) -> bool:
        depth = {6: 0, 9: 1}.get(len(code), 2)
        return code in set(ctx.query("areas", scope, level=LEVELS[depth])["code"])
    return view.read(query, scope, home_path(scope), period, MAP_METRICS, POINT_LAYERS, METHODS, default, known)


def layout(ctx, lang: str, query: dict) -> html.Div:
    scope = session.current_scope()
    ctx.warm(scope)
    shown = view_of(ctx, scope, query)
    path = shown.path
    period = ctx.period()
    figure, legend_rows = map_figure(ctx, scope, path, shown.metric, shown.as_of, shown.classes, shown.layers, lang)
    return html.Div([
        dcc.Store(id="ov-drill", data={"path": path, "selected": shown.selected}),
        dcc.Interval(id="ov-tick", interval=900, disabled=True),
        html.Div([
            html.Button(t("play", lang), id="ov-play", className="button", **{"data-pause": t("pause", lang),
                                                                             "data-play": t("play", lang)}),
            html.Div(dcc.Slider(id="ov-day", min=day_index(period.start), max=day_index(period.end), step=1,
                                value=day_index(shown.as_of),
                                marks=slider_marks(period), allow_direct_input=False, updatemode="mouseup"),
                     className="slider"),
            html.Div([t("as_of", lang), " ", html.Strong(shown.as_of.isoformat(), id="ov-day-label")],
                     className="asof"),
            html.A(t("briefing", lang), id="ov-briefing", className="button", target="_blank",
                   href=f"{BRIEFING}?{urlencode(view.query_of(shown))}", title=t("briefing.def", lang)),
        ], className="timebar"),
        freshness.panel(ctx.query("feed_status", scope, now=None), lang),
        *([tasks.overview_panel(ctx, scope, lang)] if scope.role in tasks.ROLES else []),
        corrections.link(ctx, scope, lang),
        html.Div(id="ov-cards", className="cards"),
        html.Div([
            html.Div([
                html.Div([html.Button(t("up", lang), id="ov-up", className="button small"),
                          html.Span(id="ov-crumbs", className="crumbs"),
                          html.Span(t("drill.hint", lang), className="muted hint"),
                          html.Span(id="ov-open")], className="crumbbar"),
                html.Div(t("generated", lang), id="ov-generated", className="notice", style={"display": "none"}),
                map_graph("ov-map", figure),
            ], className="map-col"),
            html.Div([
                html.Div([html.Label(t("metric", lang)),
                          dcc.RadioItems(id="ov-metric", value=shown.metric, className="radios",
                                         options=[{"label": t(f"metric.{m}", lang), "value": m}
                                                  for m in MAP_METRICS]),
                          html.Label(t("classes", lang)),
                          dcc.RadioItems(id="ov-classes", value=shown.classes, inline=True, className="radios",
                                         options=[{"label": t(f"classes.{m}", lang), "value": m}
                                                  for m in METHODS]),
                          html.Label(t("layers", lang)),
                          dcc.Checklist(id="ov-points", value=list(shown.layers), className="radios",
                                        options=[{"label": t(f"layer.{p}", lang), "value": p}
                                                 for p in POINT_LAYERS]),
                          html.Div(t("points.def", lang), className="muted")],
                         className="panel controls"),
                html.Div(legend_rows, id="ov-legend", className="panel legend"),
                section(t("ranked", lang), html.Div(id="ov-ranked")),
            ], className="side-col"),
        ], className="row"),
        html.Div([section(t("chart.daily", lang), chart("ov-daily"), className="panel grow"),
                  section(t("funnel", lang), chart("ov-funnel"), html.Div(t("funnel.def", lang), className="muted"),
                          html.Div(t("funnel.leaks.def", lang), className="muted"),
                          className="panel funnel")], className="row"),
        tally.block(lang),
        definitions.panel((*CARDS, *tally.TALLY), lang),
    ], className="overview")


# ------------------------------------------------------------------------------------------ callbacks
def register(app, ctx) -> None:
    from pages import briefing          # it draws what this page shows (imports this module)

    tally.register(app, ctx, as_of_day)
    briefing.register(app, ctx)

    @app.callback(Output("ov-map", "figure"), Output("ov-legend", "children"),
                  Input("ov-drill", "data"), Input("ov-metric", "value"), Input("ov-day", "value"),
                  Input("ov-classes", "value"), Input("ov-points", "value"), prevent_initial_call=True)
    def recolour(drill, metric, day_value, method, shown):
        """Patch only what changed: colours and values; the area set and view when drilling; point layers when
        drilling or toggling, and the shown dated ones (alerts, cases) when the date moves."""
        lang, scope = session.language(), session.current_scope()
        path, as_of, shown = drill["path"], as_of_day(ctx, day_value), shown or []
        if session.within(scope, path[-1] if path else None) is None or metric not in MAP_METRICS:
            return dash.no_update, dash.no_update
        data = map_data(ctx, scope, path, metric, as_of, method, lang)
        patch = Patch()
        for key, value in data.props.items():
            patch["data"][0][key] = value
        trigger = dash.ctx.triggered_id
        if trigger == "ov-drill":
            patch["data"][0]["geojson"] = geojson_url(ctx, data.level)
            patch["layout"]["map"].update(fit(bounds_of(data.areas["wkb"])))
            patch["layout"]["map"]["layers"] = base_layers(ctx.config.tile_url, outlines(ctx, path))
            patch["layout"]["uirevision"] = "/".join(path)
            patch["data"][LABELS] = name_labels(ctx, scope, path)
        if trigger in ("ov-drill", "ov-points"):
            for i, trace in enumerate(point_traces(ctx, scope, path, lang, shown, as_of), start=1):
                patch["data"][i] = trace
        elif trigger == "ov-day":
            moved = [name for name in DATED_LAYERS if name in shown]
            for name, trace in dated_traces(ctx, scope, path, lang, shown, as_of, only=moved).items():
                patch["data"][1 + POINT_LAYERS.index(name)] = trace
        return patch, legend(data, lang, metric, as_of)

    @app.callback(Output("ov-drill", "data"), Input("ov-map", "clickData"), Input("ov-up", "n_clicks"),
                  State("ov-drill", "data"), prevent_initial_call=True)
    def drill(click, _up, state):
        """Down on a click on an area (child of the current one), up with the button; never above home."""
        scope = session.current_scope()
        path = list(state["path"])
        if dash.ctx.triggered_id == "ov-up":
            return {"path": path[:-1] if len(path) > len(home_path(scope)) else path, "selected": None}
        code = clicked_area(ctx, scope, path, (click or {}).get("points", [{}])[0])
        parent = path[-1] if path else ""
        if not code or not code.startswith(parent) or session.within(scope, code) is None:
            return dash.no_update
        if len(path) < len(LEVELS) - 1:
            return {"path": path + [code], "selected": None}
        return {"path": path, "selected": code}

    @app.callback(Output("ov-crumbs", "children"), Output("ov-up", "disabled"), Output("ov-generated", "style"),
                  Output("ov-open", "children"), Input("ov-drill", "data"))
    def crumbs(drill):
        lang, scope = session.language(), session.current_scope()
        path, selected = drill["path"], drill.get("selected")
        names = area_names(ctx, scope, path, selected, lang)
        generated = bool(areas_in(ctx, scope, LEVELS[len(path)], path)["generated"].any())
        opens = [html.A(t("drill.open", lang), href=f"/community?code={selected}", className="open-link")] \
            if selected and opens_community(scope) else []
        return (" › ".join(names), len(path) <= len(home_path(scope)),
                {"display": "block" if generated else "none"}, opens)

    @app.callback(Output("ov-cards", "children"), Output("ov-funnel", "figure"),
                  Input("ov-day", "value"), Input("ov-drill", "data"))
    def cards(day_value, drill):
        """The headline figures for the current area and day (queries.figures.headline); the funnel with the
        people who missed each stage's deadline (leaks, from the cached loop rows)."""
        lang, as_of, scope = session.language(), as_of_day(ctx, day_value), session.current_scope()
        path = drill["path"]
        area_scope = session.within(scope, (path or [None])[-1])
        if area_scope is None:
            return html.Div(t("outside_scope", lang), className="notice"), {}
        picked = picked_of(scope, drill)
        h = area_figures(ctx, area_scope, picked, as_of)
        when = f"{t('as_of', lang)} {as_of.isoformat()}"
        details = {"abroad": t("card.abroad.split", lang, passport=h["abroad_passport"], permit=h["abroad_permit"]),
                   "in_quarantine": t("card.in_quarantine.split", lang, hotel=h["in_quarantine_hotel"],
                                      home=h["in_quarantine_home"])}
        values = {**h, "vehicles": h["checkpoint_vehicles"], "persons": h["checkpoint_persons"]}
        row = [card(f"card-{k}", t(f"card.{k}", lang), f"{values[k]:,}", details.get(k, ""),
                    t(f"card.{k}.def", lang), when, f"#def-{k}") for k in CARDS]
        stages = [(t("funnel.abroad", lang), h["abroad"]), (t("funnel.entered", lang), h["entered"]),
                  (t("funnel.arrived", lang), h["arrived"]),
                  (t("funnel.quarantined", lang), h["in_quarantine"] + h["released"]),
                  (t("funnel.released", lang), h["released"])]
        leaks = funnel_leaks(ctx, scope, path + [picked] if picked else path, as_of)
        return row, alert_layer.funnel_with_leaks(stages, leaks, lambda n: t("funnel.leaks", lang, n=n))

    @app.callback(Output("ov-daily", "figure"), Input("ov-day", "value"), Input("ov-drill", "data"))
    def daily(day_value, drill):
        """New entries per day (with their 7-day average), entries cumulative, people abroad and in quarantine
        up to the as-of day (the last point = the cards), one panel each, from the caller's scope's tables: the
        row of the current area."""
        lang, scope = session.language(), session.current_scope()
        path = drill["path"]
        if session.within(scope, path[-1] if path else None) is None:
            return {}
        as_of, period = as_of_day(ctx, day_value), ctx.period()
        shown = daily_frame(ctx, scope, path, as_of)
        labels = {**{k: t(f"panel.{k}", lang) for k in charts.PANEL_LABELS if k != "as_of"}, "as_of": t("as_of", lang)}
        return charts.daily_panels(shown, as_of, (period.start, period.end), labels)

    @app.callback(Output("ov-ranked", "children"), Input("ov-drill", "data"), Input("ov-metric", "value"),
                  Input("ov-day", "value"))
    def ranked(drill, metric, day_value):
        """The communities of the current area with the highest value of the metric."""
        lang, scope = session.language(), session.current_scope()
        path = drill["path"]
        if session.within(scope, path[-1] if path else None) is None or metric not in MAP_METRICS:
            return []
        areas, as_of = areas_in(ctx, scope, "communities", path), as_of_day(ctx, day_value)
        values = metric_values(ctx, scope, "communities", metric, as_of, areas["code"])
        top = areas[["code", "name"]].assign(value=values)
        top = top[top["value"] > 0].nlargest(10, "value")
        if top.empty:
            return [caption(metric, "communities", as_of, lang), html.Div(t("ranked.empty", lang), className="muted")]
        peak, linked = top["value"].max(), opens_community(scope)
        return [caption(metric, "communities", as_of, lang), html.Ol([
            html.Li([dcc.Link(n, href=f"/community?code={c}") if linked else html.Span(n),
                     html.Span(number(v), className="num"),
                     html.Div(className="bar", style={"width": f"{100 * v / peak:.0f}%"})])
            for c, n, v in zip(top["code"], top["name"], top["value"])], className="ranked")]

    app.clientside_callback(
        view.SYNC % BRIEFING,
        Output("lang-zh", "href", allow_duplicate=True), Output("lang-en", "href", allow_duplicate=True),
        Output("ov-briefing", "href"),
        Input("ov-drill", "data"), Input("ov-metric", "value"), Input("ov-day", "value"), Input("ov-points", "value"),
        Input("ov-classes", "value"), prevent_initial_call="initial_duplicate")

    app.clientside_callback(
        """function(day) {
            const d = new Date((day || 0) * 86400000);
            return d.toISOString().slice(0, 10);
        }""",
        Output("ov-day-label", "children"), Input("ov-day", "value"))

    app.clientside_callback(
        """function(clicks, ticks, day, disabled, min, max) {
            const button = document.getElementById('ov-play');
            const trigger = dash_clientside.callback_context.triggered_id;
            if (trigger === 'ov-play') {
                const play = disabled;
                const start = play && day >= max ? min : day;
                return [start, !play, play ? button.dataset.pause : button.dataset.play];
            }
            if (day >= max) { return [day, true, button.dataset.play]; }
            return [day + 1, false, dash_clientside.no_update];
        }""",
        Output("ov-day", "value"), Output("ov-tick", "disabled"), Output("ov-play", "children"),
        Input("ov-play", "n_clicks"), Input("ov-tick", "n_intervals"),
        State("ov-day", "value"), State("ov-tick", "disabled"), State("ov-day", "min"), State("ov-day", "max"),
        prevent_initial_call=True)
