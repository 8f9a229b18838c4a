"""Every dashboard query, timed on a demo store beside the machine's floor for the same bytes.

The calls are the ones the pages make (pages/*.py: ctx.query / ctx.people / ctx.metric / ctx.headline, and
loop.alerts / loop.risk / loop.plans through ctx.query), with the pages' parameters: the whole city as an analyst
sees it (every query allowed, person fields masked), as of the report day (2020-03-29) unless the page uses the period's end, metrics per
queries.dashboard.metric_query at the levels the map opens on (districts) and drills to (communities).

Each query runs through queries.runner.run (SQL bound, scope applied, result as a DataFrame, as the pages get
it): one warm-up, then `repeats` timed runs -> median and p95.

Floor: DuckDB's plan (EXPLAIN) names every table scan and the columns it reads (projected or filtered).
Each such column is loaded once as Arrow buffers into a contiguous numpy byte array and one pass over it
(sum as uint64) is timed; the query's floor is the sum over its scans' columns (a table scanned twice counts
twice), so floor = "just touching the bytes the query reads, once per scan, on one core", measured in the
same run. The ratio query / floor says how far a query is above that. Row groups skipped by DuckDB's
zone maps are still counted in the floor (so a date-pruned query can even come out below 1x).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import time
from pathlib import Path

import numpy as np

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
REPORT_DAY = dt.date(2020, 3, 29)
FAR_ABOVE = 100.0             # flag queries slower than this many times their floor ...
NOTICEABLE_MS = 50.0          # ... when they also take longer than this (tiny queries are all fixed overhead)
# queries the pages never run on a page load (none today); listed so a new .sql file is never silently skipped
NOT_ON_PAGES: dict[str, str] = {}
ROLE = "analyst"              # the whole city, person-level queries allowed (masked): the widest scope a page has


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def calls(conn) -> list[tuple[str, str, dict]]:
    """(label, query name, parameters) of every query the pages run, with the pages' parameters."""
    from loop.deadlines import Deadlines
    from loop.risk import RiskModel
    from queries.dashboard import METRICS, metric_query
    from queries.period import data_period

    rules, period = Deadlines.from_env(), data_period(conn)
    as_of = REPORT_DAY
    person = conn.execute("""SELECT b.person_id FROM border_entries b JOIN quarantines q USING (person_id)
                             ORDER BY b.entry_date, b.person_id LIMIT 1""").fetchone()
    person = int(person[0]) if person else 1
    out = [("headline cards (overview: checks from daily counts)", "headline_figures",
            {"as_of": as_of, "since": period.start, "checks": False}),
           ("headline with checkpoint totals (app.py figures)", "headline_figures",
            {"as_of": as_of, "since": period.start, "checks": True})]
    for level in ("districts", "communities"):
        for metric in METRICS:
            name, params = metric_query(metric, period)
            out.append((f"map metric {metric}, {level}", name, {"level": level, **params}))
        out.append((f"area list, {level}", "areas", {"level": level}))
    out += [
        ("checkpoints on map / page", "checkpoints", {}),
        ("checkpoint daily chart", "checkpoint_daily", {"start": period.start, "end": period.end}),
        ("quarantine sites on map", "quarantine_sites", {"as_of": period.end}),
        ("alerts: returns", "alerts_returns", {"as_of": as_of, "reveal": False, "persons": None}),
        ("alerts: leaks", "leaks_as_of", {"as_of": as_of, "since": period.start, "reveal": False,
                                          "persons": None, **rules.params()}),
        ("alerts: fevers", "quarantine_fevers", {"as_of": as_of, "fever": rules.fever_celsius, "reveal": False,
                                                      "persons": None}),
        ("risk inputs", "risk_inputs", {"as_of": as_of, "days": RiskModel.configured().days, "fever": rules.fever_celsius}),
        ("risk cases", "risk_cases", {"as_of": as_of}),
        ("transfer batches", "plans_batches", {"as_of": as_of}),
        ("person plan", "plans_person", {"person": person, "as_of": as_of, "reveal": False, "moved": "[]",
                                          **rules.params()}),
        ("person journey (drill-down)", "person_journey", {"person": person, "as_of": as_of, "moved": "[]"}),
        ("person fields (unmask)", "person_fields", {"person": person}),
        ("people grid, everyone", "loop_people", {
            "as_of": as_of, "since": period.start, "population": None, "community": None, "doc_type": None,
            "country": None, "channel": None, "reveal": False, "sort_col": None, "sort_desc": False, "moved": "[]"}),
        ("export filter options", "filter_options", {}),
        ("quarantine occupancy", "quarantine_occupancy", {"start": period.start, "end": period.end}),
        ("quarantine release calendar", "quarantine_calendar", {
            "start": period.start, "end": period.end, "as_of": as_of, "quarantine_days": rules.quarantine_days}),
        ("home quarantine list", "quarantine_home", {
            "as_of": as_of, "quarantine_days": rules.quarantine_days, "fever": rules.fever_celsius,
            "reveal": False}),
        ("feed status", "feed_status", {"now": None}),
        ("reject reasons", "reject_reasons", {}),
    ]
    return out


