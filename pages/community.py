"""社区研判 Neighbourhood drill-down (police; analysts see it masked): one community's people in the loop on a
map and in a list, a person card with the journey, its sources and the person's plan, unmasking one person with
a stated reason (police, audited), and contact / verification notes (police). Every person view is audited."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from layers import areas as area_layer
from layers import alerts as alert_layer
from layers import points
from layers.basemap import bounds_of, fit, map_layout
from loop import alerts as loop_alerts
from loop import workflow
from pages import alerts, household, loop_map, session, unmask_panel
from pages.components import area_options, column, date_picker, dropdown, grid, map_graph, section
from pages.context import as_date
from pages.i18n import label_or_code, labelled_words, t
from pages.notes import KINDS
from pages.people import loop_people, readable, records

PATH, NAME, NAV = "/community", "community", "nav.community"
ROLES = ("police", "analyst")
NOTE_ROLES = ("police",)
GRID_COLUMNS = ("name", "stage", "household", "days_in_quarantine", "last_temperature", "channels", "resident_id",
                "phone", "address", "doc_type", "country")
CARD_FIELDS = ("name", "resident_id", "phone", "stage", "doc_type", "country", "community")


def default_community(ctx, scope) -> str | None:
    """The community with the most people abroad on the report day (a useful first view)."""
    table = ctx.metric(scope, "communities", "abroad")
    codes = sorted(table.row)
    if not codes:
        return None
    values = table.on(ctx.period().latest, codes)
    return codes[int(values.argmax())]


def layout(ctx, lang: str, query: dict) -> html.Div:
    scope = session.current_scope()
    communities = ctx.query("areas", scope, level="communities")
    code = query.get("code") if query.get("code") in set(communities["code"]) else default_community(ctx, scope)
    columns = [column(c, lang) for c in GRID_COLUMNS]
    police = scope.role == "police"
    return html.Div([
        html.Div([
            html.Label(t("community.pick", lang)),
            dropdown("cm-community", area_options(communities), lang, value=code, clearable=False,
                     className="grow"),
            date_picker("cm-date", ctx.period()),
        ], className="toolbar"),
        html.Div(t("generated", lang), className="notice",
                 style={} if communities["generated"].any() else {"display": "none"}),
        html.Div([
            html.Div(map_graph("cm-map", {}, height="52vh"), className="map-col"),
            section(t("community.people", lang), html.Div(id="cm-count", className="muted"),
                    grid("cm-grid", columns, rowData=[],
                         dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                           "enableClickSelection": True}},
                         style={"height": "46vh"}),
                    className="panel side-wide"),
        ], className="row"),
        html.Div([
            section(t("person.card", lang),
                    *([unmask_panel.panel("cm", lang)] if police else []),
                    html.Div(t("person.pick", lang), id="cm-person"), html.Div(id="cm-plan"),
                    className="panel grow"),
            *([section(t("note.title", lang),
                    dcc.RadioItems(id="cm-note-kind", value="contact", inline=True, className="radios",
                                   options=[{"label": t(f"note.kind.{k}", lang), "value": k} for k in KINDS]),
                    dcc.Textarea(id="cm-note-text", placeholder=t("note.placeholder", lang), className="note-text"),
                    html.Button(t("note.save", lang), id="cm-note-save", className="button"),
                    html.Span(id="cm-note-status", className="muted"),
                    html.Div(id="cm-notes", className="notes"),
                    className="panel notes-panel")] if police else []),
        ], className="row"),
    ], className="community")


def community_figure(ctx, scope, code: str, people, found_alerts, lang: str) -> dict:
    """The community's township for context, the community highlighted, residences coloured by stage, and the
    community's alerts by kind."""
    township_scope = session.within(scope, code[:9]) or scope
    areas = ctx.query("areas", township_scope, level="communities")
    url = dash.get_asset_url("geo/communities.geojson") + f"?v={ctx.store.version()}"
    traces = [area_layer.outline(url, areas["code"].tolist(), areas["name"].tolist(), highlight=code),
              *points.residences(people, {s: t(f"stage.{s}", lang) for s in points.STAGE_COLOURS}),
              *alert_layer.points(found_alerts, {k: t(f"alerts.kind.{k}", lang) for k in loop_alerts.KINDS},
                                  {s: t(f"alerts.state.{s}", lang) for s in workflow.STATES})]
    wkb, mine = areas["wkb"].to_numpy(dtype=object), areas["code"].to_numpy(dtype=object) == code
    x0, y0, x1, y1 = bounds_of(wkb[mine] if mine.any() else wkb)
    pad = max(x1 - x0, y1 - y0) * 0.6                       # some neighbours around the community
    view = fit((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    return {"data": traces, "layout": map_layout(view, ctx.config.tile_url, revision=code)}


def condensed(journey):
    """The journey with its daily temperature checks folded into one step (how many, the last reading)."""
    checks = journey[journey["step"] == "health_check"]
    if len(checks) <= 1:
        return journey
    last = checks.iloc[-1].copy()
    last["detail"] = f"×{len(checks)} · {last['detail']}"
    return pd.concat([journey[journey["step"] != "health_check"], last.to_frame().T]).sort_values("at", kind="stable")


def person_card(rows, journey, lang: str, clear: bool = False) -> list:
    person = readable(rows[list(CARD_FIELDS)], lang).iloc[0]
    facts = [(t(f"col.{k}", lang), person[k]) for k in CARD_FIELDS]
    steps = [html.Li([
        html.Span(str(s.at)[:16], className="when"),
        html.Strong(t(f"step.{s.step}", lang)),
        html.Span(labelled_words(" · ".join(str(v) for v in (s.place, s.detail) if isinstance(v, str)), lang)),
        html.Span(f"{t('person.source', lang)}: {label_or_code('channel', s.channel, lang)}"
                  f" {s.file_name or ''}:{s.line}", className="source"),
    ], className=f"step step-{s.step}") for s in condensed(journey).itertuples()]
    return [html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(v if isinstance(v, str) and v else "—"))],
                    className="facts"),
            html.Div(t("person.clear" if clear else "person.masked", lang), className="muted"),
            html.H4(t("person.journey", lang)), html.Ol(steps, className="timeline")]


