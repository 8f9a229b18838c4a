"""预警处置 Alerts: every return alert, leak (stage deadline missed) and fever as of a date, with its workflow
state; counts by state and age; bulk assign / acknowledge / close / reopen; a map of the alerts over the
communities coloured by risk with imported and local cases; the selected person's plan and the alert's history.

Alerts are the scoped query's rows (loop.alerts.collect, scope applied in SQL); the workflow only ever acts on
ids in that list, for the session's user — never on ids the browser sends otherwise. The list pages on the server
(AG Grid infinite row model): the browser holds only the blocks it shows, cut from the cached alerts.
"""
from __future__ import annotations

import datetime as dt

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from layers import alerts as alert_layer
from layers import risk as risk_layer
from layers.basemap import bounds_of, fit, map_layout
from loop import alerts, plans, risk, workflow
from pages import loop_map, session
from pages.components import (column, date_picker, dropdown, grid_block, map_graph, paged_grid, purge_on, section,
                              sorted_by)
from pages.context import as_date
from pages.i18n import label_or_code, t
from pages.people import records

PATH, NAME, NAV = "/alerts", "alerts", "nav.alerts"
ROLES = ("police", "analyst")
GRID_COLUMNS = ("kind", "state", "name", "community", "raised_at", "reported_at", "age_days", "detail", "assignee",
                "alert_id")
ACTING_ROLES = ("police",)                 # analysts see alerts (masked) but do not act on them
MAP_LAYERS = ("alerts", "risk", "cases_imported", "cases_local")
OPEN_STATES = ["open", "assigned", "acknowledged"]          # what the list shows at first


# ------------------------------------------------------------------------------------------ data
def stated_alerts(ctx, scope) -> pd.DataFrame:
    """The period's alerts of the scope (loop_map.period_alerts, computed once per snapshot) with their workflow
    state: cached per snapshot and workflow step (any step on any alert makes it anew). Read-only."""
    return ctx.cache.get(("alerts.stated", scope, loop_map.deadlines(), workflow.version(ctx.state)),
                         lambda _conn: alerts.stated(loop_map.period_alerts(ctx, scope), ctx.state))


def scoped_alerts(ctx, scope, as_of: dt.date) -> pd.DataFrame:
    """Every alert the scope may see up to the end of `as_of` (loop.alerts.collect as of that day), with its
    workflow state and age: cut from stated_alerts, cached per snapshot and workflow step. Shared between
    callers: read-only."""
    def compute(_conn):
        rows = loop_map.loop_as_of(stated_alerts(ctx, scope), as_of)
        return alerts.aged(rows.drop(columns="shown_day").reset_index(drop=True), as_of)
    return ctx.cache.get(("alerts", scope, as_of, loop_map.deadlines(), workflow.version(ctx.state)), compute)


def batch_plans(ctx, scope, as_of: dt.date) -> pd.DataFrame:
    """loop.plans.batch_plans as of `as_of`, cut from the period's (one query per snapshot)."""
    return plans.batches_as_of(plans.batch_plans(ctx.query, scope, ctx.period().end), as_of)