# ------------------------------------------------------------------------------------------------- floor
def _scans(conn, sql: str, values: dict) -> list[tuple[str, list[str]]]:
    """(table, columns read) of every table scan in the query's plan."""
    plan = conn.execute("EXPLAIN (FORMAT JSON) " + sql, values).fetchall()[0][1]
    found = []

    def walk(node):
        info = node.get("extra_info") or {}
        if isinstance(info, dict) and "Table" in info:
            table = info["Table"].split(".")[-1].strip('"')
            cols = info.get("Projections") or []
            cols = [cols] if isinstance(cols, str) else list(cols)
            filters = info.get("Filters") or ""
            filters = " ".join(filters) if isinstance(filters, list) else str(filters)
            found.append((table, cols, filters))
        for child in node.get("children", []):
            walk(child)

    for root in json.loads(plan):
        walk(root)
    out = []
    for table, cols, filters in found:
        names = set(r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall())
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", filters))
        read = [c for c in cols if c in names] + sorted((words & names) - set(cols))
        out.append((table, read))
    return out


class Floor:
    """Per-column floor: bytes and the median time of one numpy pass over them, measured once per column."""

    def __init__(self, conn, repeats: int):
        self.conn, self.repeats = conn, repeats
        self.columns: dict[tuple[str, str], tuple[int, float]] = {}

    def column(self, table: str, column: str) -> tuple[int, float]:
        key = (table, column)
        if key not in self.columns:
            arrow = self.conn.sql(f'SELECT "{column}" FROM "{table}"').to_arrow_table()
            parts = [np.frombuffer(b, np.uint8) for chunk in arrow.column(0).chunks
                     for b in chunk.buffers() if b is not None and b.size]
            raw = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
            del arrow, parts
            words = np.zeros((raw.size + 7) // 8, np.uint64)
            words.view(np.uint8)[:raw.size] = raw
            del raw
            times = []
            for _ in range(self.repeats):
                started = time.perf_counter()
                np.add.reduce(words)
                times.append(time.perf_counter() - started)
            self.columns[key] = (words.nbytes, statistics.median(times))
        return self.columns[key]

    def of(self, scans) -> tuple[int, float]:
        parts = [self.column(t, c) for t, cols in scans for c in cols]
        return sum(b for b, _ in parts), sum(s for _, s in parts)


# ------------------------------------------------------------------------------------------------- run
class _Recorder:
    """A stand-in connection that keeps the SQL and values queries.runner.run would execute."""

    def execute(self, sql, values=None):
        self.sql, self.values = sql, values or {}
        raise _Recorded


class _Recorded(Exception):
    pass


def bound_sql(name: str, scope, params: dict) -> tuple[str, dict]:
    """The SQL and bound values queries.runner.run executes for this call (however the runner renders it)."""
    from queries.runner import run as run_query

    recorder = _Recorder()
    try:
        run_query(recorder, name, scope, **params)
    except _Recorded:
        return recorder.sql, recorder.values
    raise RuntimeError(f"{name}: the runner did not execute anything")


def _one(conn, floor: Floor, scope, label: str, name: str, params: dict, repeats: int) -> dict:
    """One query's row: warm-up, timed repeats, floor for the bytes its plan scans."""
    from queries.runner import run as run_query

    sql, values = bound_sql(name, scope, params)
    first = time.perf_counter()
    result = run_query(conn, name, scope, **params)
    first = time.perf_counter() - first
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run_query(conn, name, scope, **params)
        times.append(time.perf_counter() - started)
    median, p95 = statistics.median(times) * 1000, _p95(times) * 1000
    try:
        scans = _scans(conn, sql, values)
        nbytes, floor_s = floor.of(scans)
        ratio = median / (floor_s * 1000) if floor_s else float("inf")
        ratio_text = f"{ratio:,.0f}x floor ({floor_s * 1000:.2f} ms for {nbytes / 1e6:,.1f} MB,"\
                     f" {len(scans)} scans)"
    except Exception as exc:  # noqa: BLE001 - a floor that cannot be measured is reported, not fatal
        ratio, ratio_text = float("nan"), f"floor not measured: {type(exc).__name__}: {exc}"
    far = ratio > FAR_ABOVE and median > NOTICEABLE_MS
    return {"benchmark": "dashboard query", "case": f"{name}: {label}", "value": round(median, 1),
            "unit": "ms", "budget": f"<= {FAR_ABOVE:.0f}x floor or < {NOTICEABLE_MS:.0f} ms",
            "ok": "FAR ABOVE FLOOR" if far else "yes",
            "note": f"{ratio_text}; p95 {p95:.1f} ms of {repeats}; first {first * 1000:.0f} ms;"
                    f" {len(result):,} rows"}


def run(store_root: Path, scale: int, repeats: int = 7) -> list[dict]:
    from queries.runner import Scope
    from store.db import Store

    conn = Store(store_root).reader()
    scope = Scope.whole_city(ROLE)
    floor = Floor(conn, repeats)
    rows, seen = [], set()
    for label, name, params in calls(conn):
        seen.add(name)
        try:
            rows.append(_one(conn, floor, scope, label, name, params, repeats))
        except Exception as exc:  # noqa: BLE001 - one failing query is a row, not a lost table
            rows.append({"benchmark": "dashboard query", "case": f"{name}: {label}", "value": "", "unit": "",
                         "budget": "", "ok": "ERROR", "note": f"{type(exc).__name__}: {exc}"[:300]})
    for path in sorted(QUERY_DIR.glob("*.sql")):
        if path.read_text(encoding="utf-8").startswith("-- Included"):    # a fragment of other queries
            continue
        if path.stem not in seen:
            rows.append({"benchmark": "dashboard query", "case": f"{path.stem}: not benchmarked", "value": "",
                         "unit": "", "budget": "", "ok": "",
                         "note": NOT_ON_PAGES.get(path.stem, "not in bench_queries.calls(): add it")})
    total = sum(r["value"] for r in rows if isinstance(r["value"], float))
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        conn.execute("SELECT 1 AS one WHERE $x IS NULL", {"x": None}).df()
        times.append(time.perf_counter() - started)
    rows.append({"benchmark": "dashboard query", "case": "fixed cost: a one-row query to a DataFrame",
                 "value": round(statistics.median(times) * 1000, 2), "unit": "ms", "budget": "", "ok": "",
                 "note": f"p95 {_p95(times) * 1000:.2f} ms: the least any query above can take"})
    rows.append({"benchmark": "dashboard query", "case": "all of the above, one after another", "value": round(total),
                 "unit": "ms", "budget": "", "ok": "", "note": "sum of medians (a cold page load runs a subset)"})
    return rows


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import cache
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    root = Path(sys.argv[2]) if len(sys.argv) > 2 else cache.ensure(scale)[0]
    for row in run(root, scale):
        print(row)
