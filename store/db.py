"""The DuckDB store as copy-on-write snapshots, so readers never meet the writer's lock.

DuckDB allows one read-write process or many read-only ones, and a writer blocks readers in other
processes. So the store is a folder: the writer takes a private copy of the published snapshot, changes it,
checkpoints it, verifies it (it opens, every table is there with the row counts the writer left), and
publishes it by an atomic rename of the pointer file `CURRENT`. Readers open the published snapshot
read-only and move to a newer one when `CURRENT` changes.

The private copy is a spare made after the previous write (store/spare.py): a retired snapshot no reader
holds, brought up to the published version by rewriting only the blocks that differ, so a small batch writes
megabytes, not the database. Without a spare (the first write, or every retired snapshot still read) the
writer copies the published snapshot whole.

Crash safety: a snapshot's name is never reused (a counter persisted in `COUNTER` plus a random suffix),
so a killed writer's leftovers (`*.tmp`, `*.tmp.wal`) can never be replayed onto a later copy; the next
writer removes them under the lock. `HISTORY` lists the verified versions (one JSON line each: name, row
counts, files of the batch, the people it changed); only those are kept, and the published one and the newest
verified ones are never pruned. Writers queue on a file lock that names its holder, and give up after `lock_timeout`.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from store import spare

SCHEMA = Path(__file__).with_name("schema.sql")
DERIVED = Path(__file__).with_name("derived.sql")        # derived tables' rows of the changed people, each write
# the people a write changed (the derived tables depend on their rows); a writer that cannot list them names everyone
CHANGED_PERSONS = "CREATE OR REPLACE TEMP TABLE changed_persons (person_id BIGINT)"
EVERYONE_CHANGED = ("INSERT INTO changed_persons SELECT person_id FROM persons UNION SELECT person_id FROM person_homes"
                    " UNION SELECT person_id FROM loop_spans")
# HISTORY names the people a version changed when the writer listed them and they are at most this many (else a
# reader that follows the versions recomputes what it keeps: pages/context.QueryCache)
CHANGED_KEPT = 20_000
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = PROJECT_ROOT / "var" / "store"
KEEP_SNAPSHOTS = 3
OPEN_VERSIONS = 2                           # snapshots a reading process keeps open: served and warming
LOCK_TIMEOUT_ENV = "WUZHOU_STORE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 600.0
# DuckDB's block size for a new store (bytes, 16384 to 262144, a power of two; read from the file afterwards):
# smaller blocks make a small batch write less and publish later (docs/store.md measures both)
BLOCK_SIZE_ENV = "WUZHOU_STORE_BLOCK_SIZE"
STOP_AT_ENV = "WUZHOU_STORE_STOP_AT"        # a writer phase at which the process stops itself (SIGSTOP): crash tests
PHASES = ("copy", "write", "checkpoint", "verify", "publish", "spare", "prune")
# Each reader cursor: a join whose one side holds at most 2048 keys filters the other side's scan by those keys
# (DuckDB's default is 50): a page of 200 people found by id reads their rows through the key's index, not all
# 1.7 million names and addresses (persons by 200 ids at scale 100: 26 ms with the default, 8 ms with this;
# docs/search.md). A setting of the cursor, not of the database: other connections to the file are unaffected.
READER_SETUP = "SET dynamic_or_filter_threshold = 2048"


def reader_cursor(connection) -> duckdb.DuckDBPyConnection:
    """A new cursor of `connection` (the same database and version), set up as every reader's."""
    cursor = connection.cursor()
    cursor.execute(READER_SETUP)
    return cursor


class StoreBusy(RuntimeError):
    """Another writer held the store's lock for longer than this writer was willing to wait."""


class VerifyError(RuntimeError):
    """A new version did not open as written; it was not published."""


def spare_name(published: str) -> str:
    """The spare's name for a published snapshot (`snapshot-000042-1a2b3c4d.duckdb` -> `spare-000042-1a2b3c4d...`)."""
    return "spare-" + published.removeprefix("snapshot-")


def snapshot_number(name: str) -> int:
    """The counter value in a snapshot's name (`snapshot-000042-1a2b3c4d.duckdb` -> 42)."""
    return int(name.split("-")[1].split(".")[0])


