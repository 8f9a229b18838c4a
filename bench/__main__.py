"""python -m bench [--scale 1 --scale 100] [--points N]: run every benchmark and print one table."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_alerts, bench_ingest, bench_locate  # noqa: E402

COLUMNS = ("benchmark", "case", "value", "unit", "budget", "ok", "note")


def table(rows: list[dict]) -> str:
    cells = [[str(r.get(c, "")) for c in COLUMNS] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(COLUMNS)]
    line = lambda values: "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |"  # noqa: E731
    return "\n".join([line(COLUMNS), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)])


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--scale", type=int, action="append", help="demo scales to build (default: 1)")
    p.add_argument("--points", type=int, default=1_000_000, help="points for the spatial assignment benchmark")
    args = p.parse_args()
    rows = []
    for r in bench_locate.run(args.points):
        rows.append({"benchmark": r["benchmark"], "case": f"{r['method']}, {r['points']:,} points",
                     "value": round(r["points_per_s"]), "unit": "points/s",
                     "budget": ">= 3x sjoin" if r["method"] != "geopandas.sjoin" else "",
                     "ok": ("yes" if r["ratio_vs_sjoin"] >= 3 else "NO") if r["method"] != "geopandas.sjoin" else "",
                     "note": f"{r['ratio_vs_sjoin']:.1f}x sjoin, same run"})
    rows += bench_ingest.run(tuple(args.scale or [1]))
    rows += bench_alerts.run()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
