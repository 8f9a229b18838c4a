"""The shell around every page: header with title, the pages the user's role may open, who is logged in with
a logout button, the language switch, and the router."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import Input, Output, dcc, html

from pages import session
from pages.i18n import LANGUAGES, t


def roles_of(page) -> tuple[str, ...]:
    """The roles that may open `page` and fire its callbacks (each page module says, in ROLES)."""
    return page.ROLES


def allowed(pages, role: str) -> list:
    return [p for p in pages if role in roles_of(p)]


def nav_links(pages, active, lang: str) -> list:
    """Links to the pages that have a NAV label (a page without one is reached from another page's link)."""
    return [dcc.Link(t(p.NAV, lang), href=p.PATH, id=f"nav-{p.NAME}",
                     className="nav-link active" if p is active else "nav-link") for p in pages if p.NAV]


def lang_class(code: str, lang: str) -> str:
    return "lang-link" + (" active" if code == lang else "")


def who_text(user, lang: str) -> str:
    return f"{user.display_name} · {t(f'role.{user.role}', lang)}" if user else ""


def layout(pages) -> html.Div:
    """The app's layout, in the session's language (Dash calls this on every page load)."""
    lang, user = session.language(), session.current_user()
    role = user.role if user else None
    switch = [dcc.Link(t(f"lang.{code}", lang), id=f"lang-{code}", href=f"?lang={code}",
                       className=lang_class(code, lang)) for code in LANGUAGES]
    who = html.Form([
        html.Span(who_text(user, lang), id="who", className="who"),
        html.Button(t("logout", lang), id="logout", type="submit", className="link-button"),
    ], action="/logout", method="POST", className="account")
    return html.Div([
        dcc.Location(id="url"),
        html.Header([
            html.Div([html.H1(t("app.title", lang), id="app-title")], className="brand"),
            html.Nav(nav_links(allowed(pages, role), None, lang), id="nav", className="nav"),
            html.Div(switch, className="lang", id="lang-switch"),
            who,
        ], className="header"),
        html.Main(id="page", className="page"),
    ], lang=lang, className="shell", **{"data-map-label": t("plotly.Map", lang),         # assets/map_labels.js
                                        "data-attribution-label": t("plotly.Toggle attribution", lang)})


def register(app, ctx, pages) -> None:
    """The router: render the page for the URL if the user's role may open it (the home path opens the role's
    first page), mark its nav link, keep the language links on this page. The language links navigate inside
    the page (no reload): a `lang` in the address is remembered here, and the header is relabelled."""
    by_path = {p.PATH: p for p in pages}

    @app.callback(Output("page", "children"), Output("nav", "children"),
                  *[Output(f"lang-{code}", "href") for code in LANGUAGES],
                  *[Output(f"lang-{code}", "className") for code in LANGUAGES],
                  Output("app-title", "children"), Output("who", "children"), Output("logout", "children"),
                  Input("url", "pathname"), Input("url", "search"))
    def route(pathname, search):
        query = dict(parse_qsl((search or "").lstrip("?")))
        session.remember_language(query.pop("lang", None))
        lang, role = session.language(), session.current_scope().role
        mine = allowed(pages, role)
        page = by_path.get(pathname or "/")
        if (pathname or "/") == "/" and page not in mine and mine:
            page = mine[0]
        if page is None:
            body = html.H2(t("page.missing", lang))
        elif page not in mine:
            body = html.H2(t("page.forbidden", lang), id="forbidden")
        else:
            body = page.layout(ctx, lang, query)
        hrefs = [f"{pathname or '/'}?{urlencode({**query, 'lang': code})}" for code in LANGUAGES]
        return (body, nav_links(mine, page, lang), *hrefs, *[lang_class(code, lang) for code in LANGUAGES],
                t("app.title", lang), who_text(session.current_user(), lang), t("logout", lang))
