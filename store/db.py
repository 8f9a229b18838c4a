"""The DuckDB store as copy-on-write snapshots, so readers never meet the writer's lock.

DuckDB allows one read-write process or many read-only ones, and a writer blocks readers in other
processes. So the store is a folder: the writer copies the published snapshot, changes the copy,
and publishes it by an atomic rename of the pointer file `CURRENT`. Readers open the published
snapshot read-only and move to a newer one when `CURRENT` changes. Writers queue on a file lock.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb

SCHEMA = Path(__file__).with_name("schema.sql")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = PROJECT_ROOT / "var" / "store"
KEEP_SNAPSHOTS = 3


class Store:
    """A folder of DuckDB snapshots with one published version."""

    def __init__(self, root: Path | str = DEFAULT_STORE):
        self.root = Path(root)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._shared: tuple[str, duckdb.DuckDBPyConnection] | None = None

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

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A read-only cursor on the published snapshot, one per thread, following new versions."""
        version = self.version()
        local = getattr(self._local, "cursor", None)
        if local is not None and local[0] == version:
            return local[1]
        with self._lock:
            if self._shared is None or self._shared[0] != version:
                self._shared = (version, duckdb.connect(str(self.current_path()), read_only=True))
            cursor = self._shared[1].cursor()
        self._local.cursor = (version, cursor)
        return cursor

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writer(self):
        """Yield a read-write connection on a private copy; publish it when the block ends cleanly."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            number = self._next_number()
            work = self.root / f"snapshot-{number:06d}.duckdb"
            staging = work.with_suffix(".tmp")
            if self.exists():
                shutil.copyfile(self.current_path(), staging)
            else:
                staging.unlink(missing_ok=True)
            conn = duckdb.connect(str(staging))
            try:
                conn.execute("SET enable_progress_bar = false")   # the ingest shows its own progress
                conn.execute(SCHEMA.read_text())
                yield conn
                conn.execute("CHECKPOINT")
            except BaseException:
                conn.close()
                staging.unlink(missing_ok=True)
                raise
            conn.close()
            os.replace(staging, work)
            self._publish(work.name)
            self._prune()

    def _next_number(self) -> int:
        numbers = [int(p.stem.split("-")[1]) for p in self.root.glob("snapshot-*.duckdb")]
        return max(numbers, default=0) + 1

    def _publish(self, name: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(name)
        os.replace(tmp, self.pointer)

    def _prune(self) -> None:
        """Remove old snapshots; readers still holding one keep their open file on POSIX."""
        snapshots = sorted(self.root.glob("snapshot-*.duckdb"))
        for old in snapshots[:-KEEP_SNAPSHOTS]:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)
