"""The production server: waitress (threads) in front of the Dash app, with gzip and long-lived static caching.

Flask's own server (`app.run`) is a development server: one process, no timeouts, no compression. Users get
this instead:

- waitress serves the Flask app with a pool of threads (DuckDB reads release the GIL, and every thread keeps
  its own read-only cursor on the published snapshot, store.db.Store.reader).
- responses are gzipped when the browser accepts it and they are text: callback JSON, the layout, JS, CSS,
  GeoJSON. Large static bodies (Dash's and Plotly's bundles, the map GeoJSON) are compressed once and the
  result kept (keyed by a digest of the body), so a cold browser never waits for the server to compress
  plotly.js again; the scripts the index page loads are compressed in the background as the server starts
  (`prime`), so not even the first browser does. Callback responses are compressed per request and never kept.
- static files whose URL names their version are cached by the browser for a year without revalidating:
  Dash fingerprints its component bundles (`/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1723.js`,
  dash.fingerprint), adds `?m=<mtime>` to the CSS/JS it includes from /assets/, and the map asks for
  `/assets/geo/<level>.geojson?v=<store version>`. Other static files (Dash's on-demand chunks such as
  plotly.min.js and async-graph.js have no fingerprint) are revalidated: If-None-Match is answered 304 here,
  comparing weakly, since a gzipped copy carries the original's ETag as W/"...". Everything else (pages,
  callbacks, downloads: they may carry person-level data) is `no-store`.
- downloads (`Content-Disposition: attachment`) and streamed bodies (no Content-Length: the export's CSV) pass
  through as the app writes them, chunk by chunk: gzip here would have to hold them whole first.

One small WSGI middleware does both, rather than flask-compress: no extra dependency, the cache rule and the
compression see the same request, and the compressed bundles can be kept.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from urllib.parse import parse_qs

from werkzeug.test import Client

from dash.fingerprint import check_fingerprint

log = logging.getLogger(__name__)

LONG_CACHE = "public, max-age=31536000, immutable"
NO_STORE = "no-store"
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/x-javascript",
                "application/geo+json", "application/xml", "image/svg+xml")
MIN_SIZE = 512                    # smaller bodies are not worth a gzip header
MAX_SIZE = 64 * 1024 * 1024       # larger ones are passed through untouched
KEEP_FROM = 32 * 1024             # bodies this large are compressed once and the result kept
KEEP_BYTES = 96 * 1024 * 1024     # how much compressed output to keep at most
LEVEL = 6                         # per response
KEEP_LEVEL = 9                    # for bodies compressed once and kept


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def _without(headers: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    names = {n.lower() for n in names}
    return [(k, v) for k, v in headers if k.lower() not in names]


def accepts_gzip(environ) -> bool:
    """Whether the request's Accept-Encoding allows gzip (and does not refuse it with q=0)."""
    for part in environ.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


class GzipCache:
    """Compressed bodies by digest of the original body, least recently used dropped past `limit` bytes."""

    def __init__(self, limit: int = KEEP_BYTES):
        self.limit, self.size = limit, 0
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def compress(self, body: bytes, keep: bool = True) -> bytes:
        """`body` gzipped; kept for next time when `keep` (static files) and large enough to be worth it."""
        if not keep or len(body) < KEEP_FROM:
            return gzip.compress(body, LEVEL, mtime=0)
        key = hashlib.blake2b(body, digest_size=20).digest()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        packed = gzip.compress(body, KEEP_LEVEL, mtime=0)        # once per body: take the smallest
        with self._lock:
            if key not in self._items:
                self._items[key] = packed
                self.size += len(packed)
                while self.size > self.limit and self._items:
                    self.size -= len(self._items.popitem(last=False)[1])
        return packed


