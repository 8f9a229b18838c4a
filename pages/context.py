"""What every page gets from the app factory: the store (read-only), the application state (users, audit,
notes, alert workflow), settings, and cached queries."""
from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auth.state import State
from loop.transfers import Transfers
from pages.notes import NoteBook
from queries.dashboard import metric_query
from queries.figures import DAILY_FIGURES, headline
from queries.period import Period, data_period
from queries.person_search import SearchIndex
from queries.person_search import index as search_index
from queries.runner import Scope, reveals, run
from pages.served import ServedStore
from store.db import Store

if TYPE_CHECKING:
    from pages.warmup import Warmup

ROOT = Path(__file__).resolve().parent.parent
EPOCH = dt.date(1970, 1, 1)
SERVED_STALE_S = 5.0               # the production server: a new snapshot is served once warm, or after this
AGGREGATES = "leadership"          # the role area counts are computed for, whoever asks (ctx.metric)


@dataclass(frozen=True)
class AppConfig:
    """Settings of one app: an optional intranet tile URL ({z}/{x}/{y}), the session key, where assets live
    and the application state file (users, sessions, audit, notes; default: app.sqlite beside the store), and
    how long a new snapshot may wait to be served while its first screens are computed (pages/served.py)."""
    tile_url: str | None = None
    secret_key: bytes = field(default_factory=lambda: os.urandom(32), repr=False)
    assets_dir: Path = ROOT / "assets"
    state_path: Path | None = None
    max_stale_s: float = 0.0

    @classmethod
    def from_env(cls) -> AppConfig:
        """Settings from WUZHOU_TILE_URL, WUZHOU_SECRET_KEY, WUZHOU_ASSETS (a city of a province serves its own
        map files from a folder of its own) and WUZHOU_MAX_STALE_S (default SERVED_STALE_S) (read when called,
        never at import)."""
        key, assets = os.environ.get("WUZHOU_SECRET_KEY"), os.environ.get("WUZHOU_ASSETS")
        return cls(tile_url=os.environ.get("WUZHOU_TILE_URL") or None,
                   max_stale_s=float(os.environ.get("WUZHOU_MAX_STALE_S") or SERVED_STALE_S),
                   **({"secret_key": key.encode()} if key else {}), **({"assets_dir": Path(assets)} if assets else {}))


class _Pending:
    """A value one thread is computing and others wait for."""

    def __init__(self):
        self.done = threading.Event()
        self.value, self.error = None, None


class QueryCache:
    """Query results per published snapshot: a least-recently-used map keyed by the store version.

    A missing key is computed once: callers asking for it meanwhile wait for that result instead of running the
    same query again (after a new snapshot, every session misses the same keys at once). A waiter that has waited
    `wait_s` computes on its own, so a computation that itself waits on another can never deadlock.

    A value that follows the batch (`patch`) is made for a new snapshot from an earlier snapshot's value of the
    same key when the store knows whose rows the versions between them changed (Store.changed_between): only
    those people's part is computed again.

    Results are shared between callers: treat the returned frames and dicts as read-only."""

    def __init__(self, store: ServedStore | Store, size: int = 512, wait_s: float = 30.0):
        self.store, self.size, self.wait_s = store, size, wait_s
        self._items: OrderedDict = OrderedDict()
        self._pending: dict[tuple, _Pending] = {}
        self._lock = threading.Lock()

    def peek(self, key: tuple):
        """The value kept for `key` in this snapshot, or None (nothing is computed)."""
        key = (self.store.version(), *key)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def get(self, key: tuple, compute, patch=None):
        """The value of `key` in this snapshot: kept, or `compute(reader)`, or `patch(earlier value, changed
        people, reader)` when an earlier snapshot's value is kept and the people changed since are known."""
        key = (self.store.version(), *key)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            pending = self._pending.get(key)
            mine = pending is None
            if mine:
                pending = self._pending[key] = _Pending()
        if not mine:
            if pending.done.wait(self.wait_s) and pending.error is None:
                return pending.value
            return compute(self.store.reader())     # it failed (each caller gets its own error) or is stuck
        try:
            value = self._patched(key, patch) if patch is not None else None
            if value is None:
                value = compute(self.store.reader())
        except BaseException as exc:
            pending.error = exc
            with self._lock:
                self._pending.pop(key, None)
            pending.done.set()
            raise
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            self._pending.pop(key, None)
        pending.value = value
        pending.done.set()
        return value

    def _patched(self, key: tuple, patch):
        """`patch` applied to the most recently used earlier snapshot's value of the key whose changes since are
        known, or None."""
        with self._lock:
            earlier = [(k[0], v) for k, v in self._items.items() if k[1:] == key[1:] and k[0] != key[0]]
        for version, value in reversed(earlier):
            changed = self.store.changed_between(version, key[0])
            if changed is not None:
                return patch(value, changed, self.store.reader())
        return None


