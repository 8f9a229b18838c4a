"""The app factory and the server: one Dash app over an injected store."""
from __future__ import annotations

import dash

from pages import alerts, checkpoints, community, export, feeds, overview, quarantine, session, shell
from pages.context import AppConfig, AppContext
from pages.i18n import t

PAGES = (overview, community, export, checkpoints, feeds, alerts, quarantine)


def create_app(store, config: AppConfig | None = None) -> dash.Dash:
    """The dashboard over `store` (read-only), its pages and callbacks."""
    config = config or AppConfig()
    ctx = AppContext.create(store, config)
    app = dash.Dash(__name__, assets_folder=str(config.assets_dir), title=t("app.title"),
                    update_title=None, suppress_callback_exceptions=True, serve_locally=True)
    app.server.secret_key = config.secret_key
    app.server.before_request(session.remember_language)
    app.layout = lambda: shell.layout(PAGES)
    shell.register(app, ctx, PAGES)
    for page in PAGES:
        if hasattr(page, "register"):          # pages rendered whole (feeds) have no callbacks
            page.register(app, ctx)
    return app


def serve(store, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the dashboard (Flask's server for now; a production WSGI server comes later)."""
    create_app(store, AppConfig.from_env()).run(host=host, port=port, debug=False)