class ProductionMiddleware:
    """WSGI middleware: cache headers by URL, gzip for text responses. Wraps the Dash app's Flask server."""

    def __init__(self, wsgi_app, routes_prefix: str = "/", assets_path: str = "assets"):
        self.app = wsgi_app
        prefix = "/" + routes_prefix.strip("/") + "/" if routes_prefix.strip("/") else "/"
        self.suites = prefix + "_dash-component-suites/"
        self.assets = prefix + assets_path.strip("/") + "/"
        self.favicon = prefix + "_favicon.ico"          # Dash links it with ?v=<dash version> (or ?m=<mtime>)
        self.gzip = GzipCache()

    @classmethod
    def of(cls, app) -> ProductionMiddleware:
        """Around a Dash app (its Flask server and its configured URL prefixes)."""
        return cls(app.server, app.config.routes_pathname_prefix, app.config.assets_url_path)

    def cache_control(self, environ, status: str) -> str | None:
        """The Cache-Control this response should carry; None to keep the app's own."""
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.suites):
            return LONG_CACHE if check_fingerprint(path)[1] and status[:3] in ("200", "304") else None
        if path.startswith(self.assets) or path == self.favicon:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            return LONG_CACHE if ("v" in query or "m" in query) and status[:3] in ("200", "304") else None
        return NO_STORE

    def __call__(self, environ, start_response):
        captured: dict = {}
        written: list[bytes] = []

        def capture(status, headers, exc_info=None):
            if exc_info and captured.get("sent"):
                raise exc_info[1].with_traceback(exc_info[2])
            captured.update(status=status, headers=list(headers), exc_info=exc_info)
            return written.append                     # the legacy write() callable: buffered

        result = self.app(environ, capture)
        head: list[bytes] = []
        rest = result
        if "status" not in captured:                  # a lazy app: start_response comes with the first chunk
            rest = iter(result)
            for chunk in rest:
                head.append(chunk)
                if "status" in captured:
                    break
        status, headers, exc_info = captured["status"], captured["headers"], captured.get("exc_info")

        if status.startswith("200") and environ.get("REQUEST_METHOD") in ("GET", "HEAD") \
                and _matches(environ.get("HTTP_IF_NONE_MATCH"), _header(headers, "ETag")):
            if hasattr(result, "close"):              # the browser holds this version already
                result.close()
            control = self.cache_control(environ, "304")
            kept = [(k, v) for k, v in headers if k.lower() in ("etag", "cache-control", "vary", "last-modified",
                                                                 "content-location", "expires")]
            if control is not None:
                kept = _without(kept, "Cache-Control") + [("Cache-Control", control)]
            kind = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
            etag = _header(kept, "ETag")
            if kind.startswith(COMPRESSIBLE) and accepts_gzip(environ) and not etag.startswith("W/"):
                kept = _without(kept, "ETag") + [("ETag", "W/" + etag)]   # the tag the gzipped 200 carries
            captured["sent"] = True
            start_response("304 Not Modified", kept, exc_info)
            return []

        control = self.cache_control(environ, status)
        if control is not None:
            headers = _without(headers, "Cache-Control") + [("Cache-Control", control)]
        kind = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
        textual = kind.startswith(COMPRESSIBLE)
        if textual:
            vary = _header(headers, "Vary")
            if not vary or "accept-encoding" not in vary.lower():
                headers = _without(headers, "Vary") + [("Vary", f"{vary}, Accept-Encoding" if vary
                                                        else "Accept-Encoding")]
        length = _header(headers, "Content-Length")
        if not (textual and status.startswith("200") and environ.get("REQUEST_METHOD") != "HEAD"
                and accepts_gzip(environ) and _header(headers, "Content-Encoding") is None
                and length is not None and MIN_SIZE <= int(length) <= MAX_SIZE
                and not (_header(headers, "Content-Disposition") or "").lower().startswith("attachment")):
            captured["sent"] = True
            start_response(status, headers, exc_info)
            if head or written:
                return _chain(written + head, rest, result)
            return result

        try:
            body = b"".join([*written, *head, *rest])
        finally:
            if hasattr(result, "close"):
                result.close()
        static = environ.get("PATH_INFO", "").startswith((self.suites, self.assets))   # never keep callback data
        packed = self.gzip.compress(body, keep=static) if len(body) >= MIN_SIZE and accepts_gzip(environ) else None
        captured["sent"] = True
        if packed is None or len(packed) >= len(body):
            start_response(status, _without(headers, "Content-Length") + [("Content-Length", str(len(body)))],
                           exc_info)
            return [body]
        headers = _without(headers, "Content-Length", "Accept-Ranges") + [("Content-Length", str(len(packed))),
                                                                           ("Content-Encoding", "gzip")]
        etag = _header(headers, "ETag")
        if etag and not etag.startswith("W/"):        # another representation: no longer byte-identical
            headers = _without(headers, "ETag") + [("ETag", "W/" + etag)]
        start_response(status, headers, exc_info)
        return [packed]


def _matches(if_none_match: str | None, etag: str | None) -> bool:
    """If-None-Match against the response's ETag, weak comparison (RFC 9110 13.1.2): a gzipped copy's W/ tag
    matches the original's."""
    if not if_none_match or not etag:
        return False
    if if_none_match.strip() == "*":
        return True
    plain = etag.strip().removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == plain for tag in if_none_match.split(","))


def _chain(first: list[bytes], rest, result):
    """The buffered chunks, then the `rest` of `result`, closing it at the end (WSGI's close contract)."""
    try:
        yield from first
        yield from rest
    finally:
        if hasattr(result, "close"):
            result.close()


def prime(app, middleware: ProductionMiddleware) -> int:
    """Fetch through `middleware` every script the app's index page loads (Dash's bundles, plotly.js), so their
    compressed copies are kept before a browser asks; how many were fetched."""
    with app.server.test_request_context("/"):
        page = app.index()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    client = Client(middleware)
    for source in sources:
        client.get(source, headers={"Accept-Encoding": "gzip"}).close()
    return len(sources)


def make_server(app, host: str = "127.0.0.1", port: int = 8050, threads: int = 8, sock=None, **adjustments):
    """A waitress server (not yet running) for the Dash app; port 0 picks a free port (server.effective_port);
    `sock`: accept on this already listening socket instead (a worker of pages/workers.py).
    Its static bundles are compressed in the background meanwhile (prime)."""
    from waitress import create_server

    from pages.background import background

    settings = {"threads": threads, "ident": "wuzhou", "asyncore_use_poll": True, "connection_limit": 500,
                "channel_timeout": 120, "cleanup_interval": 30, **adjustments}
    middleware = ProductionMiddleware.of(app)
    background(lambda: prime(app, middleware), "gzip-prime")
    where = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    return create_server(middleware, **where, **settings)


def serve_production(app, host: str = "127.0.0.1", port: int = 8050, threads: int = 8, on_ready=None,
                     sock=None, **adjustments) -> None:
    """Serve the Dash app with waitress until interrupted. `on_ready(server)` is called once the socket is
    bound (tests and benchmarks use it to learn the port and to close the server)."""
    server = make_server(app, host, port, threads, sock, **adjustments)
    log.info("serving on http://%s:%s with %d threads", host, server.effective_port, threads)
    if on_ready is not None:
        on_ready(server)
    else:
        print(f"serving on http://{host}:{server.effective_port} ({threads} threads, waitress)", flush=True)
    try:
        server.run()
    finally:
        server.close()


def threads_from_env(default: int = 8) -> int:
    """WUZHOU_THREADS, else `default`."""
    value = os.environ.get("WUZHOU_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else default