class MetricTable:
    """A metric's value per area (row) and day (column) as one integer matrix: a date change is a lookup."""

    def __init__(self, codes: list[str], values: np.ndarray, start: dt.date):
        self.row, self.start = {code: i for i, code in enumerate(codes)}, start
        self.values = np.vstack([values, np.zeros((1, values.shape[1]), dtype=values.dtype)])  # last: zeros

    @classmethod
    def of(cls, long: pd.DataFrame, period: Period) -> MetricTable:
        """From (code, day, value) rows; days outside the period are ignored, missing ones are zero."""
        codes, values, rows, cols = cls._cells(long, period)
        inside = (cols >= 0) & (cols < values.shape[1])
        values[rows[inside], cols[inside]] = long["value"].to_numpy()[inside]
        return cls(codes, values, period.start)

    @classmethod
    def of_changes(cls, long: pd.DataFrame, period: Period) -> MetricTable:
        """From (code, day, delta) rows: each day's value is the sum of the deltas up to it (changes before the
        period count from its first day, changes after it are ignored)."""
        codes, values, rows, cols = cls._cells(long, period)
        inside = cols < values.shape[1]
        np.add.at(values, (rows[inside], np.maximum(cols[inside], 0)), long["delta"].to_numpy()[inside])
        return cls(codes, values.cumsum(axis=1), period.start)

    @staticmethod
    def _cells(long: pd.DataFrame, period: Period):
        """(codes, a zero matrix of codes x period days, each row's code index, each row's day index)."""
        codes = sorted(set(long["code"]))
        values = np.zeros((len(codes), period.days), dtype=np.int64)
        rows = pd.Index(codes).get_indexer(long["code"])
        cols = (pd.to_datetime(long["day"]) - pd.Timestamp(period.start)).dt.days.to_numpy(dtype=np.int64)
        return codes, values, rows, cols

    def on(self, as_of: dt.date, codes) -> np.ndarray:
        missing = len(self.values) - 1
        return self.values[[self.row.get(c, missing) for c in codes], (as_of - self.start).days]

    def series(self, code: str) -> pd.Series:
        """The area's value per day over the period."""
        days = pd.date_range(self.start, periods=self.values.shape[1]).date
        return pd.Series(self.values[self.row.get(code, len(self.values) - 1)], index=days)


