"""The app factory and the server: one Dash app over an injected store."""
from __future__ import annotations

import dash

from intake import api
from pages import (admin, alerts, checkpoints, community, corrections, export, feeds, gate, identity, overview,
                   page_scripts, quarantine, search, session, shell, tasks, unmask_review)
from pages.context import AppConfig, AppContext
from pages.i18n import t
from pages.limits import Limits
from pages.warmup import Warmup, serving_state

PAGES = (overview, search, community, export, checkpoints, feeds, alerts, quarantine, tasks, identity, unmask_review,
         corrections, admin)


def create_app(store, config: AppConfig | None = None) -> dash.Dash:
    """The dashboard over `store` (read-only), its pages and callbacks, behind the login gate."""
    config = config or AppConfig()
    ctx = AppContext.create(store, config)
    app = dash.Dash(__name__, assets_folder=str(config.assets_dir), title=t("app.title"),
                    update_title=None, suppress_callback_exceptions=True, serve_locally=True)
    page_scripts.install(app)
    app.server.secret_key = config.secret_key
    app.server.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True,
                             SESSION_COOKIE_SAMESITE="Strict")
    app.server.before_request(session.remember_language)
    app.layout = lambda: shell.layout(PAGES)
    owners = registered(app, None, lambda: shell.register(app, ctx, PAGES))
    for page in PAGES:
        if hasattr(page, "register"):          # pages rendered whole (feeds) have no callbacks
            owners |= registered(app, page, lambda: page.register(app, ctx))
    routes = {prefix: page for page in PAGES for prefix in getattr(page, "ROUTES", ())}   # a page's own URLs
    gate.install(app, ctx.state, owners, shell.roles_of, config.tile_url, routes, {p.PATH for p in PAGES})
    app.server.wsgi_app = app.server.extensions["limits"] = Limits(app.server.wsgi_app, ctx.state, gate.COOKIE)
    app.server.config["MAX_CONTENT_LENGTH"] = Limits.MAX_BODY          # bodies sent without a length, too
    api.register(app.server, ctx)
    app.server.extensions["callback_pages"] = owners       # for the authorisation tests
    app.server.extensions["context"] = ctx
    ctx.warmup = Warmup(ctx, PAGES)
    ctx.warmup.watch(app.server)
    app.server.before_request(ctx.warmup.check)
    app.server.add_url_rule("/ready", "ready", lambda: serving_state(ctx))
    ctx.warmup.check()
    return app


def registered(app, page, register) -> dict:
    """{callback key: page} for the callbacks `register()` adds to `app` (page None: the shell's)."""
    before = set(app.callback_map)
    register()
    return {key: page for key in set(app.callback_map) - before}


def serve(store, host: str = "127.0.0.1", port: int = 8050, threads: int | None = None, sock=None) -> None:
    """Serve the dashboard with the production server (waitress, gzip, cached static files): never Flask's
    development server. Threads: `threads`, else WUZHOU_THREADS, else 8; `sock`: a listening socket shared
    with other worker processes (pages/workers.py) instead of binding host and port."""
    from pages.production import serve_production, threads_from_env

    serve_production(create_app(store, AppConfig.from_env()), host=host, port=port,
                     threads=threads or threads_from_env(), sock=sock)
