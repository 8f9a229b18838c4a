"""The loop on the overview map, replayed day by day: alerts, leaks and community risk per area and day, and
the alert and case points counted per place. Shown to leadership, so nothing here keeps a name, id, phone or
address: only codes, kinds, days and the internal person id (to count distinct people).

The loop queries run once per snapshot and scope, as of the period's last day; each alert keeps the first
as-of day whose alerts include it, so any earlier day is a filter, never another query.
"""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from layers import points
from loop import alerts, risk, workflow
from loop.deadlines import Deadlines
from pages.background import background, stopping
from pages.context import EPOCH, MetricTable, day, day_index
from queries.runner import run
from store.db import reader_cursor
CODE_LENGTH = {"all": 0, "districts": 6, "townships": 9, "communities": 12}          # codes nest by prefix
POINT_LEVELS = ("townships", "communities")
CODE_COLUMN = {"districts": "district_code", "townships": "township_code", "communities": "community_code"}

# The overview replays the loop day by day, so it never runs the loop queries once per day: it runs them once,
# as of the period's last day (queries/period.py), and keeps with each alert the first as-of day whose alerts include it. Return
# alerts and fevers count from the day reported (a return alert's time is its event's, which may come earlier); a
# leak from the day its deadline passes: the day of `due_at` for
# a deadline to be met before it (arrival, quarantine: queries/leaks_as_of.sql keeps `due_at < as_of + 1`), the
# day before a midnight deadline to be met by it (release, a day's temperature report: `due_at <= as_of + 1`).
BY_MIDNIGHT = ("leak_release", "leak_temperature")
ALERT_ORDER = ("shown_day", "raised_at", "alert_id")   # period_alerts' order
LOOP_COLUMNS = ("alert_id", "kind", "person_id", "raised_at", "community_code", "township_code", "district_code")


def deadlines() -> Deadlines:
    return Deadlines.from_env()


def period_alerts(ctx, scope) -> pd.DataFrame:
    """Every alert of the scope up to the end of the period (loop.alerts.collect as of its last day, all its
    columns) with `shown_day`: the index of the first as-of day whose alerts include it, in that order (then as
    raised). The alerts as of any day of the period are its first rows up to that day (loop_as_of). Cached per
    snapshot; never sent as such. Each alert depends on its own person's rows only, so a snapshot that changed a
    few people (a small batch) takes the previous snapshot's alerts and computes those people's again."""
    found = deadlines()

    period = ctx.period()

    def dated(frame):
        raised = pd.to_datetime(frame["raised_at"])
        early = pd.to_timedelta(frame["kind"].isin(BY_MIDNIGHT).astype("int64"), unit="us")
        shown = ((pd.to_datetime(frame["reported_at"]) - early).dt.normalize() - pd.Timestamp(EPOCH)).dt.days
        frame = frame.assign(raised_at=raised, shown_day=shown.clip(lower=day_index(period.start)).astype("int64"))
        return frame.sort_values(list(ALERT_ORDER), ignore_index=True)

    def patch(earlier, changed, conn):
        if not changed:
            return earlier
        kept = earlier[~earlier["person_id"].isin(changed)].reset_index(drop=True)
        fresh = alerts.collect(cursor_per_call(conn), scope, period.end, found, persons=sorted(changed), at_once=True)
        return merged(kept, dated(fresh)) if len(fresh) else kept
    return ctx.cache.get(("loop.period_alerts", scope, found, period),
                         lambda _conn: dated(alerts.collect(ctx.query, scope, period.end, found)), patch)


def cursor_per_call(conn):
    """A `query` callable safe to call from several threads: each call runs on a cursor of its own of `conn`'s
    database (the same version), set up as the store's readers are."""
    return lambda name, scope, **params: run(reader_cursor(conn), name, scope, **params)


