"""身份复核 Identity review: the candidate pairs the matcher did not merge on its own, for analysts (the city) and
police (their jurisdiction: queries/identity_review.sql applies the scope). Each pair side by side with its fields
(masked by the query layer), each field's match weight and the match probability; confirm (merge), reject (keep
apart) or defer; a confirmed merge can be split. Decisions are written through the store's write path (a new
snapshot: every figure computed from persons follows) by ingest/decisions.py and audited; the page acts only on
pairs and merges the caller's scoped query lists, never on ids the browser sends otherwise.
"""
from __future__ import annotations

import json

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from ingest import decisions
from ingest.linkage import COMPARED
from pages import session
from pages.components import column, grid, grid_block, paged_grid, purge_on, section, sorted_by
from pages.i18n import label_or_code, t
from pages.people import records

PATH, NAME, NAV = "/identity", "identity", "nav.identity"
ROLES = ("police", "analyst")
PAIR_COLUMNS = ("score", "name_a", "name_b", "channel", "status")
MERGE_COLUMNS = ("merge_id", "name", "merged_at", "merged_by")
SIDES = ("a", "b")
ONE_ROW = {"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}}
# the rows of a pair's card: the field shown and the model's comparison its weight belongs to
FIELDS = (("name", "name"), ("sex", None), ("birth", "birth"), ("resident_id", "document"), ("docs", "document"),
          ("phone", "phone"), ("community", "address"), ("channel", None))


def pairs(ctx, scope) -> pd.DataFrame:
    """The scope's pairs to decide (queries/identity_review.sql), cached per snapshot."""
    return ctx.query("identity_review", scope)


def merges(ctx, scope) -> pd.DataFrame:
    """The scope's merges that can still be split (queries/identity_merges.sql), cached per snapshot."""
    return ctx.query("identity_merges", scope)


def pair_key(row: dict) -> tuple[int, int, int]:
    return int(row["batch_id"]), int(row["line"]), int(row["person_b"])


def find_pair(ctx, scope, key) -> dict | None:
    """The scope's pair (batch_id, line, candidate) as listed, or None when the scope does not list it."""
    frame = pairs(ctx, scope)
    try:
        batch_id, line, candidate = (int(v) for v in key)
    except (TypeError, ValueError):
        return None
    hit = frame[(frame["batch_id"] == batch_id) & (frame["line"] == line) & (frame["person_b"] == candidate)]
    return records(hit)[0] if len(hit) else None


def apply(ctx, scope, key, decision: str) -> str:
    """Confirm, reject or defer the scope's pair `key` through the store's write path; audited. Returns the
    i18n key of the outcome."""
    pair = find_pair(ctx, scope, key)
    if pair is None:
        session.audit(ctx.state, f"identity.{decision}", str(key), None, "refused")
        return "identity.not_listed"
    detail = {"batch_id": pair["batch_id"], "line": pair["line"], "person": pair["person_a"],
              "candidate": pair["person_b"], "probability": pair["score"]}
    try:
        with ctx.store.writer(lists_changed_persons=True) as conn:
            merge_id = decisions.decide(conn, pair_key(pair), decision, session.author())
    except decisions.DecisionError as exc:
        session.audit(ctx.state, f"identity.{decision}", str(pair["person_a"]), {**detail, "error": str(exc)},
                      "refused")
        return "identity.stale"
    session.audit(ctx.state, f"identity.{decision}", str(pair["person_a"]), {**detail, "merge_id": merge_id})
    return f"identity.done.{decision}"


def split(ctx, scope, merge_id) -> str:
    """Undo one of the scope's merges through the store's write path; audited. Returns the outcome's i18n key."""
    frame = merges(ctx, scope)
    if not isinstance(merge_id, int) or merge_id not in set(frame["merge_id"]):
        session.audit(ctx.state, "identity.split", str(merge_id), None, "refused")
        return "identity.not_listed"
    try:
        with ctx.store.writer(lists_changed_persons=True) as conn:
            kept, merged = decisions.split(conn, merge_id, session.author())
    except decisions.DecisionError as exc:
        session.audit(ctx.state, "identity.split", str(merge_id), {"error": str(exc)}, "refused")
        return "identity.stale"
    session.audit(ctx.state, "identity.split", str(merged), {"merge_id": merge_id, "kept": kept})
    return "identity.done.split"


# ------------------------------------------------------------------------------------------ components
def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["score"] = [f"{s:.3f}" for s in out["score"]]
    out["channel"] = [label_or_code("channel", c, lang) for c in out["channel"]]
    out["status"] = [t(f"identity.status.{s}", lang) for s in out["status"]]
    return out


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The pairs with the key a grid row carries (pair_key's values, ':'-joined)."""
    return frame.assign(key=[f"{b}:{ln}:{c}" for b, ln, c in zip(frame["batch_id"], frame["line"], frame["person_b"])])


def weight_cell(weights: dict, comparison: str | None) -> html.Td:
    if comparison is None or comparison not in weights:
        return html.Td("", className="num")
    value = weights[comparison]
    return html.Td(f"{value:+.1f}", className="num " + ("agree" if value > 0 else "disagree"),
                   id=f"id-weight-{comparison}")


def pair_card(pair: dict, lang: str) -> html.Div:
    """The pair side by side: one row per field, both persons' values and the field's match weight."""
    weights = json.loads(pair["weights"]) if pair.get("weights") else {}
    seen: set[str] = set()
    rows = []
    for field, comparison in FIELDS:
        shown = comparison if comparison not in seen else None    # a comparison's weight once, on its first row
        seen.add(comparison)
        values = [pair.get(f"{field}_{s}") for s in SIDES]
        if field == "channel":
            values = [label_or_code("channel", v, lang) for v in values]
        rows.append(html.Tr([html.Th(t(f"identity.field.{field}", lang)),
                             *[html.Td("" if v is None else str(v)) for v in values], weight_cell(weights, shown)]))
    head = html.Tr([html.Th(""), html.Th(t("identity.side.a", lang)), html.Th(t("identity.side.b", lang)),
                    html.Th(t("identity.weight", lang))])
    return html.Div([
        html.Div(t("identity.probability", lang, p=f"{pair['score']:.3f}"), id="id-probability", className="big"),
        html.Table([html.Thead(head), html.Tbody(rows)], className="counts-table", id="id-pair-table"),
        html.Div(t("identity.weight.def", lang) if weights else t("identity.rule", lang, reasons=pair["reasons"]),
                 className="muted"),
    ])


def layout(ctx, lang: str, query: dict) -> html.Div:
    return html.Div([
        dcc.Store(id="id-version", data=0), dcc.Store(id="id-purged"),
        html.Div(t("identity.intro", lang), className="muted"),
        html.Div([
            section(t("identity.pairs", lang), html.Div(id="id-count", className="muted"),
                    paged_grid("id-pairs", [column(c, lang) for c in PAIR_COLUMNS], getRowId="params.data.key",
                               style={"height": "46vh"}, dashGridOptions=ONE_ROW)),
            section(t("identity.pair", lang), html.Div(t("identity.pick", lang), id="id-card", className="muted"),
                    html.Div([html.Button(t(f"identity.action.{d}", lang), id=f"id-{d}", className="button small")
                              for d in decisions.STATUS], className="buttons"),
                    html.Div(id="id-status", className="muted")),
        ], className="row"),
        section(t("identity.merges", lang),
                grid("id-merges", [column(c, lang) for c in MERGE_COLUMNS], getRowId="params.data.merge_id",
                     style={"height": "30vh"}, dashGridOptions=ONE_ROW),
                html.Button(t("identity.action.split", lang), id="id-split", className="button small"),
                html.Div(id="id-split-status", className="muted")),
    ])


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): the scope's pairs and merges (0.3-0.7 s at scale 100)."""
    pairs(ctx, scope)
    merges(ctx, scope)


def register(app, ctx) -> None:
    @app.callback(Output("id-count", "children"), Output("id-merges", "rowData"), Input("id-version", "data"))
    def listing(_version):
        lang, scope = session.language(), session.current_scope()
        frame, done = pairs(ctx, scope), merges(ctx, scope)
        session.audit(ctx.state, "people.rows", "identity_merges", {"rows": len(done)})
        done = done.assign(merged_at=pd.to_datetime(done["merged_at"]).dt.strftime("%Y-%m-%d %H:%M"))
        return t("identity.count", lang, n=len(frame)), records(done[list(MERGE_COLUMNS)])

    purge_on(app, "id-pairs", "id-version", "id-purged")

    @app.callback(Output("id-pairs", "getRowsResponse"), Input("id-pairs", "getRowsRequest"))
    def rows(request):
        """One block of the scope's pairs, sorted as the grid asks (a city's queue at scale 100 is tens of
        thousands of pairs: sent whole it was 14 MB); each block served is audited (session.served)."""
        if not isinstance(request, dict):
            return {"rowData": [], "rowCount": 0}
        lang, scope = session.language(), session.current_scope()
        return session.served(ctx.state, "identity_review", {}, request, grid_block(
            sorted_by(pairs(ctx, scope), request.get("sortModel"), PAIR_COLUMNS), request,
            lambda block: records(keyed(readable(block, lang))[["key", *PAIR_COLUMNS]])))

    @app.callback(Output("id-card", "children"), Input("id-pairs", "selectedRows"))
    def show(selected):
        lang, scope = session.language(), session.current_scope()
        if not selected or not isinstance(selected[-1], dict):
            return t("identity.pick", lang)
        pair = find_pair(ctx, scope, str(selected[-1].get("key", "")).split(":"))
        if pair is None:
            return t("identity.not_listed", lang)
        session.audit(ctx.state, "person.view", f"{pair['person_a']},{pair['person_b']}", {"identity_review": True})
        return pair_card(pair, lang)

    @app.callback(Output("id-status", "children"), Output("id-version", "data"),
                  *[Input(f"id-{d}", "n_clicks") for d in decisions.STATUS],
                  State("id-pairs", "selectedRows"), State("id-version", "data"), prevent_initial_call=True)
    def act(*args):
        selected, version = args[len(decisions.STATUS):]
        lang, scope = session.language(), session.current_scope()
        decision = (dash.ctx.triggered_id or "").removeprefix("id-")
        if decision not in decisions.STATUS:
            return dash.no_update, dash.no_update
        if not selected or not isinstance(selected[-1], dict):
            return t("identity.pick", lang), dash.no_update
        outcome = apply(ctx, scope, str(selected[-1].get("key", "")).split(":"), decision)
        return t(outcome, lang), (version or 0) + 1

    @app.callback(Output("id-split-status", "children"), Output("id-version", "data", allow_duplicate=True),
                  Input("id-split", "n_clicks"), State("id-merges", "selectedRows"), State("id-version", "data"),
                  prevent_initial_call=True)
    def undo(_clicks, selected, version):
        lang, scope = session.language(), session.current_scope()
        if not selected or not isinstance(selected[-1], dict):
            return t("identity.pick_merge", lang), dash.no_update
        return t(split(ctx, scope, selected[-1].get("merge_id")), lang), (version or 0) + 1
