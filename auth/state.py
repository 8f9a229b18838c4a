"""The application's state database (users, sessions, audit log, notes): SQLite, safe across processes.

The analytical store is a set of read-only DuckDB snapshots; what the application itself writes is small
and transactional, so it lives in one SQLite file that the server and the `users` command share (WAL
mode, busy timeout). The audit log is append-only: triggers refuse UPDATE and DELETE.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

DEFAULT_STATE = Path(__file__).resolve().parent.parent / "var" / "app.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL
        CHECK (role IN ('leadership', 'police', 'analyst', 'admin')),
    district_code TEXT, township_code TEXT, password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until REAL,
    demo INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username),
    created_at REAL NOT NULL, last_seen REAL NOT NULL, ended_at REAL, end_reason TEXT);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, username TEXT, action TEXT NOT NULL,
    target TEXT, detail TEXT, outcome TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS login_failures (at REAL NOT NULL, username TEXT NOT NULL, client TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_by_name ON login_failures (username, at);
CREATE INDEX IF NOT EXISTS login_failures_by_client ON login_failures (client, at);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, username TEXT NOT NULL, person_id INTEGER NOT NULL,
    kind TEXT NOT NULL, note TEXT NOT NULL);
-- the alert workflow (loop/workflow.py): every step taken on an alert, append-only; an alert's state is its
-- last step's to_state ('open' before any step)
CREATE TABLE IF NOT EXISTS alert_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, username TEXT NOT NULL, alert_id TEXT NOT NULL,
    action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, assignee TEXT, reason TEXT, note TEXT);
CREATE INDEX IF NOT EXISTS alert_actions_by_alert ON alert_actions (alert_id, id);
CREATE TRIGGER IF NOT EXISTS alert_actions_no_update BEFORE UPDATE ON alert_actions
    BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS alert_actions_no_delete BEFORE DELETE ON alert_actions
    BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
"""


class State:
    """A handle on the state file; one SQLite connection per thread."""

    def __init__(self, path: Path | str = DEFAULT_STATE):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._conn().executescript(SCHEMA)
        if "must_change" not in {r["name"] for r in self.query("PRAGMA table_info(users)")}:   # older state files
            self._conn().execute("ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self):
        """Run the block in one IMMEDIATE transaction (writers queue; readers go on)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def define(self, script: str) -> None:
        """Run a module's own CREATE ... IF NOT EXISTS script (tables kept beside the core ones)."""
        self._conn().executescript(script)

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self._conn().execute(sql, params).fetchall()
