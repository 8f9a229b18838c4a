"""Limits that keep one user from holding the server (OWASP ASVS 11.1.4, 12.1.1, 13.1.3): per user at most
MAX_REQUESTS requests and MAX_EXPORTS downloads in flight at once (429 beyond, with Retry-After), request bodies
of at most MAX_BODY bytes (413). A WSGI middleware around the Flask app: a request holds its place while its
view runs; a download until its last byte is sent (the body is streamed), which only the WSGI layer sees.

The user is the login session's (its cookie), or the client's address before login. Static files are not limited.
Every refusal is written to the audit log.
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from http.cookies import SimpleCookie

from auth import audit, sessions

STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
UPLOADS = "/api/v1/feeds/"    # channel systems' uploads carry files: intake/api.py applies its own size limit


class Limits:
    MAX_REQUESTS = 8            # a browser keeps about 6 connections; the pages fire a few callbacks at once
    MAX_EXPORTS = 2
    MAX_BODY = 1024 * 1024      # the largest callback body the pages send is a few KB
    EXPORTS = "/export/download/"

    def __init__(self, wsgi_app, state, cookie: str):
        self.app, self.state, self.cookie = wsgi_app, state, cookie
        self._lock = threading.Lock()
        self._busy: Counter = Counter()

    def in_flight(self) -> int:
        with self._lock:
            return sum(self._busy.values())

    def _who(self, environ) -> str:
        token = SimpleCookie(environ.get("HTTP_COOKIE", "")).get(self.cookie)
        name = sessions.username_of(self.state, token.value) if token else None
        return f"user:{name}" if name else f"client:{environ.get('REMOTE_ADDR', '-')}"

    def _take(self, keys: list[tuple[str, str]], limits: dict) -> tuple[str, str] | None:
        """Count the request in under each key, or the first key already at its limit."""
        with self._lock:
            full = next((k for k in keys if self._busy[k] >= limits[k[1]]), None)
            if full is None:
                self._busy.update(keys)
            return full

    def _give(self, keys) -> None:
        with self._lock:
            self._busy.subtract(keys)
            for k in keys:
                if self._busy[k] <= 0:
                    del self._busy[k]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(STATIC):
            return self.app(environ, start_response)
        length = environ.get("CONTENT_LENGTH") or "0"
        who = self._who(environ)
        if not length.isdigit():
            return self._refuse(start_response, environ, who, 400, "bad Content-Length")
        if int(length) > self.MAX_BODY and not path.startswith(UPLOADS):     # uploads: the API's own limit
            return self._refuse(start_response, environ, who, 413, "request body too large")
        keys = [(who, "requests")] + ([(who, "exports")] if path.startswith(self.EXPORTS) else [])
        full = self._take(keys, {"requests": self.MAX_REQUESTS, "exports": self.MAX_EXPORTS})
        if full is not None:
            return self._refuse(start_response, environ, who, 429, f"too many {full[1]} at once")
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._give(keys)
            raise
        if len(keys) == 1:                  # not a download: the view has run, its body is built
            self._give(keys)
            return result
        return _Releasing(result, lambda: self._give(keys))

    def _refuse(self, start_response, environ, who: str, status: int, why: str):
        user = who.split(":", 1)[1] if who.startswith("user:") else None
        audit.log(self.state, user, "access.denied", environ.get("PATH_INFO", "")[:200],
                  {"why": why, "client": environ.get("REMOTE_ADDR")}, outcome="refused")
        body = json.dumps({"error": why}).encode()
        reason = {400: "Bad Request", 413: "Content Too Large", 429: "Too Many Requests"}[status]
        start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                              ("Retry-After", "1"), ("Cache-Control", "no-store")])
        return [body]


class _Releasing:
    """A download's response iterable: `release` is called once, when the body has been sent to the end, when
    the server closes it, or (a client that dropped it) when it is collected."""

    def __init__(self, result, release):
        self.result, self._release = result, release

    def __iter__(self):
        try:
            yield from self.result
        finally:
            self.release()

    def release(self):
        release, self._release = self._release, None
        if release is not None:
            release()

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.release()

    def __del__(self):
        self.release()