def table_counts(conn) -> dict[str, int]:
    """Rows per base table of the main schema."""
    tables = [t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                         "current_database() AND schema_name = 'main' ORDER BY table_name").fetchall()]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """A folder of DuckDB snapshots with one published version."""

    def __init__(self, root: Path | str = DEFAULT_STORE, lock_timeout: float | None = None):
        self.root = Path(root)
        self.lock_timeout = (float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT_S))
                             if lock_timeout is None else lock_timeout)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: dict[str, duckdb.DuckDBPyConnection] = {}     # version -> read-only connection, newest last
        self.last_copy: dict = {}     # how the last write started: from the spare, or bytes copied
        self.last_spare: dict = {}    # how the last write made the next spare: from which version, bytes written
        self.phase_started: dict[str, float] = {}    # when the last write entered each phase (perf_counter)

    # ------------------------------------------------------------------ reading
    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def exists(self) -> bool:
        return self.pointer.exists()

    def current_path(self) -> Path:
        """The published snapshot's file."""
        if not self.exists():
            raise FileNotFoundError(f"no database published in {self.root} (run `python app.py demo`)")
        return self.root / self.pointer.read_text().strip()

    def version(self) -> str:
        """An id of the published snapshot; changes with every committed write."""
        return self.pointer.read_text().strip() if self.exists() else ""

    def reader(self, version: str | None = None) -> duckdb.DuckDBPyConnection:
        """A read-only cursor on the published snapshot (or on the verified snapshot `version`, which a server may
        go on serving while it warms the next one: pages/served.py), one per thread, following new versions.
        The last OPEN_VERSIONS versions' connections stay open."""
        version = version or self.version()
        local = getattr(self._local, "cursor", None)
        if local is not None and local[0] == version:
            return local[1]
        with self._lock:
            if version not in self._open:
                self._open[version] = duckdb.connect(str(self.root / version if version else self.current_path()),
                                                     read_only=True)
                while len(self._open) > OPEN_VERSIONS:
                    self._open.pop(next(iter(self._open)))
            cursor = reader_cursor(self._open[version])
        self._local.cursor = (version, cursor)
        return cursor

    def probe(self) -> None:
        """Open the published version (as readers do) and answer a query; raises when it cannot serve."""
        self.reader().execute("SELECT count(*) FROM districts").fetchone()

    def history(self) -> list[dict]:
        """The verified versions, oldest first (a torn last line from a crash is ignored)."""
        path = self.root / "HISTORY"
        entries = []
        for line in path.read_text().splitlines() if path.exists() else []:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return entries

    def changed_between(self, old: str, new: str) -> frozenset[int] | None:
        """The people whose rows the versions after `old` up to `new` changed, from HISTORY; None when not known
        (a version between them did not list its people, or either is not in HISTORY)."""
        history = self.history()
        names = [e["name"] for e in history]
        if old not in names or new not in names or names.index(new) < names.index(old):
            return None
        changed: set[int] = set()
        for entry in history[names.index(old) + 1:names.index(new) + 1]:
            if entry.get("changed") is None:
                return None
            changed.update(entry["changed"])
        return frozenset(changed)

    def _recorded_rows(self, name: str) -> dict[str, int] | None:
        """The row counts HISTORY recorded for version `name` when it was verified (None: not recorded)."""
        return next((e["rows"] for e in reversed(self.history()) if e["name"] == name), None)

    @staticmethod
    def _changed(conn) -> list[int] | None:
        """The people the write listed in `changed_persons`, or None when more than CHANGED_KEPT."""
        rows = conn.execute("SELECT DISTINCT person_id FROM changed_persons WHERE person_id IS NOT NULL "
                            "ORDER BY person_id LIMIT ?", [CHANGED_KEPT + 1]).fetchall()
        return None if len(rows) > CHANGED_KEPT else [p for (p,) in rows]

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writer(self, lists_changed_persons: bool = False):
        """Yield a read-write connection on a private copy; verify and publish it when the block ends cleanly.

        `lists_changed_persons`: the block inserts every person whose rows it changed into the temp table
        `changed_persons` (the ingest does), so only their derived rows are recomputed; else everyone's are."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self.write_lock():
            self.clean_leftovers()
            name = f"snapshot-{self._next_number():06d}-{secrets.token_hex(4)}.duckdb"
            work = self.root / name
            staging = self.root / (name + ".tmp")
            self._phase("copy")
            if self.exists():
                self._take_spare(staging)
            self._phase("write")
            new = {} if staging.exists() else {"default_block_size": os.environ.get(BLOCK_SIZE_ENV, "262144")}
            conn = duckdb.connect(str(staging), config=new)
            try:
                conn.execute("SET enable_progress_bar = false")   # the ingest shows its own progress
                conn.execute(SCHEMA.read_text())
                conn.execute(CHANGED_PERSONS)
                first_new_batch = self._max_batch(conn) + 1
                before = self._recorded_rows(self.version()) or table_counts(conn)
                yield conn
                if not lists_changed_persons:
                    conn.execute(EVERYONE_CHANGED)
                conn.execute(DERIVED.read_text())
                counts = table_counts(conn)
                changed = self._changed(conn) if lists_changed_persons else None
                files = [f for (f,) in conn.execute("SELECT file_name FROM batches WHERE batch_id >= ? "
                                                    "ORDER BY batch_id", [first_new_batch]).fetchall()]
                self._phase("checkpoint")
                conn.execute("CHECKPOINT")
                conn.close()
                self._phase("verify")
                self.verify(staging, counts)
            except BaseException:
                conn.close()
                self._remove(staging)
                raise
            self._phase("publish")
            os.replace(staging, work)
            entry = {"name": name, "at": dt.datetime.now().isoformat(timespec="seconds"), "rows": counts,
                     "added": {t: n - before.get(t, 0) for t, n in counts.items() if n != before.get(t, 0)},
                     "files": files, "changed": changed}
            with open(self.root / "HISTORY", "a") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
            self.publish(name)
            self._phase("spare")
            retired = self._retired()
            try:
                self._make_spare(name, retired)
            except OSError as exc:             # the batch is published: the next write copies instead
                self._remove(self.root / (spare_name(name) + ".tmp"))
                self.last_spare = {"from": None, "bytes": 0, "error": str(exc)}
                print(f"{self.root}: no spare for the next write ({exc}); it will copy the store", file=sys.stderr)
            self._phase("prune")
            for old in retired:
                self._remove(old)

    @contextmanager
    def write_lock(self):
        """Hold the store's write lock; say who holds it while waiting, give up after `lock_timeout` seconds."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "write.lock", "a+") as lock:
            started, told = time.monotonic(), False
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waited = time.monotonic() - started
                    holder = self._lock_holder()
                    if waited >= self.lock_timeout:
                        raise StoreBusy(f"gave up after {waited:.0f} s waiting for the write lock of {self.root}, "
                                        f"held by {holder}; nothing was written (set {LOCK_TIMEOUT_ENV} to wait "
                                        "longer)") from None
                    if not told:
                        print(f"waiting for the write lock of {self.root}, held by {holder} "
                              f"(giving up after {self.lock_timeout:.0f} s)", file=sys.stderr, flush=True)
                        told = True
                    time.sleep(min(0.1, max(self.lock_timeout - waited, 0.01)))
            lock.seek(0)
            lock.truncate()
            lock.write(f"pid {os.getpid()} ({' '.join(sys.argv)[:200]}) since "
                       f"{dt.datetime.now().isoformat(timespec='seconds')}\n")
            lock.flush()
            try:
                yield
            finally:
                lock.seek(0)
                lock.truncate()
                lock.flush()
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _lock_holder(self) -> str:
        try:
            return (self.root / "write.lock").read_text().strip() or "another process"
        except OSError:
            return "another process"

    def verify(self, path: Path, counts: dict[str, int]) -> None:
        """Open `path` read-only and check every table is there with the expected rows; VerifyError if not."""
        try:
            conn = duckdb.connect(str(path), read_only=True)
            try:
                found = table_counts(conn)
            finally:
                conn.close()
        except duckdb.Error as exc:
            raise VerifyError(f"{path.name} does not open: {exc}") from exc
        if found != counts:
            wrong = {t: (found.get(t), n) for t, n in counts.items() if found.get(t) != n}
            raise VerifyError(f"{path.name}: rows (found, expected) differ: {wrong}")
        if Path(str(path) + ".wal").exists():
            raise VerifyError(f"{path.name} still has a write-ahead log after its checkpoint")

    def publish(self, name: str) -> None:
        """Point CURRENT at `name` atomically and durably."""
        _fsync_dir(self.root)
        _write_atomically(self.pointer, name)
        _fsync_dir(self.root)

    def leftovers(self) -> list[Path]:
        """What killed writers left: staging copies and their logs, snapshots never published, a spare of a version
        no longer published."""
        published = self.version()
        current = snapshot_number(published) if published.startswith("snapshot-") else -1
        return [path for path in sorted(self.root.iterdir())
                if path.name.endswith((".tmp", ".tmp.wal"))
                or (path.name.startswith("snapshot-") and path.name.endswith(".duckdb")
                    and path.name != published and snapshot_number(path.name) > current)
                or (path.name.startswith("spare-") and path.name != spare_name(published))]

    def clean_leftovers(self) -> list[str]:
        """Remove the leftovers of killed writers; hold the lock."""
        removed = self.leftovers()
        for path in removed:
            self._remove(path)
        return [path.name for path in removed]

    def _next_number(self) -> int:
        """The next snapshot number, persisted before use so that no number is taken twice."""
        counter = self.root / "COUNTER"
        on_disk = [snapshot_number(p.name) for p in self.root.glob("snapshot-*")]
        last = max([int(counter.read_text() or 0) if counter.exists() else 0, *on_disk])
        _write_atomically(counter, str(last + 1))
        return last + 1

    @staticmethod
    def _max_batch(conn) -> int:
        return conn.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchone()[0]

    @staticmethod
    def _remove(path: Path) -> None:
        path.unlink(missing_ok=True)
        Path(str(path) + ".wal").unlink(missing_ok=True)

    def _retired(self) -> list[Path]:
        """Versions beyond the KEEP_SNAPSHOTS newest published, newest first (each was verified and published
        once; newer ones are leftovers, removed by clean_leftovers); readers keep files they hold open on POSIX."""
        published = snapshot_number(self.version())
        older = sorted((p for p in self.root.glob("snapshot-*.duckdb") if snapshot_number(p.name) <= published),
                       key=lambda p: snapshot_number(p.name))
        return older[:-KEEP_SNAPSHOTS][::-1]

    def _phase(self, name: str) -> None:
        """A phase boundary of the writer: its time is noted (`phase_started`, for the benches); the process stops
        itself here when STOP_AT_ENV names it (crash tests)."""
        self.phase_started[name] = time.perf_counter()
        if os.environ.get(STOP_AT_ENV) == name:
            os.kill(os.getpid(), signal.SIGSTOP)

    def _take_spare(self, staging: Path) -> None:
        """Start the write from the spare of the published version (a rename), else from a whole copy (a spare of
        another size than the published file is not its copy: clean_leftovers removes it)."""
        ready = self.root / spare_name(self.version())
        if ready.exists() and ready.stat().st_size == self.current_path().stat().st_size:
            os.replace(ready, staging)
            self.last_copy = {"spare": True, "bytes": 0}
        else:
            shutil.copyfile(self.current_path(), staging)
            self.last_copy = {"spare": False, "bytes": staging.stat().st_size}

    def _make_spare(self, published: str, retired: list[Path]) -> None:
        """Make the next write's spare from the newest retired version no reader holds, else copy the published
        version whole. A retired version is renamed before it is looked at, so that no reader opens it by name
        meanwhile; one a reader holds is removed (the reader keeps it, as after a prune). Takes from `retired`
        what it used or removed."""
        target = self.root / (spare_name(published) + ".tmp")
        source = self.root / published
        while retired:
            old = retired.pop(0)
            os.replace(old, target)
            if spare.held(target):
                self._remove(target)
                continue
            written = spare.patch(target, source)
            if spare.held(target):             # a reader opened it just before the rename: not a private copy
                self._remove(target)
                continue
            self.last_spare = {"from": old.name, "bytes": written}
            break
        else:
            shutil.copyfile(source, target)
            with open(target, "rb+") as f:
                os.fsync(f.fileno())
            self.last_spare = {"from": None, "bytes": target.stat().st_size}
        os.replace(target, self.root / spare_name(published))
        _fsync_dir(self.root)
