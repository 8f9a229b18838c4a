"""A writer killed with SIGKILL leaves the store as it was, and the next write works and adds only its own rows."""
import os
import signal
import subprocess
import sys

from store.db import PROJECT_ROOT, Store

KILLED_WRITER = """
import os, signal, sys
sys.path.insert(0, {root!r})
from store.db import Store
with Store({store!r}).writer() as conn:
    conn.execute("INSERT INTO districts SELECT 'x' || i, 'killed', true, NULL FROM range({rows}) t(i)")
    os.kill(os.getpid(), signal.SIGKILL)        # the staging copy's write-ahead log exists now
"""


def kill_a_writer(store: Store, rows: int = 20000) -> None:
    code = KILLED_WRITER.format(root=str(PROJECT_ROOT), store=str(store.root), rows=rows)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr


def districts(store: Store) -> int:
    return store.reader().execute("SELECT count(*) FROM districts").fetchone()[0]


def test_a_killed_writer_leaves_nothing_behind_for_the_next(tmp_path):
    store = Store(tmp_path)
    with store.writer() as conn:
        conn.execute("INSERT INTO districts VALUES ('1', 'd', true, NULL)")
    version = store.version()
    for attempt in range(3):
        kill_a_writer(store)
        assert store.version() == version and districts(store) == 1 + attempt
        with store.writer() as conn:             # the killed writer's log is never replayed onto this copy
            conn.execute("INSERT INTO districts VALUES (?, 'd', true, NULL)", [f"next{attempt}"])
        assert districts(store) == 2 + attempt
        assert store.reader().execute("SELECT count(*) FROM districts WHERE name = 'killed'").fetchone()[0] == 0
        version = store.version()