def risk_scores(ctx, scope, as_of: dt.date, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """loop.risk scores per community for `scope` as of `as_of` (frame: scoped_alerts rows, computed if None);
    the overview can colour its community level with layers.risk.choropleth and these."""
    frame = scoped_alerts(ctx, scope, as_of) if frame is None else frame
    return risk.score(risk.inputs(ctx.query, scope, as_of, fever=loop_map.deadlines().fever_celsius), frame, as_of)


def listed(frame: pd.DataFrame, kinds, states) -> pd.DataFrame:
    """The alerts of `frame` of the chosen kinds and states (none chosen: any)."""
    keep = pd.Series(True, index=frame.index)
    for col, chosen in (("kind", kinds), ("state", states)):
        chosen = [c for c in chosen if isinstance(c, str)] if isinstance(chosen, list) else []
        if chosen:
            keep &= frame[col].isin(chosen)
    return frame[keep]


def ordered(frame: pd.DataFrame, sort_model) -> pd.DataFrame:
    """Alerts (as raised: oldest first) sorted as the grid asks, on the values (codes, times, days) rather than
    their text; newest first when unsorted and among equals."""
    return sorted_by(frame.iloc[::-1], sort_model, GRID_COLUMNS)


def filters_of(as_of: dt.date, kinds, states, version) -> dict:
    """What the grid lists (al-filters): its rows callback reads it, and a change makes the grid ask again."""
    return {"as_of": as_of.isoformat(), "kinds": kinds or [], "states": states or [], "version": version or 0}


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["kind"] = [label_or_code("alerts.kind", k, lang) for k in out["kind"]]
    out["state"] = [label_or_code("alerts.state", s, lang) for s in out["state"]]
    for col in [c for c in ("raised_at", "reported_at") if c in out]:
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d %H:%M")
    out["detail"] = out["detail"].astype(object).where(out["detail"].notna(), "")
    return out


# ------------------------------------------------------------------------------------------ components
def outcome_message(outcome: workflow.Outcome, lang: str) -> str:
    """How many steps were taken and, for those refused, why — in the UI's language."""
    message = [t("alerts.done", lang, n=len(outcome.done))]
    if outcome.refused:
        message.append(t("alerts.refused", lang, n=len(outcome.refused),
                         why="; ".join(t(f"alerts.why.{w}", lang) for w in sorted(set(outcome.refused.values())))))
    return " ".join(message)


def counts_table(frame: pd.DataFrame, lang: str) -> html.Table:
    table = alerts.counts(frame)
    head = [html.Th("")] + [html.Th(t(f"alerts.age.{c}", lang)) for c in table.columns]
    rows = [html.Tr([html.Th(t(f"alerts.state.{s}", lang))] +
                    [html.Td(f"{int(v):,}", className="num") for v in table.loc[s]], id=f"al-count-{s}")
            for s in table.index]
    return html.Table([html.Thead(html.Tr(head)), html.Tbody(rows)], className="counts-table", id="al-counts-table")


def plan_card(plan: dict | None, batch: dict | None, lang: str) -> html.Div:
    """One plan per person (and the plan of the batch the person arrived with), for any page that shows a
    person: the drill-down can call this with loop.plans.person_plan(...) and a plans_batches row."""
    if plan is None:
        return html.Div(t("plan.none", lang), className="muted")

    def when(v):
        return "—" if v is None else str(v)[:16]

    home = " · ".join(x for x in (plan.get("home_district"), plan.get("home_township"), plan.get("community")) if x)
    now = " · ".join(x for x in (plan.get("current_place"), plan.get("current_district")) if x)
    facts = [
        (t("plan.home", lang), home or "—"),
        (t("plan.now", lang), now or t("relation.home", lang)),
        (t("plan.entry", lang), " · ".join(x for x in (when(plan["entry_date"])[:10], plan["port"], plan["country"])
                                           if x and x != "—") or "—"),
        (t("plan.arrival", lang), " · ".join(x for x in (when(plan["arrived_at"]), plan["arrival_place"],
                                                         plan["carrier_no"]) if x and x != "—") or "—"),
        (t("plan.transfer", lang), " · ".join(x for x in (when(plan["transfer_at"]), plan["transfer_from"],
                                                          plan["vehicle"], plan["destination"]) if x and x != "—")
         or "—"),
        (t("plan.team", lang), plan["team"] or "—"),
        (t("plan.quarantine", lang), " · ".join(x for x in (label_or_code("kind", plan["quarantine_kind"], lang),
                                                            plan["quarantine_site"], when(plan["quarantine_start"]))
                                                if x and x != "—") or "—"),
        (t("plan.release_due", lang), when(plan["release_due"])[:10]),
        (t("plan.next", lang), label_or_code("plan.next", plan["next_step"], lang)
                               + (f" · {when(plan['next_due'])}" if plan["next_due"] is not None else "")),
    ]
    person = html.Div([html.H4(f"{t('plan.person', lang)} · {plan['name'] or ''}"),
                       html.Dl([i for k, v in facts for i in (html.Dt(k), html.Dd(v))], className="facts")])
    if batch is None:
        group = html.Div(t("plan.batch.none", lang), className="muted")
    else:
        group = html.Div([html.H4(f"{t('plan.batch', lang)} · {batch['carrier_no']} {str(batch['day'])[:10]}"),
                          html.Dl([i for k, v in (
                              (t("col.place", lang), batch["place"]), (t("col.people", lang), f"{batch['people']}"),
                              (t("col.quarantined", lang), f"{batch['quarantined']}"),
                              (t("col.vehicles_used", lang), batch["vehicles"] or "—"),
                              (t("col.destinations", lang), batch["destinations"] or "—"),
                              (t("col.teams", lang), batch["teams"] or "—"))
                              for i in (html.Dt(k), html.Dd(v))], className="facts")])
    return html.Div([person, group], className="plan", id="al-plan-card")


def person_plan_panel(ctx, scope, person_id: int, as_of: dt.date, lang: str, batches=None) -> html.Div:
    """The plan card of one person (and of the batch they arrived with, from the batches of the scope
    `batches`, default `scope`) for `scope` as of `as_of`; the neighbourhood drill-down shows it beside the
    person card."""
    plan = plans.person_plan(ctx.query, scope, int(person_id), as_of, loop_map.deadlines(), ctx.transfers.moved())
    batch = None
    if plan and plan.get("batch_id"):
        period = plans.batch_plans(ctx.query, batches or scope, ctx.period().end)
        found = plans.batches_as_of(period[period["batch_id"] == plan["batch_id"]], as_of)   # its row only
        batch = found.iloc[0].to_dict() if len(found) else None
    return plan_card(plan, batch, lang)


def history_list(steps: list[dict], lang: str) -> list:
    if not steps:
        return [html.Div(t("alerts.history.none", lang), className="muted")]
    return [html.Ol([html.Li([
        html.Span(dt.datetime.fromtimestamp(s["at"]).strftime("%Y-%m-%d %H:%M"), className="when"),
        html.Strong(t(f"alerts.action.{s['action']}", lang)),
        html.Span(f"{s['username']} · {label_or_code('alerts.state', s['from_state'], lang)} → "
                  f"{label_or_code('alerts.state', s['to_state'], lang)}"),
        html.Span(" · ".join(x for x in (s["assignee"], label_or_code("alerts.reason", s["reason"], lang)
                                          if s["reason"] else None, s["note"]) if x), className="muted"),
    ]) for s in steps], className="timeline")]


def alerts_figure(ctx, scope, frame: pd.DataFrame, listed: pd.DataFrame, as_of: dt.date, shown, lang: str) -> dict:
    """Communities coloured by risk from all alerts in `frame` (reasons on hover), the `listed` alerts by kind,
    imported and local cases."""
    communities = ctx.query("areas", scope, level="communities")
    scores = risk_scores(ctx, scope, as_of, frame)
    labels = {**{f"level.{lv}": t(f"risk.level.{lv}", lang) for lv in risk.LEVELS},
              **{f"factor.{f}": t(f"risk.factor.{f}", lang) for f in risk.FACTORS},
              "none": t("risk.none", lang), "score": t("risk.score", lang)}
    url = dash.get_asset_url("geo/communities.geojson") + f"?v={ctx.store.version()}"
    kinds = {k: t(f"alerts.kind.{k}", lang) for k in alerts.KINDS}
    states = {s: t(f"alerts.state.{s}", lang) for s in workflow.STATES}
    cases = ctx.query("risk_cases", scope, as_of=as_of)
    imported, local = risk_layer.cases(cases, {"imported": t("layer.cases_imported", lang),
                                               "local": t("layer.cases_local", lang)})
    imported.visible, local.visible = "cases_imported" in shown, "cases_local" in shown
    traces = [risk_layer.choropleth(url, communities, scores, labels, visible="risk" in shown), imported, local,
              *alert_layer.points(listed, kinds, states, visible="alerts" in shown)]
    districts = ctx.query("areas", scope, level="districts")
    view = fit(bounds_of(districts["wkb"])) if len(districts) else {}
    return {"data": traces, "layout": map_layout(view, ctx.config.tile_url, revision="alerts")}


# ------------------------------------------------------------------------------------------ layout
def multi_dropdown(dropdown_id: str, options: list[dict], lang: str, value: list) -> dcc.Dropdown:
    """A multi-select dropdown whose own texts (also select all, selected count) speak `lang`."""
    keys = ("search", "clear_search", "clear_selection", "no_options_found")
    labels = {**{k: t(f"dropdown.{k}", lang) for k in keys},
              **{k: t(f"alerts.dropdown.{k}", lang) for k in ("select_all", "deselect_all", "selected_count")}}
    return dcc.Dropdown(id=dropdown_id, options=options, labels=labels, multi=True, value=value,
                        placeholder=t("any", lang), className="grow")


def layout(ctx, lang: str, query: dict) -> html.Div:
    columns = [column(c, lang) for c in GRID_COLUMNS]
    columns[GRID_COLUMNS.index("age_days")]["type"] = "numericColumn"
    kind_options = [{"label": t(f"alerts.kind.{k}", lang), "value": k} for k in alerts.KINDS]
    state_options = [{"label": t(f"alerts.state.{s}", lang), "value": s} for s in workflow.STATES]
    return html.Div([
        dcc.Store(id="al-version", data=0),
        dcc.Store(id="al-filters", data=filters_of(ctx.period().latest, [], OPEN_STATES, 0)), dcc.Store(id="al-purged"),
        html.Div([
            html.Label(t("as_of", lang)), date_picker("al-date", ctx.period()),
            html.Label(t("alerts.filters", lang)),
            multi_dropdown("al-kinds", kind_options, lang, value=[]),
            multi_dropdown("al-states", state_options, lang, value=OPEN_STATES),
        ], className="toolbar"),
        html.Div(t("alerts.generated_note", lang), className="muted"),
        html.Div([
            html.Div([
                map_graph("al-map", {}, height="56vh"),
                dcc.Checklist(id="al-layers", value=list(MAP_LAYERS), inline=True, className="radios",
                              options=[{"label": t(f"layer.{m}", lang), "value": m} for m in MAP_LAYERS]),
                html.Div(t("risk.def", lang), className="muted"),
            ], className="map-col"),
            html.Div([
                section(t("alerts.by_state_age", lang), html.Div(id="al-counts")),
                section(t("alerts.actions", lang),
                        dcc.Input(id="al-assignee", type="text", placeholder=t("alerts.assignee", lang),
                                  className="input"),
                        dropdown("al-reason", [{"label": t(f"alerts.reason.{r}", lang), "value": r}
                                               for r in workflow.CLOSE_REASONS], lang,
                                 placeholder=t("alerts.reason", lang)),
                        dcc.Input(id="al-note", type="text", placeholder=t("alerts.note", lang), className="input"),
                        html.Div([html.Button(t(f"alerts.action.{a}", lang), id=f"al-{a}", className="button small")
                                  for a in workflow.ACTIONS], className="buttons"),
                        html.Div(id="al-status", className="muted")),
            ], className="side-col"),
        ], className="row"),
        section(t("alerts.list", lang), html.Div(id="al-count", className="muted"),
                paged_grid("al-grid", columns, getRowId="params.data.alert_id", style={"height": "52vh"},
                           dashGridOptions={"rowSelection": {"mode": "multiRow", "headerCheckbox": False}})),
        html.Div([
            section(t("alerts.plan", lang), html.Div(t("alerts.plan.pick", lang), id="al-plan"),
                    className="panel grow"),
            section(t("alerts.history", lang), html.Div(id="al-history"), className="panel"),
        ], className="row"),
    ], className="alerts")


# ------------------------------------------------------------------------------------------ callbacks
def register(app, ctx) -> None:
    @app.callback(Output("al-counts", "children"), Output("al-map", "figure"), Output("al-count", "children"),
                  Output("al-filters", "data"), Output("al-grid", "selectedRows"),
                  Input("al-date", "date"), Input("al-kinds", "value"), Input("al-states", "value"),
                  Input("al-layers", "value"), Input("al-version", "data"),
                  State("al-filters", "data"), State("al-grid", "selectedRows"))
    def show(date, kinds, states, shown, version, current, selected):
        """Counts, map and count of the listed alerts. Each listing (the page's first, other filters, a workflow
        step; not a map layer switched) is audited once; a new one goes to al-filters, from which the grid asks for
        its blocks (`rows`), and selected alerts it no longer lists are unselected."""
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        frame = scoped_alerts(ctx, scope, as_of)
        chosen = listed(frame, kinds, states)
        filters = filters_of(as_of, kinds, states, version)
        if set(dash.ctx.triggered_prop_ids) != {"al-layers.value"}:
            session.audit(ctx.state, "people.list", "alerts",
                          {"as_of": as_of, "kinds": filters["kinds"], "states": filters["states"], "rows": len(chosen)})
        new, kept = dash.no_update, dash.no_update
        if filters != current:
            ids = set(chosen["alert_id"])
            new, still = filters, [r for r in selected or [] if isinstance(r, dict) and r.get("alert_id") in ids]
            kept = still if len(still) != len(selected or []) else dash.no_update
        figure = alerts_figure(ctx, scope, frame, chosen, as_of, shown or [], lang)
        return (counts_table(frame, lang), figure, t("alerts.count", lang, n=len(chosen), total=len(frame)),
                new, kept)

    purge_on(app, "al-grid", "al-filters", "al-purged")

    @app.callback(Output("al-grid", "getRowsResponse"), Input("al-grid", "getRowsRequest"),
                  State("al-filters", "data"))
    def rows(request, filters):
        """One block of the listed alerts (scope from the session, the filters from al-filters), sorted as the grid
        asks, with how many there are; each block served is audited (session.served)."""
        if not isinstance(request, dict) or not isinstance(filters, dict):
            return {"rowData": [], "rowCount": 0}
        lang, scope = session.language(), session.current_scope()
        frame = listed(scoped_alerts(ctx, scope, as_date(filters.get("as_of"), ctx.period())), filters.get("kinds"),
                       filters.get("states"))
        return session.served(ctx.state, "alerts", filters, request, grid_block(
            ordered(frame, request.get("sortModel")), request,
            lambda block: records(readable(block[["person_id", *GRID_COLUMNS]], lang))))

    @app.callback(Output("al-status", "children"), Output("al-version", "data"),
                  *[Input(f"al-{a}", "n_clicks") for a in workflow.ACTIONS],
                  State("al-grid", "selectedRows"), State("al-assignee", "value"), State("al-reason", "value"),
                  State("al-note", "value"), State("al-date", "date"), State("al-version", "data"),
                  prevent_initial_call=True)
    def act(*args):
        selected, assignee, reason, note, date, version = args[len(workflow.ACTIONS):]
        lang, scope = session.language(), session.current_scope()
        action = (dash.ctx.triggered_id or "").removeprefix("al-")
        if action not in workflow.ACTIONS:
            return dash.no_update, dash.no_update
        if scope.role not in ACTING_ROLES:
            return t("alerts.not_allowed", lang), dash.no_update
        ids = [r.get("alert_id") for r in (selected or []) if isinstance(r, dict)]
        if not ids:
            return t("alerts.pick", lang), dash.no_update
        visible = set(scoped_alerts(ctx, scope, as_date(date, ctx.period()))["alert_id"])
        try:
            outcome = workflow.act(ctx.state, session.author(), ids, action, assignee=assignee,
                                   reason=reason, note=note, visible=visible)
        except workflow.WorkflowError as exc:
            return t(f"alerts.error.{exc.code}", lang), dash.no_update
        return outcome_message(outcome, lang), (version or 0) + 1

    @app.callback(Output("al-plan", "children"), Output("al-history", "children"),
                  Input("al-grid", "selectedRows"), Input("al-version", "data"), State("al-date", "date"))
    def show_plan(selected, _version, date):
        lang, scope, as_of = session.language(), session.current_scope(), as_date(date, ctx.period())
        if not selected or not isinstance(selected[-1], dict):
            return t("alerts.plan.pick", lang), []
        alert_id = selected[-1].get("alert_id")
        frame = scoped_alerts(ctx, scope, as_of)
        match = frame[frame["alert_id"] == alert_id]
        if match.empty:                                   # not an alert this user may see
            return t("plan.none", lang), []
        person_id = int(match["person_id"].iloc[0])
        session.audit(ctx.state, "person.view", str(person_id), {"alert": alert_id})
        return (person_plan_panel(ctx, scope, person_id, as_of, lang),
                history_list(workflow.history(ctx.state, alert_id), lang))


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): the report day's alerts with their states, and its risk."""
    risk_scores(ctx, scope, ctx.period().latest)
