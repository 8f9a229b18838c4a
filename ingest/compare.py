"""Whether two stores hold the same data: every table's rows compared as multisets, the times at which batches
were ingested aside. Proves the distributed ingest (ingest.distributed) against the one-machine path."""
from __future__ import annotations

import duckdb

from store.db import Store, table_counts

WALL_CLOCK = {"batches": ("started_at", "committed_at"), "corrections": ("corrected_at",),
              "identity_model": ("trained_at",)}


def differences(a: Store, b: Store) -> dict[str, tuple[int, int]]:
    """Table -> (rows only in a, rows only in b), for every table where they differ (empty: the same data)."""
    conn = duckdb.connect()
    try:
        conn.execute("SET enable_progress_bar = false")
        conn.execute(f"ATTACH '{a.current_path()}' AS a (READ_ONLY)")
        conn.execute(f"ATTACH '{b.current_path()}' AS b (READ_ONLY)")
        tables = sorted(set(table_counts(a.reader())) | set(table_counts(b.reader())))
        out = {}
        for table in tables:
            skip = WALL_CLOCK.get(table)
            columns = f"* EXCLUDE ({', '.join(skip)})" if skip else "*"
            only = [conn.execute(f"SELECT count(*) FROM (SELECT {columns} FROM {x}.{table} EXCEPT ALL "
                                 f"SELECT {columns} FROM {y}.{table})").fetchone()[0] for x, y in (("a", "b"), ("b", "a"))]
            if any(only):
                out[table] = tuple(only)
        return out
    finally:
        conn.close()
