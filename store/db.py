"""The DuckDB store as copy-on-write snapshots, so readers never meet the writer's lock.

DuckDB allows one read-write process or many read-only ones, and a writer blocks readers in other
processes. So the store is a folder: the writer copies the published snapshot, changes the copy,
checkpoints it, verifies it (it opens, every table is there with the row counts the writer left), and
publishes it by an atomic rename of the pointer file `CURRENT`. Readers open the published snapshot
read-only and move to a newer one when `CURRENT` changes.

Crash safety: a snapshot's name is never reused (a counter persisted in `COUNTER` plus a random suffix),
so a killed writer's leftovers (`*.tmp`, `*.tmp.wal`) can never be replayed onto a later copy; the next
writer removes them under the lock. `HISTORY` lists the verified versions (one JSON line each: name, row
counts, files of the batch); only those are kept, and the published one and the newest verified ones are
never pruned. Writers queue on a file lock that names its holder, and give up after `lock_timeout`.
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

SCHEMA = Path(__file__).with_name("schema.sql")
DERIVED = Path(__file__).with_name("derived.sql")        # tables rebuilt whole by every write, before it commits
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = PROJECT_ROOT / "var" / "store"
KEEP_SNAPSHOTS = 3
OPEN_VERSIONS = 3                           # snapshots a reading process keeps a connection to
LOCK_TIMEOUT_ENV = "WUZHOU_STORE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 600.0
STOP_AT_ENV = "WUZHOU_STORE_STOP_AT"        # a writer phase at which the process stops itself (SIGSTOP): crash tests
PHASES = ("copy", "write", "checkpoint", "verify", "publish", "prune")
# Each reader cursor: a join whose one side holds at most 2048 keys filters the other side's scan by those keys
# (DuckDB's default is 50): a page of 200 people found by id reads their rows through the key's index, not all
# 1.7 million names and addresses (persons by 200 ids at scale 100: 26 ms with the default, 8 ms with this;
# docs/search.md). A setting of the cursor, not of the database: other connections to the file are unaffected.
READER_SETUP = "SET dynamic_or_filter_threshold = 2048"


class StoreBusy(RuntimeError):
    """Another writer held the store's lock for longer than this writer was willing to wait."""


class VerifyError(RuntimeError):
    """A new version did not open as written; it was not published."""


def snapshot_number(name: str) -> int:
    """The counter value in a snapshot's name (`snapshot-000042-1a2b3c4d.duckdb` -> 42)."""
    return int(name.split("-")[1].split(".")[0])


def table_counts(conn) -> dict[str, int]:
    """Rows per base table of the main schema."""
    tables = [t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                         "current_database() AND schema_name = 'main' ORDER BY table_name").fetchall()]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _phase(name: str) -> None:
    """A phase boundary of the writer; stops the process here when STOP_AT_ENV names it (crash tests)."""
    if os.environ.get(STOP_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGSTOP)


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
            cursor = self._open[version].cursor()
        cursor.execute(READER_SETUP)
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

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writer(self):
        """Yield a read-write connection on a private copy; verify and publish it when the block ends cleanly."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self.write_lock():
            self.clean_leftovers()
            name = f"snapshot-{self._next_number():06d}-{secrets.token_hex(4)}.duckdb"
            work = self.root / name
            staging = self.root / (name + ".tmp")
            _phase("copy")
            if self.exists():
                shutil.copyfile(self.current_path(), staging)
            _phase("write")
            conn = duckdb.connect(str(staging))
            try:
                conn.execute("SET enable_progress_bar = false")   # the ingest shows its own progress
                conn.execute(SCHEMA.read_text())
                first_new_batch = self._max_batch(conn) + 1
                before = table_counts(conn)
                yield conn
                conn.execute(DERIVED.read_text())
                counts = table_counts(conn)
                files = [f for (f,) in conn.execute("SELECT file_name FROM batches WHERE batch_id >= ? "
                                                    "ORDER BY batch_id", [first_new_batch]).fetchall()]
                _phase("checkpoint")
                conn.execute("CHECKPOINT")
                conn.close()
                _phase("verify")
                self.verify(staging, counts)
            except BaseException:
                conn.close()
                self._remove(staging)
                raise
            _phase("publish")
            os.replace(staging, work)
            entry = {"name": name, "at": dt.datetime.now().isoformat(timespec="seconds"), "rows": counts,
                     "added": {t: n - before.get(t, 0) for t, n in counts.items() if n != before.get(t, 0)},
                     "files": files}
            with open(self.root / "HISTORY", "a") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
            self.publish(name)
            _phase("prune")
            self._prune()

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

    def clean_leftovers(self) -> list[str]:
        """Remove what killed writers left (staging copies, their logs, snapshots never published); hold the lock."""
        published = self.version()
        current = snapshot_number(published) if published.startswith("snapshot-") else -1
        removed = []
        for path in sorted(self.root.iterdir()):
            unpublished = (path.name.startswith("snapshot-") and path.name.endswith(".duckdb")
                           and path.name != published and snapshot_number(path.name) > current)
            if path.name.endswith((".tmp", ".tmp.wal")) or unpublished:
                self._remove(path)
                removed.append(path.name)
        return removed

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

    def _prune(self) -> None:
        """Keep the published snapshot and the newest before it (each was verified and published once; newer
        ones are leftovers, removed by clean_leftovers); readers keep files they hold open on POSIX."""
        published = snapshot_number(self.version())
        older = sorted((p for p in self.root.glob("snapshot-*.duckdb") if snapshot_number(p.name) <= published),
                       key=lambda p: snapshot_number(p.name))
        for old in older[:-KEEP_SNAPSHOTS]:
            self._remove(old)
