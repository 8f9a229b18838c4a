"""The scripts a page starts with, made lighter for a cold first load than what Dash sends by default.

- plotly.js: a cold first load spends most of its script time evaluating it (Dash's is 4.8 MB, about 1.4 s on
  these machines). bundle/ builds plotly.js with only the trace types layers/ draws (3.1 MB), served at the
  address where Dash's graphs look for plotly.js. The page's head asks for it with `<script async>`, so it
  downloads and runs while Dash fetches its layout and first callbacks, instead of after them (dcc.Graph uses
  `window.Plotly` when it is already there).
- Babel's polyfill: Dash's renderer loads the whole of it (core-js, 90 KB) before React, for old browsers;
  running it takes 100-250 ms of a cold load here and it swaps native functions for slower ones. Of it, Dash's
  scripts need only the global `regeneratorRuntime` (their compiled async helpers call it); the page loads
  that runtime in the polyfill's place (7 KB, from bundle/), at an address naming its digest, so browsers keep
  it for good (an inline script would need its own hash in the Content-Security-Policy, pages/gate.py).
- AG Grid: its script (1.3 MB) would run on every page's first load, about 100 ms here, though only the
  neighbourhood, export, alerts and quarantine pages show a grid. A small stand-in (bundle/grid-on-demand.js)
  takes its place and fetches it when the first grid mounts.

Without a build (`make`), Dash's own scripts are served as they are.
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import flask
from dash.fingerprint import build_fingerprint

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "bundle" / "dist"
BUILT = DIST / "plotly-wuzhou.min.js"
RUNTIME = DIST / "regenerator-runtime.min.js"
GRID = DIST / "grid-on-demand.min.js"
DASH_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"     # where dcc.Graph loads it from
OWN_PATH = "_dash-component-suites/wuzhou/"                                 # our other scripts, fingerprinted
POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')
AG_GRID = re.compile(r'<script src="([^"]*/dash_ag_grid/dash_ag_grid\.[^"]*js)"></script>')

log = logging.getLogger(__name__)


def install(app) -> None:
    """Start plotly.js from the page's head, serving the build at Dash's address; load the regenerator runtime
    in the polyfill's place and the grid's stand-in in the grid's, when they are built."""
    url = app.config.requests_pathname_prefix + DASH_PATH
    app.index_string = app.index_string.replace(
        "{%css%}", f'{{%css%}}\n        <script async src="{url}"></script>', 1)
    if not all(f.exists() for f in (BUILT, RUNTIME, GRID)):
        log.warning("bundle/dist is not built (run `make`): serving Dash's own scripts")
        return

    def serve():            # revalidated by its ETag: the production middleware answers If-None-Match
        return flask.send_file(BUILT, mimetype="text/javascript", max_age=0, conditional=False)
    app.server.add_url_rule(app.config.routes_pathname_prefix + DASH_PATH, "plotly_js", serve)

    runtime = f'<script src="{served(app, RUNTIME)}"></script>'
    stand_in = f'<script src="{served(app, GRID)}" data-grid="\\1"></script>'       # \1: the grid's own address
    index = app.interpolate_index

    def lighter(**parts):
        scripts = POLYFILL.sub(lambda _: runtime, parts["scripts"], count=1)
        parts["scripts"] = AG_GRID.sub(stand_in, scripts, count=1)
        return index(**parts)
    app.interpolate_index = lighter


def served(app, built: Path) -> str:
    """Serve a built script at an address naming its digest (so browsers keep it for a year); that address."""
    body = built.read_bytes()
    path = build_fingerprint(OWN_PATH + built.name, "1", hashlib.sha256(body).hexdigest()[:16])
    app.server.add_url_rule(app.config.routes_pathname_prefix + path, built.name,
                            lambda: flask.Response(body, mimetype="text/javascript"))
    return app.config.requests_pathname_prefix + path
