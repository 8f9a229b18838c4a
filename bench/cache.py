"""Demo stores for the benchmarks, built once per (scale, seed) and kept under var/bench/scale<N>-seed<S>/.

    var/bench/scale10-seed2020/store/       the store (app.build_demo through the real ingest path)
    var/bench/scale10-seed2020/feeds/       the feed files of the week bench_day cuts its day from (the rest
                                            are deleted after the build: scale 100 writes ~6 GB of feeds)
    var/bench/scale10-seed2020/build.json   the build's timings and peak memory, reported by `python -m bench`

The build runs in a child process so its peak memory is its own. `--rebuild` (ensure(..., rebuild=True))
replaces a cached build. Run alone: `python -m bench.cache --scale 10` builds (or reports) one.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"


def folder(scale: int, seed: int = 2020) -> Path:
    return CACHE / f"scale{scale}-seed{seed}"


def ensure(scale: int, seed: int = 2020, rebuild: bool = False, log=None) -> tuple[Path, dict]:
    """(store root, build info) of the demo city at `scale`, building it first when absent or asked to."""
    base = folder(scale, seed)
    info_file = base / "build.json"
    if not rebuild and (base / "store" / "CURRENT").exists() and info_file.exists():
        return base / "store", {**json.loads(info_file.read_text()), "cached": True}
    if not rebuild and (base / "CURRENT").exists():      # `app.py --store var/bench/scale<N>-seed<S> demo`
        return base, {"scale": scale, "seed": seed, "cached": True, "outside": True}
    if log:
        log(f"building the scale-{scale} demo city into {base} (scale 100 takes ~25 min and ~8 GB)")
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "bench.cache", "--build", "--scale", str(scale), "--seed", str(seed)],
                   cwd=ROOT, check=True)
    return base / "store", {**json.loads(info_file.read_text()), "cached": False}


def _build(scale: int, seed: int) -> dict:
    """In this process: write the feeds, ingest them, keep only the files bench_day needs, record timings."""
    from app import build_demo
    from bench.bench_day import source_files

    base = folder(scale, seed)
    started = time.time()
    timings = build_demo(base / "store", scale=scale, seed=seed, show_progress=False, feeds_dir=base / "feeds")
    feeds = base / "feeds"
    feed_bytes = sum(p.stat().st_size for p in feeds.glob("*.*") if p.is_file())
    n_files = sum(1 for p in feeds.glob("*.*") if p.is_file())
    keep = {p.name for _, p in source_files(feeds)}
    for p in feeds.iterdir():
        if p.name not in keep:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    store_bytes = sum(p.stat().st_size for p in (base / "store").glob("snapshot-*.duckdb"))
    info = {"scale": scale, "seed": seed, "built_at": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
            "seconds": {k: round(v, 1) for k, v in timings.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "feed_files": n_files, "feed_mb": round(feed_bytes / 1e6, 1), "store_mb": round(store_bytes / 1e6, 1)}
    (base / "build.json").write_text(json.dumps(info, indent=1))
    return info


def rows(info: dict) -> list[dict]:
    """The table's rows for one build."""
    if info.get("outside"):
        return [{"benchmark": "demo build", "case": "not timed", "value": "", "unit": "", "budget": "", "ok": "",
                 "note": "store built outside bench.cache (app.py demo): no timings; --rebuild to time a build"}]
    budget = {1: 120.0}.get(info["scale"])
    s = info["seconds"]
    how = f"cached, built {info['built_at']}" if info.get("cached") else "built in this run"
    return [
        {"benchmark": "demo build", "case": "feeds + ingest (one run)", "value": s["total"], "unit": "s",
         "budget": f"< {budget:.0f} s" if budget else "",
         "ok": "" if budget is None else ("yes" if s["total"] < budget else "NO"),
         "note": f"feeds {s['write feeds']} s + ingest {s['ingest']} s; {info['feed_files']} files,"
                 f" {info['feed_mb']} MB; {how}"},
        {"benchmark": "demo build", "case": "peak memory / store size", "value": info["peak_rss_mb"], "unit": "MB",
         "budget": "", "ok": "", "note": f"store {info['store_mb']} MB"},
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    p = argparse.ArgumentParser(prog="python -m bench.cache")
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--seed", type=int, default=2020)
    p.add_argument("--build", action="store_true", help="build here, now (ensure() calls this in a child)")
    p.add_argument("--rebuild", action="store_true")
    a = p.parse_args()
    if a.build:
        print(json.dumps(_build(a.scale, a.seed)))
    else:
        root, info = ensure(a.scale, a.seed, a.rebuild, log=lambda m: print(m, file=sys.stderr))
        print(root, json.dumps(info))
