"""python -m bench [--scale 1 --scale 10 --scale 100] [--only queries --only day] [--rebuild]: one table.

Every benchmark runs on the demo city at each scale asked for (default: scale 1, a few minutes). The demo
stores are built once and cached under var/bench/scale<N>-seed<S>/ (bench.cache); `--rebuild` forces a new
build. Timed figures are medians over repeats with the p95 beside them; every ratio (Locator vs sjoin, query
vs numpy floor) is measured in the same run. A benchmark that fails prints its error as a row.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = ("scale", "benchmark", "case", "value", "unit", "budget", "ok", "note")
PER_SCALE = ("build", "ingest", "queries", "day", "alerts", "writes", "callbacks", "first_load", "load")
ONCE = ("locate",)
# modules written alongside this one: each has run(store_root: Path, scale: int) -> list[dict]
SERVING = {"writes": "bench_store_writes", "callbacks": "bench_callbacks", "first_load": "bench_first_load",
           "load": "bench_load"}


def table(rows: list[dict]) -> str:
    cells = [[str(r.get(c, "")) for c in COLUMNS] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(COLUMNS)]
    line = lambda values: "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |"  # noqa: E731
    return "\n".join([line(COLUMNS), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)])


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _error_row(benchmark: str, exc: BaseException) -> dict:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return {"benchmark": benchmark, "case": "FAILED", "value": "", "unit": "", "budget": "", "ok": "ERROR",
            "note": f"{type(exc).__name__}: {exc}"[:300] + at}


def locate_rows(points: int) -> list[dict]:
    from bench import bench_locate
    rows = []
    for r in bench_locate.run(points):
        rows.append({"benchmark": r["benchmark"], "case": f"{r['method']}, {r['points']:,} points",
                     "value": round(r["points_per_s"]), "unit": "points/s",
                     "budget": ">= 3x sjoin" if r["method"] != "geopandas.sjoin" else "",
                     "ok": ("yes" if r["ratio_vs_sjoin"] >= 3 else "NO") if r["method"] != "geopandas.sjoin" else "",
                     "note": f"{r['ratio_vs_sjoin']:.1f}x sjoin, same run ({r['seconds']} s)"})
    return rows


def scale_rows(name: str, store_root: Path, scale: int, info: dict, args) -> list[dict]:
    if name == "build":
        from bench import cache
        return cache.rows(info)
    if name == "ingest":
        from bench import bench_ingest
        return bench_ingest.run(store_root, scale)
    if name == "queries":
        from bench import bench_queries
        return bench_queries.run(store_root, scale, repeats=args.repeats)
    if name == "day":
        from bench import bench_day
        return bench_day.run(store_root, scale, repeats=args.day_repeats)
    if name == "alerts":
        from bench import bench_alerts
        rows = bench_alerts.run(repeats=args.day_repeats, source=store_root)
        for r in rows:
            r["case"] = r["case"].replace("scale-1 demo copy", f"scale-{scale} demo copy")
        return rows
    module_name = SERVING[name]
    if not (ROOT / "bench" / f"{module_name}.py").exists():
        return [{"benchmark": name.replace("_", " "), "case": "not available", "value": "", "unit": "",
                 "budget": "", "ok": "", "note": f"bench/{module_name}.py does not exist yet"}]
    module = importlib.import_module(f"bench.{module_name}")
    if not hasattr(module, "run"):
        return [{"benchmark": name.replace("_", " "), "case": "not available", "value": "", "unit": "",
                 "budget": "", "ok": "", "note": f"bench/{module_name}.py has no run(store_root, scale)"}]
    return module.run(store_root, scale)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    p.add_argument("--scale", type=int, action="append", help="demo scale, repeatable (default: 1)")
    p.add_argument("--seed", type=int, default=2020)
    p.add_argument("--only", action="append", choices=ONCE + PER_SCALE,
                   help="run only these benchmarks (repeatable; default: all)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached demo stores")
    p.add_argument("--repeats", type=int, default=7, help="timed runs per query (median, p95)")
    p.add_argument("--day-repeats", type=int, default=3, help="runs of the one-day ingest and alert latency")
    p.add_argument("--points", type=int, default=1_000_000, help="points for the spatial assignment benchmark")
    p.add_argument("--out", type=Path, help="also write the table (and the command) to this file")
    args = p.parse_args(argv)
    wanted = args.only or list(ONCE + PER_SCALE)
    rows: list[dict] = []
    started = time.perf_counter()
    if "locate" in wanted:
        _log("spatial assignment")
        try:
            rows += [{"scale": "-", **r} for r in locate_rows(args.points)]
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not lose the table
            rows.append({"scale": "-", **_error_row("spatial assignment", exc)})
    from bench import cache
    for scale in args.scale or [1]:
        try:
            store_root, info = cache.ensure(scale, args.seed, args.rebuild, log=_log)
        except Exception as exc:  # noqa: BLE001
            rows.append({"scale": scale, **_error_row("demo build", exc)})
            continue
        for name in PER_SCALE:
            if name not in wanted:
                continue
            _log(f"scale {scale}: {name}")
            try:
                got = scale_rows(name, store_root, scale, info, args)
            except Exception as exc:  # noqa: BLE001
                got = [_error_row(name.replace("_", " "), exc)]
            rows += [{"scale": scale, **r} for r in got]
    text = table(rows)
    print(text)
    _log(f"done in {time.perf_counter() - started:.0f} s")
    if args.out:
        command = " ".join([".venv/bin/python -m bench", *(argv if argv is not None else sys.argv[1:])])
        args.out.write_text(f"```sh\n{command}\n```\n\n{text}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
