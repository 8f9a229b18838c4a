"""人员查找 Search (police: their jurisdiction; analysts: the whole city): one box finds people by name (characters
or pinyin, in part), the last digits of an ID, phone or document, a flight or train (with its date), an address or
a community; the results show stage, community, address and household, masked, and open the person card (journey,
plan, household, unmask for police). Every search is audited as a list of people served; every card opened as
a person view. Matching, scope and masks are the query layer's (queries/person_search.py)."""
from __future__ import annotations

from dash import Input, Output, State, dcc, html

from pages import household, session, unmask_panel
from pages.community import person_view, unmasked_view
from pages.components import column, grid, section
from pages.context import as_date
from pages.i18n import t
from pages.people import readable, records
from queries.person_search import LIMIT, search
from queries.runner import run
from queries.search_terms import SearchError, parse

PATH, NAME, NAV = "/search", "search", "nav.search"
EXAMPLES = ("陈子轩", "chenzx", "9420", "D3626 03-19", "新兴一路", "新兴社区")     # what is typed: the same in every language
ROLES = ("police", "analyst")
GRID_COLUMNS = ("name", "stage", "community", "district", "address", "household", "quarantine_site", "matched",
                "detail", "resident_id", "phone")


def layout(ctx, lang: str, query: dict) -> html.Div:
    police = session.current_scope().role == "police"
    period = ctx.period()
    return html.Div([
        html.Div([
            dcc.Input(id="sr-text", type="search", value=query.get("q", ""), debounce=True, maxLength=100,
                      placeholder=t("search.placeholder", lang), className="grow search-box", autoFocus=True),
            dcc.DatePickerSingle(id="sr-date", date=None, min_date_allowed=period.start, max_date_allowed=period.end,
                                 initial_visible_month=period.latest, display_format="YYYY-MM-DD",
                                 month_format="YYYY-MM", first_day_of_week=1, clearable=True,
                                 placeholder=t("search.date", lang)),
            html.Button(t("search.button", lang), id="sr-go", className="button"),
        ], className="toolbar"),
        html.Div([t("search.help", lang), " ", *[html.Code(e, className="example") for e in EXAMPLES], " ",
                  t("search.audited", lang)], className="muted"),
        section(t("search.results", lang), html.Div(id="sr-count", className="muted", role="status"),
                grid("sr-grid", [column(c, lang) for c in GRID_COLUMNS], rowData=[],
                     dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                       "enableClickSelection": True}},
                     style={"height": "40vh"}),
                className="panel"),
        html.Div([
            section(t("person.card", lang),
                    *([unmask_panel.panel("sr", lang)] if police else []),
                    html.Div(t("search.pick", lang), id="sr-person"), html.Div(id="sr-plan"),
                    className="panel grow"),
        ], className="row"),
    ], className="search")


def found(ctx, scope, text, date):
    """(the people of `scope` the text finds as of the period's latest day, None) or (None, the i18n key of why
    the text cannot be searched); kept per snapshot for the masked scope (the card checks a pick against it)."""
    period = ctx.period()
    day = as_date(date, period) if date else None
    found_in = ctx.search_index()
    try:
        terms = parse(text, period.latest.year, found_in.pinyin, day)
    except SearchError as error:
        return None, str(error)
    key = ("search", scope, terms, period.latest)
    return ctx.searches.get(key, lambda conn: search(lambda name, s, **p: run(conn, name, s, **p), scope, terms,
                                                     found_in, period.latest)), None


def warm(ctx, _scope) -> None:
    """The snapshot's search index (pages/warmup.py): seconds at scale 100, built before the first search."""
    ctx.search_index()


def register(app, ctx) -> None:
    @app.callback(Output("sr-grid", "rowData"), Output("sr-count", "children"),
                  Input("sr-go", "n_clicks"), Input("sr-text", "value"), Input("sr-date", "date"))
    def show_results(_clicks, text, date):
        lang, scope = session.language(), session.current_scope()
        if not (text or "").strip():
            return [], t("search.empty", lang)
        people, why = found(ctx, scope, text, date)
        if people is None:
            return [], t(why, lang)
        shown = household.with_homes(ctx, scope, people, lang)
        rows = records(readable(shown[["person_id", "community_code", *GRID_COLUMNS]], lang))
        for row in rows:
            row["matched"] = ", ".join(t(f"search.by.{m}", lang) for m in (row["matched"] or "").split(", ") if m)
        total = int(people["found"].iloc[0]) if len(people) else 0
        session.served(ctx.state, "search", {"text": text, "date": date}, {"startRow": 0},
                       {"rowData": rows, "rowCount": total})
        return rows, t("search.count", lang, n=total) + (t("search.more", lang, n=LIMIT) if total > LIMIT else "")

    @app.callback(Output("sr-person", "children"), Output("sr-plan", "children"),
                  Input("sr-grid", "selectedRows"), State("sr-text", "value"), State("sr-date", "date"))
    def show_person(selected, text, date):
        lang = session.language()
        picked = _picked(ctx, selected, text, date)
        if picked is None:
            return t("search.pick", lang), []
        scope, person_id, rows = picked
        session.audit(ctx.state, "person.view", str(person_id), {"search": text})
        return person_view(ctx, scope, person_id, rows, None, lang)

    def pick(selected, text, date):
        picked = _picked(ctx, selected, text, date)
        return None if picked is None else (*picked, None)

    unmask_panel.register(app, "sr", "sr-person", "sr-plan", [State("sr-grid", "selectedRows"),
                          State("sr-text", "value"), State("sr-date", "date")], pick,
                          lambda *a: unmasked_view(ctx, *a), "search.pick")


def _picked(ctx, selected, text, date):
    """(scope, person id, the person's result row) for the grid's selected row, when the server's own results
    for this search hold that person; None otherwise (a forged id finds nothing)."""
    if not selected or not isinstance(selected[0], dict) or not isinstance(selected[0].get("person_id"), int):
        return None
    scope = session.current_scope()
    if not scope.sees_people:
        return None
    people, _ = found(ctx, scope, text, date)
    if people is None:
        return None
    rows = people[people["person_id"] == selected[0]["person_id"]]
    return (scope, int(rows["person_id"].iloc[0]), rows) if len(rows) else None