def notes_list(notes, lang: str) -> list:
    if not notes:
        return [html.Div(t("note.none", lang), className="muted")]
    return [html.Div([html.Span(n["at"].replace("T", " "), className="when"),
                      html.Strong(t(f"note.kind.{n['kind']}", lang)), html.Span(n["author"], className="muted"),
                      html.P(n["text"])], className="note") for n in notes]


def register(app, ctx) -> None:
    @app.callback(Output("cm-community", "value"), Input("cm-map", "clickData"), prevent_initial_call=True)
    def pick_on_map(click):
        point = (click or {}).get("points", [{}])[0]
        code = point.get("location")
        return code if point.get("curveNumber") == 0 and code else dash.no_update

    @app.callback(Output("cm-map", "figure"), Output("cm-grid", "rowData"), Output("cm-count", "children"),
                  Input("cm-community", "value"), Input("cm-date", "date"))
    def show_community(code, date):
        lang, scope = session.language(), session.current_scope()
        community_scope = session.within(scope, code)
        if not code or community_scope is None:
            return {}, [], t("community.none", lang)
        people = loop_people(ctx, community_scope, as_of=as_date(date, ctx.period()), community=code)
        session.audit(ctx.state, "people.list", code, {"rows": len(people)})
        return (community_figure(ctx, scope, code, people, community_alerts(ctx, scope, code, date), lang),
                records(readable(household.with_homes(ctx, community_scope, people, lang)[["person_id", *GRID_COLUMNS]],
                                 lang)),
                t("community.count", lang, n=len(people)))

    @app.callback(Output("cm-person", "children"), Output("cm-plan", "children"),
                  Input("cm-grid", "selectedRows"), State("cm-community", "value"), State("cm-date", "date"))
    def show_person(selected, code, date):
        lang = session.language()
        found = _person(ctx, selected, code, date)
        if found is None:
            return t("person.pick", lang), []
        scope, person_id, rows = found
        session.audit(ctx.state, "person.view", str(person_id), {"community": code})
        return person_view(ctx, scope, person_id, rows, date, lang)

    def pick(selected, code, date):
        found = _person(ctx, selected, code, date)
        return None if found is None else (*found, date)

    unmask_panel.register(app, "cm", "cm-person", "cm-plan", [State("cm-grid", "selectedRows"),
                          State("cm-community", "value"), State("cm-date", "date")], pick,
                          lambda *a: unmasked_view(ctx, *a), "person.pick")

    @app.callback(Output("cm-notes", "children"), Input("cm-grid", "selectedRows"),
                  State("cm-community", "value"), State("cm-date", "date"))
    def show_notes(selected, code, date):
        found = _person(ctx, selected, code, date, roles=NOTE_ROLES)
        return notes_list(ctx.notes.for_person(found[1]), session.language()) if found else []

    @app.callback(Output("cm-notes", "children", allow_duplicate=True), Output("cm-note-status", "children"),
                  Output("cm-note-text", "value"),
                  Input("cm-note-save", "n_clicks"), State("cm-grid", "selectedRows"), State("cm-community", "value"),
                  State("cm-date", "date"), State("cm-note-kind", "value"), State("cm-note-text", "value"),
                  prevent_initial_call=True)
    def save_note(_clicks, selected, code, date, kind, text):
        lang = session.language()
        found = _person(ctx, selected, code, date, roles=NOTE_ROLES)
        if found is None:
            return dash.no_update, t("person.pick", lang), dash.no_update
        if not (text or "").strip() or kind not in KINDS:
            return dash.no_update, t("note.empty", lang), dash.no_update
        _, person_id, _ = found
        ctx.notes.add(person_id, kind, text, author=session.author())
        return notes_list(ctx.notes.for_person(person_id), lang), t("note.saved", lang), ""


