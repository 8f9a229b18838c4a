"""Alert-to-screen latency: from ingesting a file that carries a returnee to the alert being returned by the
alerts query the alerts page runs (loop.alerts.collect: return alerts, leaks and fevers for the whole city).

Runs on a copy of a demo store (DEMO_STORE, else var/store, else a scale-1 demo built in a temporary folder);
the original is never written.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2020, 4, 30)


def _copy_store(source: Path, target: Path) -> None:
    from store.db import Store

    target.mkdir(parents=True)
    snapshot = Store(source).current_path()
    shutil.copy2(snapshot, target / snapshot.name)
    (target / "CURRENT").write_text(snapshot.name)


def _returnees(conn, n: int) -> list[tuple[str, str, str]]:
    """(name, doc_type label, doc_number) of people still abroad with no return alert yet."""
    return conn.execute("""
        SELECT p.name, '身份证', d.doc_number FROM abroad a JOIN persons p USING (person_id)
        JOIN documents d ON d.person_id = a.person_id AND d.doc_type = 'resident_id'
        WHERE NOT EXISTS (SELECT 1 FROM alerts x WHERE x.person_id = a.person_id)
          AND NOT EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id)
        GROUP BY ALL ORDER BY d.doc_number LIMIT ?""", [n]).fetchall()


def run(repeats: int = 3, source: Path | None = None) -> list[dict]:
    from ingest.channels import feed_named
    from ingest.run import ingest_files
    from loop import alerts
    from queries.runner import Scope
    from store.db import Store

    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as tmp:
        tmp = Path(tmp)
        source = source or Path(os.environ.get("DEMO_STORE") or ROOT / "var" / "store")
        if not (source / "CURRENT").exists():
            from app import build_demo
            source = tmp / "built"
            build_demo(source, show_progress=False, feeds_dir=tmp / "feeds")
        _copy_store(source, tmp / "store")
        store = Store(tmp / "store")
        people = _returnees(store.reader(), repeats)
        scope = Scope.whole_city("leadership")
        totals, ingests, queries = [], [], []
        for i, (name, doc_type, number) in enumerate(people):
            path = tmp / f"rail_bench{i}.csv"
            path.write_text("车次,出发站,到达站,到达时间,姓名,证件类型,证件号码,手机\n"
                            f"D3626,广州南,梧州南站,2020-04-30 1{i}:00,{name},{doc_type},{number},\n", encoding="utf-8")
            started = time.perf_counter()
            ingest_files(store, [(feed_named("rail"), path)], show_progress=False)
            ingested = time.perf_counter()
            frame = alerts.collect(alerts.runner(store.reader()), scope, AS_OF)
            done = time.perf_counter()
            person = store.reader().execute("SELECT person_id FROM documents WHERE doc_number = ?",
                                            [number]).fetchone()[0]
            assert (frame["alert_id"].str.startswith(f"return:{person}:")).sum() == 1, "alert not on screen"
            totals.append((done - started) * 1000)
            ingests.append((ingested - started) * 1000)
            queries.append((done - ingested) * 1000)
    median = statistics.median(totals)
    return [
        {"benchmark": "alert to screen", "case": "ingest 1-row rail file -> alerts query (scale-1 demo copy)",
         "value": round(median), "unit": "ms", "budget": "", "ok": "",
         "note": f"median of {len(totals)}; max {max(totals):.0f} ms; ingest {statistics.median(ingests):.0f} ms"
                 f" + query {statistics.median(queries):.0f} ms"},
        {"benchmark": "alert to screen", "case": "alerts query only", "value": round(statistics.median(queries)),
         "unit": "ms", "budget": "", "ok": "", "note": "return alerts + leaks + fevers, whole city, as of 04-30"},
    ]


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(ROOT))
    for row in run():
        print(row)
