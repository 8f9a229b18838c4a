"""Writes proportional to the batch (issue 14.2): a 10-row rail file carrying returnees, from the start of its ingest
to its alerts in the alerts the server shows (pages/loop_map.period_alerts: the previous snapshot's, held as a running
server holds them, with the batch's people's computed again), and the bytes the ingesting process wrote to disk for
it (the write-ahead log, the checkpoint's blocks, the next write's spare, the store's small files), against the size
of the database every write used to copy. The whole computation of the alerts on the new snapshot is timed too.

Runs on a copy of a bench store; a few empty writes first bring the copy to its steady state (three kept
versions, a retired one to make the spare from). `python -m bench --only writes --scale 1 --scale 100`.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_alerts import _returnees
from bench.bench_callbacks import copy_store

ROWS_PER_FILE = 10
BUDGET_MS = 1000
BUDGET_MB = 10


def written_bytes() -> int:
    """Bytes this process caused to be written to storage so far (Linux /proc/self/io)."""
    return int(next(line for line in Path("/proc/self/io").read_text().splitlines()
                    if line.startswith("write_bytes")).split()[1])


def rail_file(path: Path, people, hour: int) -> Path:
    lines = "".join(f"D3626,广州南,梧州南站,2020-04-30 {hour:02d}:{i:02d}:00,{name},{doc},{number},\n"
                    for i, (name, doc, number) in enumerate(people))
    path.write_text("车次,出发站,到达站,到达时间,姓名,证件类型,证件号码,手机\n" + lines, encoding="utf-8")
    return path


def run(store_root: Path, scale: int, repeats: int = 5) -> list[dict]:
    from ingest.channels import feed_named
    from ingest.run import ingest_files
    from loop import alerts
    from pages.context import AppConfig, AppContext
    from pages.loop_map import period_alerts
    from queries.runner import Scope
    from store.db import Store

    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp:
        tmp = Path(tmp)
        copy_store(store_root, tmp / "store", steady=True)
        store = Store(tmp / "store")
        people = _returnees(store.reader(), ROWS_PER_FILE * repeats)
        size = store.current_path().stat().st_size
        scope = Scope.whole_city("leadership")
        server = AppContext.create(store, AppConfig(state_path=tmp / "app.sqlite"))
        period_alerts(server, scope)                        # what a running server holds before the batch
        visible, published, spare_s, written, spare_bytes, patched, whole = [], [], [], [], [], 0, []
        for i in range(repeats):
            batch = people[i * ROWS_PER_FILE:(i + 1) * ROWS_PER_FILE]
            path = rail_file(tmp / f"rail_writes{i}.csv", batch, 10 + i)
            before, started = written_bytes(), time.perf_counter()
            ingest_files(store, [(feed_named("rail"), path)], show_progress=False)
            written.append(written_bytes() - before)
            at = store.phase_started
            published.append(at["spare"] - started)
            spare_s.append(at["prune"] - at["spare"])
            spare_bytes.append(store.last_spare["bytes"])
            patched += store.last_spare["from"] is not None and store.last_copy["spare"]
            queried = time.perf_counter()
            frame = period_alerts(server, scope)
            visible.append(published[-1] + time.perf_counter() - queried)
            queried = time.perf_counter()
            assert len(alerts.collect(alerts.runner(store.reader()), scope, server.period().end)) == len(frame)
            whole.append(time.perf_counter() - queried)
            raised = {int(a.split(":")[1]) for a in frame["alert_id"] if a.startswith("return:")}
            ids = store.reader().execute("SELECT person_id FROM documents WHERE doc_number IN (SELECT unnest(?))",
                                         [[n for _, _, n in batch]]).fetchall()
            assert {p for (p,) in ids} <= raised, "a returnee's alert is not on screen"
    mb = lambda b: round(b / 1e6, 1)  # noqa: E731
    note = f"median of {repeats} files of {ROWS_PER_FILE} rows; {patched} of {repeats} started from a patched spare"
    return [
        {"benchmark": "store writes", "case": f"{ROWS_PER_FILE}-row file: start of ingest -> alerts on screen",
         "value": round(statistics.median(visible) * 1000), "unit": "ms", "budget": f"<= {BUDGET_MS}",
         "ok": "yes" if statistics.median(visible) * 1000 <= BUDGET_MS else "NO",
         "note": f"{note}; max {max(visible) * 1000:.0f} ms; published after {statistics.median(published) * 1000:.0f} ms;"
                 f" the alerts computed whole instead: {statistics.median(whole) * 1000:.0f} ms"},
        {"benchmark": "store writes", "case": f"{ROWS_PER_FILE}-row file: bytes written by the ingest",
         "value": mb(statistics.median(written)), "unit": "MB", "budget": f"<= {BUDGET_MB}",
         "ok": "yes" if statistics.median(written) <= BUDGET_MB * 1e6 else "NO",
         "note": f"max {mb(max(written))} MB; of which the next spare {mb(statistics.median(spare_bytes))} MB; "
                 f"the database ({mb(size)} MB) was copied whole by every write before"},
        {"benchmark": "store writes", "case": "next spare made after publishing (off the visible path)",
         "value": round(statistics.median(spare_s) * 1000), "unit": "ms", "budget": "", "ok": "",
         "note": f"max {max(spare_s) * 1000:.0f} ms; compares the retired and published files block by block"},
    ]


if __name__ == "__main__":
    import argparse
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.__main__ import table
    p = argparse.ArgumentParser(description="bytes and time a small batch costs the store")
    p.add_argument("--store", type=Path, required=True, help="a store folder (it is copied, never written)")
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    print(table(run(a.store, 0, a.repeats)))