def merged(kept: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Two frames sorted by ALERT_ORDER as one in that order; `fresh`, a few rows, is placed by binary search,
    so the larger is not sorted again (sorting 130,000 alerts by their text ids took 0.11 s at scale 100)."""
    columns = [kept[c] for c in ALERT_ORDER]

    def position(key: tuple) -> int:
        lo, hi = 0, len(kept)
        while lo < hi:
            mid = (lo + hi) // 2
            if tuple(c.iat[mid] for c in columns) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo
    at = np.array([position(tuple(row)) for row in fresh[list(ALERT_ORDER)].itertuples(index=False)], dtype=np.int64)
    order = np.argsort(np.concatenate([np.arange(len(kept)) * 2 + 1, at * 2]), kind="stable")
    return pd.concat([kept, fresh], ignore_index=True).take(order).reset_index(drop=True)


def loop_rows(ctx, scope) -> pd.DataFrame:
    """period_alerts without any person-level field but the internal person_id, with `place_<level>`: its
    township's / community's row in places(ctx, scope, level) (-1: none). Cached per snapshot."""
    def compute(_conn):
        frame = period_alerts(ctx, scope)[[*LOOP_COLUMNS, "shown_day"]]
        where = {f"place_{level}": points.positions(places(ctx, scope, level), frame[CODE_COLUMN[level]])
                 for level in POINT_LEVELS}
        return frame.assign(**where)
    return ctx.cache.get(("overview.loop", scope, deadlines()), compute)


def loop_as_of(rows: pd.DataFrame, as_of) -> pd.DataFrame:
    """The rows of period_alerts (or of any selection of its rows, kept in its order) that the loop's queries
    return as of the end of `as_of`: its first rows, a slice rather than a copy."""
    return rows.iloc[:int(np.searchsorted(rows["shown_day"].to_numpy(), day_index(as_of), side="right"))]


def loop_states(ctx, scope) -> pd.DataFrame:
    """loop_rows with each alert's current workflow state (loop.alerts.with_state), cached per snapshot and
    workflow step."""
    version = workflow.version(ctx.state)
    return ctx.cache.get(("overview.loop_states", scope, deadlines(), version),
                       lambda _conn: alerts.with_state(loop_rows(ctx, scope), ctx.state, ctx.period().end))


def counted_alerts(rows: pd.DataFrame) -> pd.DataFrame:
    """What the "alerts" metric and point layer count: return alerts not closed, and every leak."""
    kind = rows["kind"]
    return rows[((kind == "return") & (rows["state"] != "closed")) | kind.str.startswith("leak_")]


def counted(ctx, scope) -> pd.DataFrame:
    """counted_alerts of the scope's loop_states, cached per snapshot and workflow step."""
    return ctx.cache.get(("overview.counted", scope, deadlines(), workflow.version(ctx.state)),
                         lambda _conn: counted_alerts(loop_states(ctx, scope)))


def funnel_leaks(ctx, scope, path: list[str], as_of) -> list[int]:
    """Leaks between the funnel's stages in the area `path` ends in as of `as_of`: distinct people per stage in
    the order of loop.alerts.FUNNEL_LEAKS, as loop.alerts.funnel_leaks counts them. From the loop rows cached per
    snapshot (no query per day), as plain arrays kept per area: a date change costs a fraction of a millisecond."""
    def compute(_conn):
        rows = inside(loop_rows(ctx, scope), path)
        leaks = rows[rows["kind"].str.startswith("leak_")]
        return (leaks["kind"].str.removeprefix("leak_").to_numpy(dtype=object),
                leaks["person_id"].to_numpy(dtype=np.int64), leaks["shown_day"].to_numpy(dtype=np.int64))
    stage, person, shown = ctx.cache.get(("overview.leaks", scope, tuple(path), deadlines()), compute)
    now = shown <= day_index(as_of)
    return [int(np.unique(person[now & (stage == name)]).size) if name else 0 for name in alerts.FUNNEL_LEAKS]


def alerts_table(ctx, scope, level: str) -> MetricTable:
    """The "alerts" metric per area of `level` ('all' or one of LEVELS) and day: counted_alerts placed in the
    area (by the alert's own codes) that the alerts page lists as of that day. Cached per snapshot and workflow
    step; a date change is then a lookup like any other metric."""
    version, period = workflow.version(ctx.state), ctx.period()

    def compute(_conn):
        rows = counted(ctx, scope)
        codes = pd.Series("all", index=rows.index) if level == "all" else rows[CODE_COLUMN[level]]
        rows, codes = rows[codes.notna()], codes[codes.notna()]
        known = sorted(set(codes))
        values = np.zeros((len(known), period.days), dtype=np.int64)
        column = (rows["shown_day"] - day_index(period.start)).clip(upper=period.days - 1).to_numpy()
        np.add.at(values, (pd.Index(known).get_indexer(codes), column), 1)
        return MetricTable(known, np.cumsum(values, axis=1), period.start)
    return ctx.cache.get(("overview.alerts", scope, level, deadlines(), version), compute)


class RiskDays:
    """Community risk scores (loop.risk.score) per as-of day (a day_index) for one scope and snapshot: a day is
    scored when first asked for, `fill` scores the rest of the period in the background, so that moving the date
    on the risk map is a lookup. The inputs (queries/risk_inputs.sql) are kept per day; the scores per workflow
    step."""

    def __init__(self, ctx, scope, fever: float):
        self.ctx, self.scope, self.fever = ctx, scope, fever
        self.inputs: dict[int, pd.DataFrame] = {}
        self.scores: dict[tuple[int, int], pd.DataFrame] = {}        # (workflow step, day) -> scores
        self.version = None
        self.filling: int | None = None
        self.lock = threading.Lock()

    def on(self, rows: pd.DataFrame, version: int, index: int) -> pd.DataFrame:
        """The scores as of day `index` given loop_states rows of workflow step `version`."""
        with self.lock:
            if version != self.version:
                self.version = version
                self.scores = {k: v for k, v in self.scores.items() if k[0] == version}
            found = self.scores.get((version, index))
        if found is not None:
            return found
        as_of = day(index)
        inputs = self.inputs.get(index)
        if inputs is None:
            inputs = self.inputs[index] = risk.inputs(self.ctx.uncached, self.scope, as_of, fever=self.fever)
        columns = rows[["kind", "state", "raised_at", "community_code", "shown_day"]]
        found = risk.score(inputs, columns[columns["shown_day"].to_numpy() <= index], as_of)
        with self.lock:
            if version == self.version:
                self.scores[(version, index)] = found
        return found

    def fill(self, rows: pd.DataFrame, version: int, start: int) -> None:
        """Score every day of the period for workflow step `version` in the background (once per step), from day
        `start` on first (where a replay goes), then back."""
        with self.lock:
            if self.filling == version:
                return
            self.filling = version

        snapshot, period = self.ctx.store.version(), self.ctx.period()
        first, last = day_index(period.start), day_index(period.end)

        def work():
            for index in [*range(start, last + 1), *range(start - 1, first - 1, -1)]:
                if self.version != version or self.ctx.store.version() != snapshot or stopping():
                    return                              # a newer step or snapshot: its own fill takes over
                self.on(rows, version, index)
        background(work, "overview-risk")


def risk_scores(ctx, scope, as_of, fill: bool = True) -> pd.DataFrame:
    """loop.risk scores per community for `scope` as of `as_of` (community_code, score, level, reasons) — the
    same as pages.alerts.risk_scores, from the cached loop rows and a cached per-day store of inputs; every other
    day's scores follow in the background when `fill` (someone looks at the risk map: a replay is lookups)."""
    found = deadlines()
    days = ctx.cache.get(("overview.risk", scope, found), lambda _conn: RiskDays(ctx, scope, found.fever_celsius))
    version = workflow.version(ctx.state)
    rows = loop_states(ctx, scope)
    scores = days.on(rows, version, day_index(as_of))
    if fill:
        days.fill(rows, version, day_index(as_of))
    return scores


def risk_counts(scores: pd.DataFrame, level: str, codes) -> tuple[np.ndarray, np.ndarray]:
    """(medium, high): how many communities at each level lie in each area of `codes` (of `level`). A loop over
    the few scored communities (faster than pandas on string columns, and this runs on every date change)."""
    length, row = CODE_LENGTH[level], {code: i for i, code in enumerate(codes)}
    counts = {"medium": np.zeros(len(row), dtype=np.int64), "high": np.zeros(len(row), dtype=np.int64)}
    for code, found in zip(scores["community_code"].tolist(), scores["level"].tolist()):
        i = row.get(code[:length] if length else "all")
        if found in counts and i is not None:
            counts[found][i] += 1
    return counts["medium"], counts["high"]


def metric_values(ctx, scope, level: str, metric: str, as_of, codes) -> np.ndarray:
    """The values of a map metric (MAP_METRICS) at the end of `as_of` for the areas `codes` of `level`: the
    store's metrics, "alerts" (return alerts not closed + leaks), and "risk": a community's score, an area's
    number of communities at medium or high risk."""
    if metric == "alerts":
        return alerts_table(ctx, scope, level).on(as_of, codes)
    if metric == "risk":
        scores = risk_scores(ctx, scope, as_of)
        if level == "communities":
            return scores.set_index("community_code")["score"].reindex(list(codes), fill_value=0).to_numpy()
        medium, high = risk_counts(scores, level, codes)
        return medium + high
    return ctx.metric_on(scope, level, metric, as_of, codes)


def places(ctx, scope, level: str) -> dict[str, np.ndarray]:
    """A point inside each area of `level` of the scope (layers.points.area_points), where counts are drawn."""
    return ctx.cache.get(("overview.places", scope, level),
                         lambda _conn: points.area_points(ctx.query("areas", scope, level=level)))


def inside(frame: pd.DataFrame, path: list[str]) -> pd.DataFrame:
    """Rows (with district_code, township_code and, for a path to a community, community_code) of a query for the
    caller's scope that lie in the area the path ends in. Display only: the query has already applied the scope."""
    column = ("district_code", "township_code", "community_code")[len(path) - 1] if path else None
    return frame[frame[column] == path[-1]] if path else frame


def case_rows(ctx, scope) -> pd.DataFrame:
    """Confirmed cases of the scope up to the end of the period (queries/risk_cases.sql) with no case id and no
    person: kind, area codes, `shown_day` (the as-of day from which each counts, in that order, for
    loop_as_of) and `place_<level>` as in loop_rows. Cached per snapshot."""
    period = ctx.period()

    def compute(_conn):
        found = ctx.query("risk_cases", scope, as_of=period.end)
        shown = (pd.to_datetime(found["confirmed_on"]) - pd.Timestamp(EPOCH)).dt.days
        where = {f"place_{level}": points.positions(places(ctx, scope, level), found[CODE_COLUMN[level]])
                 for level in POINT_LEVELS}
        return pd.DataFrame({"kind": found["kind"], "confirmed_on": pd.to_datetime(found["confirmed_on"]),
                             **{c: found[c] for c in CODE_COLUMN.values()},
                             "shown_day": shown.clip(lower=day_index(period.start)).astype("int64"), **where}
                            ).sort_values("shown_day", kind="stable", ignore_index=True)
    return ctx.cache.get(("overview.cases", scope), compute)