def unmasked_view(ctx, scope, person_id: int, rows, date, purpose, reason, lang: str) -> tuple:
    """(card, plan, reason box, status) after an unmask request: the person in clear and the box emptied, or
    the card left as it is and the refusal on the status line."""
    clear = session.unmasked(ctx.state, scope, person_id, purpose, reason)
    if isinstance(clear, str):
        return dash.no_update, dash.no_update, dash.no_update, unmask_panel.refusal(clear, lang)
    fields = ctx.uncached("person_fields", clear, person=person_id)      # never cached: a person in clear
    if fields.empty:
        return t("person.pick", lang), [], dash.no_update, ""
    rows = rows.assign(**{k: fields[k].iloc[0] for k in ("name", "resident_id", "phone")})
    return *person_view(ctx, clear, person_id, rows, date, lang), "", ""


def community_alerts(ctx, scope, code: str, date):
    """The alerts placed in the community up to the date, with their workflow state (what the map shows), cut
    from the caller's alerts (computed once per snapshot for the caller's scope, whichever community is shown)."""
    rows = alerts.stated_alerts(ctx, scope)
    return loop_map.loop_as_of(rows[rows["community_code"] == code], as_date(date, ctx.period()))


def person_view(ctx, scope, person_id: int, rows, date, lang: str) -> tuple:
    """(person card with the journey and the person's alerts, the person's plan) for `scope` (masked unless it
    carries an unmask). The journey and the alerts carry no name, ID or phone: the masked scope's, cached (an
    unmask reuses what the pick computed). The person's alerts and batch are cut from the caller's per-snapshot
    alerts and batches (warmed), not computed anew for the community's township. The plan is queried in a
    thread of its own (a fresh one per call: a pool's long-lived workers can be lost, and a lost worker would
    leave the request waiting for ever)."""
    as_of = as_date(date, ctx.period())
    caller = replace(session.current_scope(), reveal_person=None)      # per-snapshot frames: the caller's, warm
    with ThreadPoolExecutor(1, thread_name_prefix="person-plan") as beside:   # the plan, beside the journey
        plan = beside.submit(alerts.person_plan_panel, ctx, scope, person_id, as_of, lang, batches=caller)
        journey = ctx.query("person_journey", scope, person=person_id, as_of=as_of, moved=ctx.transfers.moved())
        found = alerts.scoped_alerts(ctx, caller, as_of)
        mine = found[found["person_id"] == person_id]
        listed = [html.Li(f"{str(a.raised_at)[:16]} · {t(f'alerts.kind.{a.kind}', lang)} · "
                          f"{t(f'alerts.state.{a.state}', lang)}") for a in mine.itertuples()]
        return ([*person_card(rows, journey, lang, clear=scope.reveal_person == person_id),
                 *household.card_section(ctx, scope, person_id, lang),
                 html.H4(t("nav.alerts", lang)),
                 html.Ul(listed, className="person-alerts") if listed else html.Div(t("alerts.none", lang),
                                                                                     className="muted")],
                plan.result())


def _person(ctx, selected, code, date, roles=ROLES):
    """(scope, person id, loop_people row) for the grid's selected person, checked against the session's scope:
    only someone in this community's list (as the server computed it) counts; None otherwise, or when the
    caller's role is not one of `roles`."""
    if not selected or not code or not isinstance(selected[0], dict):
        return None
    scope = session.within(session.current_scope(), code)
    person_id = selected[0].get("person_id")
    if scope is None or scope.role not in roles or not isinstance(person_id, int):
        return None
    people = loop_people(ctx, scope, as_of=as_date(date, ctx.period()), community=code)
    rows = people[people["person_id"] == person_id]
    return (scope, person_id, rows) if len(rows) else None


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): the community list and the default community's people on the
    report day (masked, as the grid shows them)."""
    code = default_community(ctx, scope)
    if code is not None:
        loop_people(ctx, session.within(scope, code), as_of=ctx.period().latest, community=code)
