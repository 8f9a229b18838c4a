"""`app.py store check` and `store repair`: the store's health, and a return to its last good version."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from store.db import SCHEMA, Store, VerifyError, snapshot_number, spare_name, table_counts


@dataclass
class Health:
    """What `check` found: problems make the store unhealthy; notes are informational."""
    published: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def report(self) -> str:
        lines = [f"published: {self.published or '(none)'}", f"status: {'healthy' if self.healthy else 'UNHEALTHY'}"]
        lines += [f"  problem: {p}" for p in self.problems] + [f"  {n}" for n in self.notes]
        return "\n".join(lines)


def scan(path: Path) -> dict[str, int]:
    """Open read-only and read every row of every table (a damaged segment fails here); rows per table."""
    conn = duckdb.connect(str(path), read_only=True)
    try:
        counts = table_counts(conn)
        for table in counts:
            conn.execute(f'SELECT bit_xor(hash(t)) FROM "{table}" t').fetchone()
        return counts
    finally:
        conn.close()


def expected_tables() -> list[str]:
    """The tables store/schema.sql creates."""
    conn = duckdb.connect()
    conn.execute(SCHEMA.read_text())
    return list(table_counts(conn))


def upgrade(store: Store) -> bool:
    """Bring a published version written by an earlier release up to date: when it lacks a table this release
    reads, write nothing (every write creates the schema's new tables and rebuilds the derived ones). Whether it
    wrote."""
    if not store.exists():
        return False
    conn = duckdb.connect(str(store.current_path()), read_only=True)
    try:
        missing = set(expected_tables()) - set(table_counts(conn))
    finally:
        conn.close()
    if missing:
        with store.writer():
            pass
    return bool(missing)


def problems_of(store: Store, name: str) -> list[str]:
    """Why the version `name` cannot be served (empty when it scans whole and matches its HISTORY row counts)."""
    path = store.root / name
    if not path.exists():
        return [f"{name} is missing"]
    try:
        counts = scan(path)
    except duckdb.Error as exc:
        return [f"{name} does not read: {str(exc).splitlines()[0]}"]
    recorded = [e["rows"] for e in store.history() if e["name"] == name]
    if recorded and recorded[-1] != counts:
        return [f"{name} rows differ from those verified at write: {counts} != {recorded[-1]}"]
    missing = sorted(set(expected_tables()) - set(counts))
    return [f"{name} lacks tables {missing}"] if missing else []


def check(store: Store) -> Health:
    """The published version's health, leftovers of killed writers, and the kept versions."""
    health = Health(store.version())
    if not store.exists():
        health.problems.append(f"no CURRENT in {store.root}: nothing published")
        return health
    health.problems += problems_of(store, health.published)
    current = snapshot_number(health.published)
    for path in store.leftovers():
        health.notes.append(f"leftover of an interrupted write (removed by the next write): {path.name}")
    if (store.root / spare_name(health.published)).exists():
        health.notes.append(f"{spare_name(health.published)}: the next write starts from this copy of the published "
                            "version")
    kept = sorted((p.name for p in store.root.glob("snapshot-*.duckdb")
                   if snapshot_number(p.name) < current), key=snapshot_number)
    for name in kept:
        bad = problems_of(store, name)
        health.notes.append(f"older version {name}: {'; '.join(bad) if bad else 'good'}")
    return health


def repair(store: Store) -> str:
    """Publish the newest version that scans whole if the published one does not; say what is lost."""
    with store.write_lock():
        removed = store.clean_leftovers()
        lines = [f"removed leftovers of interrupted writes: {', '.join(removed)}"] if removed else []
        published = store.version()
        bad = problems_of(store, published) if published else ["nothing published"]
        if not bad:
            return "\n".join(lines + [f"{published} is good: nothing to repair"])
        candidates = sorted((p.name for p in store.root.glob("snapshot-*.duckdb") if p.name != published),
                            key=snapshot_number, reverse=True)
        good = next((name for name in candidates if not problems_of(store, name)), None)
        if good is None:
            raise VerifyError("no good version left to return to: " + "; ".join(bad))
        lost = [e for e in store.history() if snapshot_number(e["name"]) > snapshot_number(good)]
        damaged = store.root / "damaged"
        damaged.mkdir(exist_ok=True)
        for path in store.root.glob("snapshot-*.duckdb*"):
            if snapshot_number(path.name) > snapshot_number(good):
                path.rename(damaged / path.name)
        store.publish(good)
        lines.append(f"{published}: {'; '.join(bad)}")
        lines.append(f"returned to {good}; the damaged versions are kept in {damaged}")
        for entry in lost:
            added = ", ".join(f"{t} +{n}" for t, n in entry.get("added", {}).items()) or "no rows"
            files = ", ".join(entry.get("files", [])) or "no files"
            lines.append(f"  lost {entry['name']} written {entry['at']}: {added}; files (ingest again): {files}")
        if not lost:
            lines.append("  lost: the versions after it (not in HISTORY; their batches are unknown)")
        return "\n".join(lines)
