"""The version of the store the dashboard serves: the published one, or for a short while the one before it.

Every ingest publishes a new snapshot, and the pages' caches are per snapshot (pages/context.QueryCache): on a
server whose store changes every few seconds, the first requests after each publication computed the new
snapshot's figures while their users waited (at scale 1 with 50 sessions and an ingest every 10 s, the p95 of
all requests tripled). With `max_stale_s` > 0 (the production server: WUZHOU_MAX_STALE_S) the server goes on
serving the version it has warm while the warm-up (pages/warmup.py) computes the new one's first screens, and
moves to the new version as soon as they are computed — or `max_stale_s` after it was first seen, warm or not,
so no one sees figures older than that. A write made through this server (an analyst's merge) is served at
once: its author sees it. With `max_stale_s` = 0 (the default, and the tests) the published version is served.

The warm-up reads a version that is not yet served through `at(version)`: in its thread (and the background
work it starts: pages/background.py copies the context) `version()` is that version.
"""
from __future__ import annotations

import contextvars
import threading
import time
from contextlib import contextmanager

from store.db import Store

_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar("served_version", default=None)


class ServedStore:
    """A Store as the dashboard reads it: `version()` and `reader()` give the served version; everything else
    (writing, history, health) is the store's own."""

    def __init__(self, store: Store, max_stale_s: float = 0.0):
        self.store, self.max_stale_s = store, max_stale_s
        self._served: str | None = None
        self._first_seen: dict[str, float] = {}         # a published version -> when this process first saw it
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.store, name)

    def published(self) -> str:
        """The version the store has published (what the warm-up works on)."""
        return self.store.version()

    def version(self) -> str:
        """The version this thread reads: the one `at` set, else the served one."""
        return _reading.get() or self._serve()

    def reader(self):
        return self.store.reader(self.version())

    def probe(self) -> None:
        """Open the served version and answer a query (GET /ready); raises when it cannot serve."""
        self.reader().execute("SELECT count(*) FROM districts").fetchone()

    def pending(self, version: str) -> bool:
        """Whether `version` is published but not yet served (the warm-up computes it first)."""
        return version != self._serve()

    def promote(self, version: str) -> None:
        """Serve `version` from now on (its first screens are warm), unless a newer one is published already."""
        with self._lock:
            if version == self.store.version():
                self._served = version

    @contextmanager
    def at(self, version: str):
        """Read `version` in this thread (and the work it starts in the background) while the block runs."""
        token = _reading.set(version)
        try:
            yield
        finally:
            _reading.reset(token)

    @contextmanager
    def writer(self, lists_changed_persons: bool = False):
        """The store's writer; what it publishes is served at once (whoever wrote it sees it)."""
        with self.store.writer(lists_changed_persons) as conn:
            yield conn
        self.promote(self.store.version())

    def _serve(self) -> str:
        published = self.store.version()
        served = self._served
        if served == published:
            return served
        with self._lock:
            now = time.monotonic()
            first = self._first_seen.setdefault(published, now)
            if (self._served is None or self.max_stale_s <= 0 or now - first >= self.max_stale_s
                    or not (self.store.root / self._served).exists()):     # pruned before it was left: move on
                self._served = published
                self._first_seen = {published: first}
            return self._served
