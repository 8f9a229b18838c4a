"""plotly.js for the pages, started early and, once `make` has built it, the project's own smaller build.

A cold first load spends most of its script time evaluating plotly.js (4.8 MB, about 1.4 s on these machines).
bundle/ builds plotly.js with only the trace types layers/ draws (3.1 MB), served at the address where Dash's
graphs look for plotly.js. The page's head asks for it with `<script async>`, so it downloads and runs while
Dash fetches its layout and first callbacks, instead of after them (dcc.Graph uses `window.Plotly` when it is
already there). Without a build, Dash's full plotly.js is served as before.
"""
from __future__ import annotations

import logging
from pathlib import Path

import flask

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "bundle" / "dist" / "plotly-wuzhou.min.js"
DASH_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"     # where dcc.Graph loads it from

log = logging.getLogger(__name__)


def install(app, built: Path = BUILT) -> None:
    """Start plotly.js from the page's head; serve the build at Dash's address when there is one."""
    url = app.config.requests_pathname_prefix + DASH_PATH
    app.index_string = app.index_string.replace(
        "{%css%}", f'{{%css%}}\n        <script async src="{url}"></script>', 1)
    if not built.exists():
        log.warning("%s is not built (run `make`): serving Dash's full plotly.js", built.relative_to(ROOT))
        return

    def serve():            # revalidated by its ETag: the production middleware answers If-None-Match
        return flask.send_file(built, mimetype="text/javascript", max_age=0, conditional=False)
    app.server.add_url_rule(app.config.routes_pathname_prefix + DASH_PATH, "plotly_js", serve)
