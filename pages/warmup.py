"""Each published snapshot's first screens, computed before anyone asks for them.

The pages cache their queries per snapshot (pages/context.QueryCache), so the first request for a screen after
a server start or a new snapshot pays for its queries: seconds at the scale of a whole province. When the store
publishes a snapshot (or the server starts), one background thread runs each page's `warm(ctx, scope)` for
the jurisdictions of the people who use the dashboard: the whole city first, then the scopes of the enabled
users, most recently active first. A user whose scope is not among them gets it queued on opening the
overview. Requests never wait for the warm-up: one that needs a result being computed waits for that
computation only (the query cache computes each key once). A snapshot not yet served (pages/served.py: the
production server serves the one before it meanwhile) is warmed at once and served when all its scopes are
warm; otherwise the warm-up works in the server's idle time: it starts a page only when no request has been in
flight for IDLE_S, so it does not take the cores from the users; what they ask for is computed on demand then.

`ready()` says whether the published snapshot is warm (GET /ready?warm=1 answers 200 then, 503 before);
GET /ready says whether the server can serve now (`serving_state`), warm or not, for a load balancer.
"""
from __future__ import annotations

import gc
import logging
import queue
import threading
import time

from flask import request, request_started, request_tearing_down

from auth.users import jurisdictions
from pages import shell
from pages.background import background, stopping
from queries.runner import Scope

MAX_SCOPES = 16                        # users' jurisdictions warmed per snapshot, besides the whole city
IDLE_S = 0.25                          # no request for this long: the server is idle, a page may be warmed
UNCOUNTED = ("/ready",)                # health probes are not users

log = logging.getLogger(__name__)


def settle_garbage() -> None:
    """Collect once, then exempt what survives — the warmed caches — from later collections (gc.freeze): at
    the scale of a province a full collection traverses millions of cached cells, 0.3 s during which no request
    runs. Runs when a warm-up ends, in idle time; the next one unfreezes them first, so what the caches dropped
    meanwhile is collected then."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serving_state(ctx) -> tuple[str, int]:
    """GET /ready: 200 when the published version opens and answers a query (the server can serve now, warm
    or not), 503 with the reason when it cannot. GET /ready?warm=1: 200 once the published version is warm."""
    if request.args.get("warm"):
        return ("warm", 200) if ctx.warmup.ready() else ("warming", 503)
    try:
        ctx.store.probe()
    except Exception as exc:                    # noqa: BLE001  (any failure means: do not route users here)
        log.warning("not ready: %s", exc)
        return f"cannot serve: {str(exc).splitlines()[0]}", 503
    return "ready", 200


class Warmup:
    """A queue of (snapshot, scope) to warm, worked by one background thread while it is not empty."""

    def __init__(self, ctx, pages, max_scopes: int = MAX_SCOPES):
        self.ctx, self.pages, self.max_scopes = ctx, pages, max_scopes
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._seen: set = set()                 # (snapshot, scope) queued or warmed
        self._waiting: dict[str, int] = {}      # snapshot -> items queued or being warmed
        self._working = False
        self._version: str | None = None
        self._in_flight = 0
        self._last_request = 0.0                # time.monotonic() of the last request's end

    def watch(self, server) -> None:
        """Count the Flask `server`'s requests in flight (but health probes), so the warm-up waits for idle."""
        request_started.connect(self._started, server, weak=False)
        request_tearing_down.connect(self._ended, server, weak=False)

    def _started(self, _sender, **_extra) -> None:
        if request.path not in UNCOUNTED:
            request.environ["warmup.counted"] = True
            with self._lock:
                self._in_flight += 1

    def _ended(self, _sender, **_extra) -> None:
        if request.environ.pop("warmup.counted", False):
            with self._lock:
                self._in_flight -= 1
                self._last_request = time.monotonic()

    def _idle(self, version: str) -> bool:
        """Wait until the server is idle (at once for a version not yet served: the users wait for it); False
        when the snapshot was superseded or the process is exiting."""
        store = self.ctx.store
        while not stopping() and version == store.published():
            if store.pending(version):
                return True
            with self._lock:
                quiet = self._in_flight == 0 and time.monotonic() - self._last_request >= IDLE_S
            if quiet:
                return True
            time.sleep(0.05)
        return False

    def check(self) -> None:
        """Queue the usual scopes when the store has published a new snapshot (cheap: called per request)."""
        version = self.ctx.store.published()
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            self._version = version
            self._waiting = {v: n for v, n in self._waiting.items() if n}      # older snapshots: done
            self._seen = {key for key in self._seen if key[0] in self._waiting}
        users = [Scope(role, district, township)
                 for role, district, township in jurisdictions(self.ctx.state, self.max_scopes)]
        for scope in dict.fromkeys([Scope("leadership"), *users]):
            self.ensure(scope)

    def ensure(self, scope: Scope) -> None:
        """Queue `scope` for the published snapshot unless it is queued or warm already."""
        key = (self.ctx.store.published(), scope)
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
            self._waiting[key[0]] = self._waiting.get(key[0], 0) + 1
            self._queue.put(key)
            start = not self._working
            self._working = True
        if start:
            background(self._work, "warmup")

    def ready(self) -> bool:
        """Whether everything queued for the published snapshot has been warmed."""
        self.check()
        return self._waiting.get(self.ctx.store.published(), 0) == 0

    def _work(self) -> None:
        while not stopping():
            with self._lock:
                if self._queue.empty():
                    self._working = False
                    break
                version, scope = self._queue.get()
            try:
                with self.ctx.store.at(version):
                    self._warm(version, scope)
            finally:
                with self._lock:
                    self._waiting[version] -= 1
                    warm = self._waiting[version] == 0
                if warm:
                    self.ctx.store.promote(version)
        if not stopping():
            settle_garbage()

    def _warm(self, version: str, scope: Scope) -> None:
        for page in shell.allowed(self.pages, scope.role):
            if not self._idle(version):
                return                                  # superseded by a newer snapshot: warm that one instead
            if hasattr(page, "warm"):
                try:
                    page.warm(self.ctx, scope)
                except Exception:                       # noqa: BLE001  (a warm-up never takes the server down)
                    log.exception("warming %s for %s failed", page.__name__, scope)
