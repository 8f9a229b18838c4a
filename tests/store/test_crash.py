"""A writer killed with SIGKILL leaves the store as it was, and the next write works and adds only its own rows."""
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from bench.bench_crash import reference, small_file, trial
from store.db import LOCK_TIMEOUT_ENV, PHASES, PROJECT_ROOT, Store
from store.health import check, repair

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


def test_a_writer_says_who_holds_the_lock_and_gives_up_after_its_timeout(city_store, tmp_path):
    feed_file = tmp_path / "hotel_2020w04.csv"
    feed_file.write_text("not read: the lock comes first\n")
    env = {**os.environ, LOCK_TIMEOUT_ENV: "1"}
    with city_store.write_lock():
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py"), "--store", str(city_store.root),
                               "ingest", "--channel", "hotel", str(feed_file)],
                              capture_output=True, text=True, timeout=120, env=env)
        waited = time.monotonic() - started
    assert done.returncode == 3
    assert f"waiting for the write lock of {city_store.root}, held by pid {os.getpid()}" in done.stderr
    assert "gave up after 1 s" in done.stderr and "nothing was written" in done.stderr
    assert waited < 60
    with city_store.writer():                   # the lock is free again, and nothing was left behind
        pass


def test_check_finds_a_damaged_version_and_repair_returns_to_the_last_good_one(city_store):
    with city_store.writer() as conn:
        conn.execute("INSERT INTO districts VALUES ('good', 'd', true, NULL)")
    good = city_store.version()
    with city_store.writer() as conn:
        conn.execute("INSERT INTO batches BY NAME SELECT 1 AS batch_id, 'hotel' AS channel, 'hotel' AS feed,"
                     " 'hotel_lost.csv' AS file_name, 'sha' AS file_sha256, 1 AS rows_read, 1 AS rows_accepted,"
                     " 0 AS rows_rejected, 0 AS persons_new, 0 AS persons_matched, 0 AS review_pairs,"
                     " now() AS started_at, now() AS committed_at")
        conn.execute("INSERT INTO townships SELECT 't' || i, 'x', 'n', true, NULL FROM range(5000) t(i)")
    damaged = city_store.current_path()
    with open(damaged, "r+b") as f:             # bad luck on disk: every block after the headers overwritten
        f.seek(3 * 4096)
        f.write(os.urandom(damaged.stat().st_size - 3 * 4096))
    health = check(Store(city_store.root))
    assert not health.healthy and damaged.name in health.problems[0]
    report = repair(Store(city_store.root))
    assert f"returned to {good}" in report and "hotel_lost.csv" in report and "townships +5000" in report
    fresh = Store(city_store.root)
    assert fresh.version() == good and check(fresh).healthy
    assert (city_store.root / "damaged" / damaged.name).exists()
    with fresh.writer() as conn:
        conn.execute("INSERT INTO districts VALUES ('after', 'd', true, NULL)")
    assert fresh.reader().execute("SELECT count(*) FROM districts WHERE code IN ('good', 'after')").fetchone()[0] == 2


@pytest.mark.parametrize("phase", [*PHASES, None, None, None])
def test_a_real_ingest_killed_in_any_phase_recovers_whole(demo_city, tmp_path, phase):
    store, feeds = demo_city
    path = small_file(feeds if feeds.exists() else store.root.parent / "feeds", tmp_path)
    before, complete, seconds = reference(store.root, tmp_path, path)
    delay = random.Random(str(phase) + str(time.time())).uniform(0, seconds)
    row = trial(store.root, tmp_path / "work", path, before, complete, phase, delay)
    assert row["ok"], row