@dataclass
class AppContext:
    """The store, the application state and settings shared by the pages of one app."""
    store: ServedStore
    config: AppConfig
    state: State
    notes: NoteBook
    cache: QueryCache
    people_cache: QueryCache
    transfers: Transfers
    searches: QueryCache                            # search results (pages/search.py), apart from the warm ones
    warmup: Warmup | None = None                    # set by the app factory

    @classmethod
    def create(cls, store: Store, config: AppConfig) -> AppContext:
        state = State(config.state_path or store.root.parent / "app.sqlite")
        served = ServedStore(store, config.max_stale_s)
        return cls(served, config, state, NoteBook(state), QueryCache(served), QueryCache(served, size=16),
                   Transfers(state), QueryCache(served, size=64))

    def query(self, name: str, scope: Scope, **params) -> pd.DataFrame:
        """queries/<name>.sql for `scope`, cached per snapshot — except for a scope carrying an unmask where the
        query has person-level fields: a person in clear is never kept (a query without them is the masked
        scope's, cached)."""
        if scope.reveal_person is not None:
            if reveals(name):
                return self.uncached(name, scope, **params)
            scope = replace(scope, reveal_person=None)
        key = ("query", name, scope, tuple(sorted(params.items())))
        return self.cache.get(key, lambda conn: run(conn, name, scope, **params))

    def uncached(self, name: str, scope: Scope, **params) -> pd.DataFrame:
        """queries/<name>.sql for `scope`, run now (results too varied to keep)."""
        return run(self.store.reader(), name, scope, **params)

    def people(self, scope: Scope, **params) -> pd.DataFrame:
        """queries/loop_people.sql for `scope`, the last few distinct requests kept (they are larger)."""
        return self.people_cache.get(_people_key(scope, params),
                                     lambda conn: run(conn, "loop_people", scope, **params))

    def people_kept(self, scope: Scope, **params) -> pd.DataFrame | None:
        """What `people` keeps for these parameters, or None (nothing is run)."""
        return self.people_cache.peek(_people_key(scope, params))

    def metric(self, scope: Scope, level: str, metric: str) -> MetricTable:
        """`metric` per area and day over the period, computed once per snapshot, jurisdiction and level: counts
        of areas depend on the jurisdiction only, not on the role asking (they carry no person), so every role
        shares the table the warm-up computed for leadership."""
        area = Scope(AGGREGATES, scope.district_code, scope.township_code)

        period = self.period()

        def compute(conn):
            name, params = metric_query(metric, period)
            return MetricTable.of(run(conn, name, area, level=level, **params), period)
        return self.cache.get(("metric", area, level, metric), compute)

    def metric_on(self, scope: Scope, level: str, metric: str, as_of: dt.date, codes) -> np.ndarray:
        """The values of `metric` at the end of `as_of` for the areas `codes` of `level` (zero where none)."""
        return self.metric(scope, level, metric).on(as_of, codes)

    def period(self) -> Period:
        """The period of the published snapshot (queries/period.py: first to latest day with data), once per
        snapshot."""
        return self.cache.get(("period",), data_period)

    def search_index(self, built_only: bool = False) -> SearchIndex | None:
        """The snapshot's people by name, number and address (queries/person_search.index), built once per
        snapshot (seconds at scale 100: the warm-up builds it); `built_only`: None rather than wait for it."""
        if built_only:
            return self.cache.peek(("search_index",))
        return self.cache.get(("search_index",), search_index)

    def warm(self, scope: Scope) -> None:
        """Have the scope's first screens computed for this snapshot in the background (pages/warmup.py)."""
        if self.warmup is not None:
            self.warmup.ensure(scope)

    def headline(self, scope: Scope, as_of: dt.date) -> dict[str, int]:
        """The headline figures (queries.figures.headline) of `scope` as of `as_of`: looked up in the day-by-day
        figures once the warm-up has them for this snapshot (headline_days), else queried for the date; the
        checkpoint totals (every check up to the date: tens of millions of rows at scale) from the daily
        counts, kept per snapshot."""
        tables = self.cache.peek(("headline_days",))
        period = self.period()
        if tables is None or not period.start <= as_of <= period.end:
            figures = self.cache.get(("headline", scope, as_of),
                                     lambda conn: headline(conn, scope, as_of, checks=False))
        else:
            code = (scope.district_code or "all") + (scope.township_code or "")
            figures = {f: int(tables[f].on(as_of, [code])[0]) if f in tables else 0 for f in DAILY_FIGURES}
        days, totals = self.check_totals(scope)
        upto = int(np.searchsorted(days, np.datetime64(as_of), side="right"))
        vehicles, persons = totals[upto - 1] if upto else (0, 0)
        return {**figures, "checkpoint_vehicles": int(vehicles), "checkpoint_persons": int(persons)}

    def headline_days(self) -> dict[str, MetricTable]:
        """Each headline figure of the whole city, each district and each township, day by day over the period
        (queries/headline_days.sql): one query per snapshot (seconds at scale 100: the warm-up runs it), as an
        area's figures only depend on its own rows (callers check the area is theirs)."""
        period = self.period()

        def compute(conn):
            changes = run(conn, "headline_days", Scope.whole_city(), since=period.start)
            return {f: MetricTable.of_changes(rows, period) for f, rows in changes.groupby("figure")}
        return self.cache.get(("headline_days",), compute)

    def check_totals(self, scope: Scope) -> tuple[np.ndarray, np.ndarray]:
        """(days, running totals of [vehicles, persons] checked up to each day) for the scope's checkpoints."""
        def compute(_conn):
            per_day = self.checkpoint_days(scope).groupby("day")[["vehicles", "persons"]].sum().sort_index()
            return per_day.index.to_numpy(dtype="datetime64[D]"), per_day.to_numpy().cumsum(axis=0)
        return self.cache.get(("check_totals", scope), compute)

    def checkpoint_days(self, scope: Scope) -> pd.DataFrame:
        """Vehicles and persons checked per checkpoint and day, every day there are checks (checkpoint_daily):
        counted once per snapshot for the whole city (tens of millions of checks at scale), and for `scope` the
        rows of its checkpoints (queries/checkpoints.sql)."""
        def compute(_conn):
            city = self.query("checkpoint_daily", Scope.whole_city(), start=dt.date(1900, 1, 1),
                              end=dt.date(2999, 12, 31))
            mine = city["checkpoint_id"].isin(self.query("checkpoints", scope)["checkpoint_id"])
            return city[mine.to_numpy()].reset_index(drop=True)
        return self.cache.get(("checkpoint_days", scope), compute)

    def checkpoint_totals(self, scope: Scope, as_of: dt.date) -> pd.DataFrame:
        """The scope's checkpoints (queries/checkpoints.sql) with the vehicles and persons checked there up to the
        end of `as_of` (the headline's checkpoint figures, per checkpoint), added up from checkpoint_days."""
        sites = self.query("checkpoints", scope)
        daily = self.checkpoint_days(scope)
        upto = daily[daily["day"] <= pd.Timestamp(as_of)].groupby("checkpoint_id")[["vehicles", "persons"]].sum()
        counts = upto.reindex(sites["checkpoint_id"], fill_value=0)
        return sites.assign(vehicles=counts["vehicles"].to_numpy(dtype="int64"),
                            persons=counts["persons"].to_numpy(dtype="int64"))


def _people_key(scope: Scope, params: dict) -> tuple:
    return ("people", scope, tuple(sorted(params.items())))


def day(value: int | None) -> dt.date:
    """The date of a day number (days since EPOCH): the as-of slider's value, and the loop rows' `shown_day`, so
    that a day keeps its number when a snapshot widens the period."""
    return EPOCH + dt.timedelta(days=int(value or 0))


def day_index(date: dt.date) -> int:
    return (date - EPOCH).days


def as_date(value, period: Period, default: dt.date | None = None) -> dt.date:
    """A date picker's value ('YYYY-MM-DD...') as a date, clamped to the period; `default` when empty (the
    latest day with data unless given)."""
    if not value:
        return default or period.latest
    return period.clamp(dt.date.fromisoformat(str(value)[:10]))
