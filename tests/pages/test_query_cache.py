"""QueryCache computes a missing key once however many threads ask for it at the same time."""
from __future__ import annotations

import threading
import time

import pytest

from pages.context import QueryCache


class FakeStore:
    def __init__(self):
        self.current = "v1"

    def version(self) -> str:
        return self.current

    def reader(self):
        return f"conn@{self.current}"


def test_concurrent_misses_compute_once():
    cache, calls = QueryCache(FakeStore()), []
    start = threading.Barrier(8)

    def compute(conn):
        calls.append(conn)
        time.sleep(0.2)
        return {"answer": 42}

    results = []

    def ask():
        start.wait()
        results.append(cache.get(("q",), compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert calls == ["conn@v1"]
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_new_version_recomputes_and_errors_are_not_cached():
    store = FakeStore()
    cache = QueryCache(store)
    assert cache.get(("q",), lambda conn: conn) == "conn@v1"
    store.current = "v2"
    assert cache.get(("q",), lambda conn: conn) == "conn@v2"

    def broken(conn):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get(("bad",), broken)
    assert cache.get(("bad",), lambda conn: "fine") == "fine"


def test_waiters_compute_themselves_when_the_first_fails():
    cache, started = QueryCache(FakeStore()), threading.Event()
    outcome = {}

    def slow_failure(conn):
        started.set()
        time.sleep(0.2)
        raise RuntimeError("first caller's failure")

    def first():
        with pytest.raises(RuntimeError):
            cache.get(("k",), slow_failure)

    t = threading.Thread(target=first)
    t.start()
    started.wait(5)
    outcome["second"] = cache.get(("k",), lambda conn: "second caller's own")
    t.join(5)
    assert outcome["second"] == "second caller's own"


class VersionedStore(FakeStore):
    """FakeStore whose HISTORY knows the people changed between two versions (None: not known)."""

    def __init__(self, changed: dict):
        super().__init__()
        self.changed = changed

    def changed_between(self, old: str, new: str):
        return self.changed.get((old, new))


def test_a_value_that_follows_the_batch_is_patched_from_the_earlier_version():
    store = VersionedStore({("v1", "v2"): frozenset({7})})
    cache, computed = QueryCache(store), []

    def compute(conn):
        computed.append(conn)
        return {1: "a", 7: "b"}

    def patch(earlier, changed, conn):
        return {**{k: v for k, v in earlier.items() if k not in changed}, **{p: f"new@{conn}" for p in changed}}

    assert cache.get(("q",), compute, patch) == {1: "a", 7: "b"}
    store.current = "v2"
    assert cache.get(("q",), compute, patch) == {1: "a", 7: "new@conn@v2"}
    assert computed == ["conn@v1"]


def test_a_value_is_computed_whole_when_the_changes_since_are_not_known():
    store = VersionedStore({})                       # e.g. a geography write, which lists no people
    cache = QueryCache(store)
    patch = lambda earlier, changed, conn: pytest.fail("patched without knowing who changed")  # noqa: E731
    cache.get(("q",), lambda conn: conn, patch)
    store.current = "v2"
    assert cache.get(("q",), lambda conn: conn, patch) == "conn@v2"
