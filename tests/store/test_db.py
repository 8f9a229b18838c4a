"""Copy-on-write snapshots: readers in other processes never meet the writer's lock."""
import subprocess
import sys
import threading
import time

import pytest

from store.db import PROJECT_ROOT, Store

READ_IN_OTHER_PROCESS = """
import sys
sys.path.insert(0, {root!r})
from store.db import Store
print(Store({store!r}).reader().execute("SELECT count(*) FROM districts").fetchone()[0])
"""


def read_elsewhere(store: Store) -> subprocess.CompletedProcess:
    code = READ_IN_OTHER_PROCESS.format(root=str(PROJECT_ROOT), store=str(store.root))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def add_district(conn, code):
    conn.execute("INSERT INTO districts VALUES (?, 'd', true, NULL)", [code])


def test_readers_in_other_processes_read_while_a_writer_works(tmp_path):
    store = Store(tmp_path)
    with store.writer() as conn:
        add_district(conn, "1")
    with store.writer() as conn:
        add_district(conn, "2")
        during = read_elsewhere(store)          # the writer holds its copy open read-write
    assert during.returncode == 0, during.stderr
    assert during.stdout.strip() == "1"         # the published snapshot, not the work in progress
    assert "lock" not in during.stderr.lower()
    assert store.reader().execute("SELECT count(*) FROM districts").fetchone()[0] == 2


def test_a_failed_write_publishes_nothing(tmp_path):
    store = Store(tmp_path)
    with store.writer() as conn:
        add_district(conn, "1")
    version = store.version()
    with pytest.raises(RuntimeError):
        with store.writer() as conn:
            add_district(conn, "2")
            raise RuntimeError("boom")
    assert store.version() == version
    assert not list(tmp_path.glob("*.tmp"))
    assert store.reader().execute("SELECT count(*) FROM districts").fetchone()[0] == 1


def test_writers_queue_and_none_is_lost(tmp_path):
    store = Store(tmp_path)
    with store.writer() as conn:
        add_district(conn, "0")

    def write(code):
        with store.writer() as conn:
            add_district(conn, code)
            time.sleep(0.05)

    threads = [threading.Thread(target=write, args=(str(i),)) for i in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.reader().execute("SELECT count(*) FROM districts").fetchone()[0] == 5
    assert len(list(tmp_path.glob("snapshot-*.duckdb"))) <= 3


def test_history_names_the_people_each_write_changed_and_whom_versions_changed_between_them(tmp_path):
    store = Store(tmp_path / "store")
    versions = []
    for listed in ([3, 1, 3], [], [9], None, [4]):
        with store.writer(lists_changed_persons=listed is not None) as conn:
            for person in listed or []:
                conn.execute("INSERT INTO changed_persons VALUES (?)", [person])
        versions.append(store.version())
    assert [e["changed"] for e in store.history()] == [[1, 3], [], [9], None, [4]]
    assert store.changed_between(versions[0], versions[2]) == {9}
    assert store.changed_between(versions[0], versions[1]) == set()
    assert store.changed_between(versions[2], versions[4]) is None         # a write that named no one: unknown
    assert store.changed_between(versions[3], versions[4]) == {4}
    assert store.changed_between(versions[2], versions[0]) is None         # backwards (a repair): unknown
    assert store.changed_between("snapshot-never", versions[4]) is None
