"""The production server (waitress + gzip + cache headers) over the synthetic city, through real HTTP."""
from __future__ import annotations

import gzip
import http.client
import json
import re
import threading
from urllib.parse import urlencode

import pytest

from pages import page_scripts
from pages.production import LONG_CACHE, ProductionMiddleware, accepts_gzip, prime, serve_production

PASSWORD = "Prod-test-2020"


class Http:
    """Plain HTTP/1.1 requests to the server, keeping the cookies it sets (Secure ones too, as a browser does
    on loopback)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        for line in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        conn.close()
        return reply, data


def text(reply, data: bytes) -> str:
    return (gzip.decompress(data) if reply.getheader("Content-Encoding") == "gzip" else data).decode()


@pytest.fixture(scope="module")
def served(app, app_config):
    """(port, logged-in Http) of serve_production running in a thread on a free port."""
    ready, holder = threading.Event(), {}

    def on_ready(server):
        holder["server"] = server
        ready.set()

    thread = threading.Thread(target=serve_production, args=(app,), daemon=True,
                              kwargs={"port": 0, "threads": 4, "on_ready": on_ready})
    thread.start()
    assert ready.wait(30), "server did not start"
    server = holder["server"]
    client = Http(server.effective_port)
    reply, data = client.request("GET", "/login")
    if reply.status == 200 and 'name="password"' in text(reply, data):      # the app has a login: use it
        from auth.state import State
        from auth.users import add_user
        add_user(State(app_config.state_path), "prod_tester", PASSWORD, "leadership")
        reply, _ = client.request("POST", "/login", urlencode({"username": "prod_tester", "password": PASSWORD})
                                  .encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        assert reply.status in (302, 303) and "wz_session" in client.cookies
    yield server.effective_port, client
    server.close()
    thread.join(10)


def test_json_is_gzipped_and_never_stored(served):
    _, client = served
    reply, data = client.request("GET", "/_dash-dependencies")
    assert reply.status == 200
    assert reply.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in reply.getheader("Vary")
    assert int(reply.getheader("Content-Length")) == len(data)
    assert isinstance(json.loads(text(reply, data)), list)
    assert reply.getheader("Cache-Control") == "no-store"


def test_callback_response_is_gzipped(served, app):
    _, client = served
    key = next(k for k in app.callback_map if "page.children" in k)
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in key.strip(".").split("...")]
    body = {"output": key, "outputs": outputs, "changedPropIds": ["url.pathname"], "state": [],
            "inputs": [{"id": "url", "property": "pathname", "value": "/"},
                       {"id": "url", "property": "search", "value": ""}]}
    reply, data = client.request("POST", "/_dash-update-component", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    assert reply.status == 200, data[:300]
    assert reply.getheader("Content-Encoding") == "gzip"
    assert len(data) < len(gzip.decompress(data)) / 3              # the page's JSON compresses well
    assert "ov-map" in text(reply, data)


def test_no_gzip_unless_asked(served):
    _, client = served
    reply, data = client.request("GET", "/_dash-dependencies", headers={"Accept-Encoding": "identity"})
    assert reply.status == 200 and reply.getheader("Content-Encoding") is None
    json.loads(data)


def test_fingerprinted_scripts_are_cached_for_a_year(served):
    _, client = served
    reply, data = client.request("GET", "/")
    assert reply.status == 200
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', text(reply, data))
    renderer = next(s for s in scripts if "dash_renderer" in s)
    reply, data = client.request("GET", renderer)
    assert reply.status == 200
    assert reply.getheader("Cache-Control") == LONG_CACHE
    assert reply.getheader("Content-Encoding") == "gzip"
    assert len(gzip.decompress(data)) > 3 * len(data)


def test_plotly_is_started_by_pages_built_and_revalidated(served):
    """plotly.js (loaded on demand by dcc.Graph, so its URL has no fingerprint) is started from the page's head
    so it runs while Dash starts; it is the project's own build (bundle/, built by `make`), and a browser
    holding it gets a 304, gzip or not."""
    _, client = served
    reply, data = client.request("GET", "/")
    url = re.search(r'<script async src="([^"]+plotly\.min\.js)"></script>\s*</head>', text(reply, data)).group(1)
    reply, data = client.request("GET", url)
    assert reply.status == 200 and reply.getheader("Content-Encoding") == "gzip"
    body = gzip.decompress(data)
    assert body.startswith(b"if (!window.Plotly) {") and len(body) == page_scripts.BUILT.stat().st_size
    etag = reply.getheader("ETag")
    assert etag.startswith("W/")
    reply, data = client.request("GET", url, headers={"If-None-Match": etag})
    assert reply.status == 304 and data == b"" and reply.getheader("ETag") == etag
    reply, _ = client.request("GET", url, headers={"If-None-Match": etag.removeprefix("W/"),
                                                   "Accept-Encoding": "identity"})
    assert reply.status == 304


def test_pages_load_the_regenerator_runtime_instead_of_babels_polyfill(served):
    """Dash's scripts need only regeneratorRuntime of Babel's polyfill: the page loads that (from bundle/) where
    the polyfill's script was, before React and every component, at an address naming its digest (kept for a
    year) and allowed by the Content-Security-Policy ('self': no inline script)."""
    _, client = served
    reply, data = client.request("GET", "/")
    page = text(reply, data)
    assert "polyfill" not in page
    url = re.search(r'<script src="([^"]+/regenerator-runtime\.v1m[0-9a-f]{16}\.min\.js)"></script>', page).group(1)
    assert page.index(url) < page.index("/deps/react@") < page.index("dash_renderer")
    reply, data = client.request("GET", url)
    assert reply.status == 200 and reply.getheader("Cache-Control") == LONG_CACHE
    assert gzip.decompress(data) == page_scripts.RUNTIME.read_bytes()
    assert b"regeneratorRuntime" in gzip.decompress(data)


def test_pages_load_ag_grid_only_when_a_grid_mounts(served):
    """AG Grid's script is not among a page's scripts: its stand-in (from bundle/) is, naming the real script
    (fingerprinted, still served) that it fetches when a grid first mounts."""
    _, client = served
    reply, data = client.request("GET", "/")
    page = text(reply, data)
    stand_in, grid = re.search(r'<script src="([^"]+/grid-on-demand\.v1m[0-9a-f]{16}\.min\.js)" '
                               r'data-grid="([^"]+/dash_ag_grid\.v[^"]+\.min\.js)"></script>', page).groups()
    assert not re.search(r'<script src="[^"]*dash_ag_grid', page) and page.index(stand_in) < page.index("dash_renderer")
    reply, data = client.request("GET", stand_in)
    assert reply.status == 200 and reply.getheader("Cache-Control") == LONG_CACHE
    assert gzip.decompress(data) == page_scripts.GRID.read_bytes() and b"window.dash_ag_grid" in gzip.decompress(data)
    reply, data = client.request("GET", grid)
    assert reply.status == 200 and b"window.dash_ag_grid=" in gzip.decompress(data)


def test_the_index_pages_scripts_are_compressed_before_anyone_asks(app):
    """prime fetches every script the index page loads, so plotly.js and Dash's bundles are kept compressed
    before the first browser comes (a cold first load does not wait for gzip -9 of 3 MB)."""
    middleware = ProductionMiddleware.of(app)
    assert middleware.gzip.size == 0
    fetched = prime(app, middleware)
    assert fetched >= 5
    kept = len(middleware.gzip._items)
    assert kept >= 3 and middleware.gzip.size > 1_000_000          # plotly.js and the grid among them
    assert gzip.decompress(middleware.gzip.compress(page_scripts.BUILT.read_bytes())).startswith(b"if (!window")
    assert len(middleware.gzip._items) == kept                       # a hit: nothing compressed again


def test_versioned_assets_are_cached_long_others_revalidate(served):
    _, client = served
    reply, data = client.request("GET", "/assets/geo/communities.geojson?v=snapshot-1")
    assert reply.status == 200
    assert reply.getheader("Cache-Control") == LONG_CACHE
    assert reply.getheader("Content-Encoding") == "gzip"
    assert json.loads(text(reply, data))["type"] == "FeatureCollection"
    reply, _ = client.request("GET", "/assets/style.css")           # no version in the URL: revalidate
    assert reply.status == 200
    assert "max-age=31536000" not in (reply.getheader("Cache-Control") or "")
    etag = reply.getheader("ETag")
    assert etag
    reply, data = client.request("GET", "/assets/style.css", headers={"If-None-Match": etag})
    assert reply.status == 304 and data == b""


def test_downloads_stream_unbuffered_ungzipped_and_unstored(served, app_config):
    """Through waitress: the export's CSV, Excel and Parquet leave in chunks as they are written (no
    Content-Length), are not gzipped (which would hold them whole) nor given an ETag, and are never stored."""
    from tests.pages.dash_client import PASSWORD, account

    port, _ = served
    analyst = Http(port)
    reply, _ = analyst.request("POST", "/login", urlencode({"username": account(app_config.state_path, "analyst"),
                                                            "password": PASSWORD}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 303
    reply, data = analyst.request("GET", "/export/download/csv?as_of=2020-03-29")
    assert reply.status == 200 and reply.getheader("Transfer-Encoding") == "chunked"
    assert reply.getheader("Content-Length") is None and reply.getheader("Content-Encoding") is None
    assert reply.getheader("Cache-Control") == "no-store" and reply.getheader("ETag") is None
    assert re.fullmatch(r'attachment; filename="wuzhou_loop_2020-01-20_2020-03-29_\d{8}T\d{4}Z\.csv"',
                        reply.getheader("Content-Disposition"))          # period and time of export (export.py)
    assert data.startswith("\ufeffperson_id,".encode()) and data.count(b"\r\n") > 100
    for kind, magic in (("xlsx", b"PK\x03\x04"), ("parquet", b"PAR1")):
        reply, data = analyst.request("GET", f"/export/download/{kind}?as_of=2020-03-29")
        assert reply.status == 200 and reply.getheader("Transfer-Encoding") == "chunked" and data[:4] == magic
        assert reply.getheader("Content-Length") is None and reply.getheader("Content-Encoding") is None
        assert reply.getheader("Cache-Control") == "no-store" and reply.getheader("ETag") is None


def test_middleware_passes_streams_through_as_they_come():
    """A body without Content-Length reaches the server chunk by chunk: the first before the app has written
    the next (gzip would have buffered it whole)."""
    written = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
        for i in range(3):
            written.append(i)
            yield b"x" * 4096

    def start_response(status, headers, exc_info=None):
        assert "Content-Encoding" not in dict(headers)

    body = iter(ProductionMiddleware(app)({"REQUEST_METHOD": "GET", "HTTP_ACCEPT_ENCODING": "gzip",
                                           "QUERY_STRING": "", "PATH_INFO": "/export/download/csv"}, start_response))
    assert next(body) == b"x" * 4096 and written == [0]
    assert b"".join(body) == b"x" * 8192 and written == [0, 1, 2]


def test_accept_encoding_parsing():
    assert accepts_gzip({"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"})
    assert accepts_gzip({"HTTP_ACCEPT_ENCODING": "br;q=1.0, gzip;q=0.8"})
    assert not accepts_gzip({"HTTP_ACCEPT_ENCODING": "gzip;q=0"})
    assert not accepts_gzip({"HTTP_ACCEPT_ENCODING": "identity"})
    assert not accepts_gzip({})


def test_middleware_passes_small_and_binary_bodies_through():
    def app(environ, start_response):
        kind = "image/png" if environ["PATH_INFO"].endswith(".png") else "application/json"
        body = b"x" * (2000 if environ["PATH_INFO"].startswith("/big") else 10)
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    middleware, seen = ProductionMiddleware(app), {}

    def start_response(status, headers, exc_info=None):
        seen["headers"] = dict(headers)

    environ = {"REQUEST_METHOD": "GET", "HTTP_ACCEPT_ENCODING": "gzip", "QUERY_STRING": ""}
    assert b"".join(middleware({**environ, "PATH_INFO": "/small"}, start_response)) == b"x" * 10
    assert "Content-Encoding" not in seen["headers"]
    assert b"".join(middleware({**environ, "PATH_INFO": "/big.png"}, start_response)) == b"x" * 2000
    assert "Content-Encoding" not in seen["headers"]
    packed = b"".join(middleware({**environ, "PATH_INFO": "/big"}, start_response))
    assert seen["headers"]["Content-Encoding"] == "gzip" and gzip.decompress(packed) == b"x" * 2000
    assert seen["headers"]["Content-Length"] == str(len(packed))
