"""The person search (issue 16.1) as the search page runs it, uncached: the text read into terms (pinyin through
the snapshot's index), the matchers, the scope's people with stage and community, and their addresses and
households. Texts are drawn from the store itself (names, their pinyin, phone endings, trains with dates,
roads, communities), for a district's police and for a whole-city analyst; p50 / p95 / max per kind.

    .venv/bin/python bench/bench_search.py [--store var/bench/scale100-seed2020/store] [--per-kind 20]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = " USING SAMPLE reservoir(200 ROWS) REPEATABLE (2020)"     # the same texts every run
SAMPLES = {   # kind -> SQL drawing texts an officer would type, from the store
    "name": "SELECT name FROM persons WHERE regexp_full_match(name, '[\u4e00-\u9fff]{2,4}')" + SAMPLE,
    "digits": "SELECT right(phone, 4) FROM persons WHERE phone IS NOT NULL" + SAMPLE,
    "train_and_date": "SELECT carrier_no || ' ' || strftime(arrived_at, '%m-%d') FROM arrivals"
                      " WHERE carrier_no IS NOT NULL" + SAMPLE,
    "road": "SELECT regexp_extract(address, '([\u4e00-\u9fff]+[路街道])[0-9]', 1) FROM persons"
            " WHERE address LIKE '%号'" + SAMPLE,
    "community": "SELECT short_name FROM communities" + SAMPLE,
}


def texts(conn, per_kind: int, seed: int = 2020) -> list[tuple[str, str]]:
    from queries.pinyin_names import keys

    rng = random.Random(seed)
    out = []
    for kind, sql in SAMPLES.items():
        drawn = [r[0] for r in conn.execute(sql).fetchall() if r[0] and len(r[0]) >= 2]
        rng.shuffle(drawn)
        out += [(kind, t) for t in drawn[:per_kind]]
        if kind == "name":
            out += [("pinyin", rng.choice(keys(n)[1:])) for n in drawn[:per_kind]]
    return out


def run(store_dir: Path, per_kind: int = 20, district: str = "450403") -> list[dict]:
    from queries.person_search import index, search
    from queries.runner import Scope
    from queries.runner import run as run_query
    from queries.search_terms import SearchError, parse
    from store.db import Store

    conn = Store(store_dir).reader()
    runner = lambda name, scope, **p: run_query(conn, name, scope, **p)          # noqa: E731
    started = time.perf_counter()
    found_in = index(conn)
    built = time.perf_counter() - started
    as_of = conn.execute("SELECT max(arrived_at)::DATE FROM arrivals").fetchone()[0]
    rows = [{"kind": "index (once per snapshot)", "scope": "-", "n": 1, "p50_ms": built * 1000,
             "p95_ms": built * 1000, "max_ms": built * 1000, "found_median": len(found_in.names.texts)}]
    for scope in (Scope("police", district), Scope("analyst")):
        timings: dict[str, list[tuple[float, int]]] = {}
        for kind, text in texts(conn, per_kind):
            started = time.perf_counter()
            try:
                found = search(runner, scope, parse(text, as_of.year, found_in.pinyin), found_in, as_of)
            except SearchError:
                continue
            ids = found["person_id"].tolist()
            runner("households", scope, persons=ids or [-1],
                   neighbours=found_in.addresses.sharing(ids).tolist() or [-1])
            timings.setdefault(kind, []).append((time.perf_counter() - started, len(found)))
        every = [s for v in timings.values() for s in v]
        for kind, values in [*timings.items(), ("all", every)]:
            ms = sorted(s * 1000 for s, _ in values)
            rows.append({"kind": kind, "scope": scope.role, "n": len(ms), "p50_ms": statistics.median(ms),
                         "p95_ms": ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))], "max_ms": ms[-1],
                         "found_median": statistics.median(n for _, n in values)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--district", default="450403")
    args = parser.parse_args()
    print(f"{'kind':<34} {'scope':<8} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'found (median)':>15}")
    for r in run(args.store, args.per_kind, args.district):
        print(f"{r['kind']:<34} {r['scope']:<8} {r['n']:>4} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['max_ms']:>8.1f}"
              f" {r['found_median']:>15,.0f}")


if __name__ == "__main__":
    main()
