"""Writes proportional to the batch (issue 14.2): a write starts from a spare copy of the published version, made by
rewriting only the blocks that differ in a retired version no reader holds, never from a whole copy."""
import filecmp
import subprocess
import sys
from pathlib import Path

from bench.bench_store_writes import written_bytes
from store.db import KEEP_SNAPSHOTS, Store, spare_name

HOLD_OPEN = """
import duckdb, sys
conn = duckdb.connect({path!r}, read_only=True)
print("open", flush=True)
sys.stdin.readline()
print(conn.execute("SELECT count(*), sum(v) FROM big").fetchone(), flush=True)
"""


def big_store(root: Path, writes: int) -> Store:
    store = Store(root)
    with store.writer() as conn:       # about 40 MB: a row of a million, each value its own
        conn.execute("CREATE TABLE big AS SELECT i AS id, hash(i) AS v, 'row ' || i AS label FROM range(1000000) t(i)")
    for i in range(writes):
        with store.writer() as conn:
            conn.execute("INSERT INTO big VALUES (?, ?, 'small')", [10_000_000 + i, i])
    return store


def test_a_small_write_writes_what_changed_not_the_database(tmp_path):
    store = big_store(tmp_path, KEEP_SNAPSHOTS + 1)
    size = store.current_path().stat().st_size
    started = written_bytes()
    with store.writer() as conn:
        conn.execute("INSERT INTO big VALUES (-1, 7, 'one more row')")
    written = written_bytes() - started
    assert store.last_copy == {"spare": True, "bytes": 0}
    assert store.last_spare["from"] is not None and store.last_spare["bytes"] < size / 10
    assert written < size / 5, (written, size)
    assert filecmp.cmp(store.root / spare_name(store.version()), store.current_path(), shallow=False)
    assert store.reader().execute("SELECT count(*), max(label) FILTER (WHERE id = -1) FROM big").fetchone() == (
        1_000_000 + KEEP_SNAPSHOTS + 2, "one more row")
    assert len(list(tmp_path.glob("snapshot-*.duckdb"))) == KEEP_SNAPSHOTS


def test_a_version_a_reader_holds_is_never_rewritten(tmp_path):
    store = big_store(tmp_path, 1)
    held = store.current_path()
    expected = store.reader().execute("SELECT count(*), sum(v) FROM big").fetchone()
    store._open.clear()
    store._local.__dict__.clear()
    reader = subprocess.Popen([sys.executable, "-c", HOLD_OPEN.format(path=str(held))], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        for i in range(KEEP_SNAPSHOTS + 2):      # the held version retires; the spare is made from another
            with store.writer() as conn:
                conn.execute("UPDATE big SET v = v + 1 WHERE id < 1000")
            assert store.last_spare["from"] != held.name
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == str(expected)
    finally:
        reader.kill()
        reader.wait()
    assert filecmp.cmp(store.root / spare_name(store.version()), store.current_path(), shallow=False)


def test_a_version_read_in_this_process_is_never_rewritten(tmp_path):
    """Probing a file must not drop this process's own read lock on it (closing any descriptor of a file drops
    the process's POSIX locks on it): a version read here stays as it was through the writes that retire it."""
    store = big_store(tmp_path, 1)
    held = store.current_path()
    reader = Store(tmp_path).reader()
    expected = reader.execute("SELECT count(*), sum(v) FROM big").fetchone()
    for i in range(2 * KEEP_SNAPSHOTS + 2):     # the held version is a candidate at several writes
        with store.writer() as conn:
            conn.execute("UPDATE big SET v = v + 1 WHERE id < 1000")
        assert store.last_spare["from"] != held.name
    assert reader.execute("SELECT count(*), sum(v) FROM big").fetchone() == expected


def test_a_spare_that_cannot_be_made_costs_the_next_write_a_copy_not_the_batch(tmp_path, monkeypatch, capsys):
    store = big_store(tmp_path, KEEP_SNAPSHOTS + 1)

    def disk_full(target, source):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("store.spare.patch", disk_full)
    with store.writer() as conn:
        conn.execute("INSERT INTO big VALUES (-1, 7, 'published all the same')")
    assert "no spare for the next write" in capsys.readouterr().err
    assert not list(tmp_path.glob("spare-*"))
    monkeypatch.undo()
    with store.writer() as conn:
        conn.execute("INSERT INTO big VALUES (-2, 8, 'from a copy')")
    assert store.last_copy["spare"] is False
    assert store.reader().execute("SELECT count(*) FROM big WHERE id < 0").fetchone()[0] == 2
    assert (tmp_path / spare_name(store.version())).exists()


def test_a_store_made_with_small_blocks_keeps_them_and_writes_less(tmp_path, monkeypatch):
    monkeypatch.setenv("WUZHOU_STORE_BLOCK_SIZE", "16384")
    small = big_store(tmp_path / "small", KEEP_SNAPSHOTS + 1)
    monkeypatch.delenv("WUZHOU_STORE_BLOCK_SIZE")
    large = big_store(tmp_path / "large", KEEP_SNAPSHOTS + 1)
    spent = {}
    for name, store in (("small", small), ("large", large)):
        started = written_bytes()
        with store.writer() as conn:
            conn.execute("INSERT INTO big VALUES (-1, 7, 'one more row')")
        spent[name] = written_bytes() - started
        assert store.last_copy["spare"]
    assert small.reader().execute("SELECT block_size FROM pragma_database_size()").fetchone()[0] == 16384
    assert large.reader().execute("SELECT block_size FROM pragma_database_size()").fetchone()[0] == 262144
    assert spent["small"] < spent["large"], spent


def test_a_spare_cut_short_is_not_started_from(tmp_path):
    store = big_store(tmp_path, KEEP_SNAPSHOTS + 1)
    ready = tmp_path / spare_name(store.version())
    with open(ready, "r+b") as f:
        f.truncate(ready.stat().st_size // 2)
    with store.writer() as conn:
        conn.execute("INSERT INTO big VALUES (-1, 7, 'from a copy')")
    assert store.last_copy["spare"] is False
    assert store.reader().execute("SELECT count(*) FROM big").fetchone()[0] == 1_000_000 + KEEP_SNAPSHOTS + 2
    assert filecmp.cmp(tmp_path / spare_name(store.version()), store.current_path(), shallow=False)
