"""The shell around every page: header with title, navigation and language switch, and the router."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import Input, Output, dcc, html

from pages import session
from pages.i18n import LANGUAGES, t


def layout(pages) -> html.Div:
    """The app's layout, in the session's language (Dash calls this on every page load)."""
    lang = session.language()
    nav = [dcc.Link(t(p.NAV, lang), href=p.PATH, id=f"nav-{p.NAME}", className="nav-link") for p in pages]
    switch = [html.A(t(f"lang.{code}", lang), id=f"lang-{code}", href=f"?lang={code}",
                     className="lang-link" + (" active" if code == lang else "")) for code in LANGUAGES]
    return html.Div([
        dcc.Location(id="url"),
        html.Header([
            html.Div([html.H1(t("app.title", lang), id="app-title")], className="brand"),
            html.Nav(nav, className="nav"),
            html.Div(switch, className="lang", id="lang-switch"),
        ], className="header"),
        html.Main(id="page", className="page"),
    ], lang=lang, className="shell")


def register(app, ctx, pages) -> None:
    """The router: render the page for the URL, mark its nav link, keep the language links on this page."""
    by_path = {p.PATH: p for p in pages}

    @app.callback(Output("page", "children"), *[Output(f"nav-{p.NAME}", "className") for p in pages],
                  *[Output(f"lang-{code}", "href") for code in LANGUAGES],
                  Input("url", "pathname"), Input("url", "search"))
    def route(pathname, search):
        lang = session.language()
        query = dict(parse_qsl((search or "").lstrip("?")))
        query.pop("lang", None)
        page = by_path.get(pathname or "/")
        body = page.layout(ctx, lang, query) if page else html.H2(t("page.missing", lang))
        classes = ["nav-link active" if p is page else "nav-link" for p in pages]
        hrefs = [f"{pathname or '/'}?{urlencode({**query, 'lang': code})}" for code in LANGUAGES]
        return body, *classes, *hrefs
