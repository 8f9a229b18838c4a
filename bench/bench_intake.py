"""Inbox drop to visible: a 10-row file of vehicle checks renamed into the checkpoints channel's inbox folder of a
running server (`app.py serve --inbox`: the watcher in the serving process), until the figures API over HTTP
answers the checkpoint total with those 10 checks in it (the overview's card reads the same figure,
AppContext.headline). Also when the receipt appeared in done/ (ingested and published).

Runs the production server in its own process (bench.serving.Server) over a copy of a demo store (DEMO_STORE,
else var/store); one server per settle time. `python bench/bench_intake.py [--repeats 5]` prints the table.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2020, 4, 30)
BUDGET_S = 2.0
HEADER = "卡点编号,检查时间,车牌号,车辆类型,乘员数"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def ten_rows(checkpoint: str, rng: random.Random) -> str:
    """10 vehicle checks nobody sent before (random plates at random seconds of the last day)."""
    rows = [f"{checkpoint},{AS_OF} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d},"
            f"桂{rng.choice(LETTERS)}{rng.randrange(10 ** 5):05d},小型汽车,{rng.randint(1, 4)}" for _ in range(10)]
    return "\n".join([HEADER, *rows]) + "\n"


def _serve(argv: list[str]) -> int:
    """The server side: the production server with the inbox watcher in its process (as app.py serve --inbox)."""
    from bench.serving import app_config, prepare_assets
    from intake.cli import start_watcher
    from pages.production import serve_production
    from pages.server import create_app
    from store.db import Store

    p = argparse.ArgumentParser()
    p.add_argument("--inbox", required=True)
    p.add_argument("--settle", type=float, required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args(argv)
    work, store = Path(args.work), Store(args.store)
    app = create_app(store, app_config(work, prepare_assets(store, work / "assets"), work / "state.sqlite"))
    start_watcher(store, Path(args.inbox), args.settle)
    serve_production(app, port=0, threads=args.threads,
                     on_ready=lambda server: print(f"PORT {server.effective_port}", flush=True))
    return 0


def measure(url: str, token: str, inbox: Path, checkpoint: str, repeats: int, rng: random.Random) -> list[dict]:
    import requests

    headers = {"Authorization": f"Bearer {token}"}

    def vehicles() -> int:
        answer = requests.get(f"{url}/api/v1/figures/headline?as_of={AS_OF}", headers=headers, timeout=60)
        answer.raise_for_status()
        return answer.json()["figures"]["checkpoint_vehicles"]

    folder, done = inbox / "checkpoints", inbox / "checkpoints" / "done"
    runs = []
    for i in range(repeats):
        before = vehicles()
        name = f"vehicle_checks_bench{time.time_ns()}.csv"
        (folder / (name + ".part")).write_text(ten_rows(checkpoint, rng), encoding="utf-8")
        started = time.perf_counter()
        os.replace(folder / (name + ".part"), folder / name)
        receipt_s = None
        while True:
            if receipt_s is None and done.exists() and any(p.name.endswith(name + ".receipt.json")
                                                           for p in done.iterdir()):
                receipt_s = time.perf_counter() - started
            if vehicles() == before + 10:
                break
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"{name} not visible after 120 s (see {folder})")
            time.sleep(0.02)
        visible_s = time.perf_counter() - started
        runs.append({"visible": visible_s, "receipt": receipt_s if receipt_s is not None else visible_s})
        time.sleep(1.0)                         # let the server's warm-up of the new snapshot start, as in use
    return runs


def run(source: Path | None = None, repeats: int = 5, settles=(1.0, 0.25)) -> list[dict]:
    from auth.state import State
    from bench.bench_alerts import _copy_store
    from bench.serving import LoadWatch, Server, row
    from intake import tokens
    from store.db import Store

    source = Path(source or os.environ.get("DEMO_STORE") or ROOT / "var" / "store")
    rows, load, rng = [], LoadWatch(), random.Random(13)
    for settle in settles:
        with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
            tmp = Path(tmp)
            _copy_store(source, tmp / "store")
            store = Store(tmp / "store")
            size_mb = store.current_path().stat().st_size / 1e6
            checkpoint = store.reader().execute("SELECT min(checkpoint_id) FROM checkpoints").fetchone()[0]
            token = tokens.add(State(tmp / "work" / "state.sqlite"), "bench", tokens.AGGREGATES)
            entry = ["bench/bench_intake.py", "--serve", "--inbox", str(tmp / "inbox"), "--settle", str(settle)]
            with Server(tmp / "store", tmp / "work", entry=entry) as server:
                runs = measure(server.url, token, tmp / "inbox", checkpoint, repeats, rng)
            visible = [r["visible"] for r in runs]
            receipt = [r["receipt"] for r in runs]
            after = [r["visible"] - r["receipt"] for r in runs]
            case = f"10-row file, settle {settle:g} s{' (default)' if settle == 1.0 else ''}"
            rows += [
                row("inbox drop to visible", case, round(statistics.median(visible), 2), "s median",
                    f"<= {BUDGET_S} s", max(visible) <= BUDGET_S,
                    f"max {max(visible):.2f} s of {repeats}; store {size_mb:.0f} MB copied by each publish"),
                row("inbox drop to receipt", case, round(statistics.median(receipt), 2), "s median", "", None,
                    f"settle + ingest + publish; max {max(receipt):.2f} s"),
                row("receipt to figures API", case, round(statistics.median(after), 2), "s median", "", None,
                    f"the new snapshot's checkpoint totals; max {max(after):.2f} s")]
    return rows + [load.row("inbox drop to visible")]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve"]:
        return _serve(argv[1:])
    from bench.serving import print_rows

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", help="a demo store folder (default: DEMO_STORE, else var/store)")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    print_rows(run(args.store, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
