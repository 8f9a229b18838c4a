"""A snapshot's first screens are computed in the background when it is published (pages/warmup.py), and what
pages cut from per-snapshot results equals their own queries."""
import dataclasses
import datetime as dt
import time

import pytest

from auth.sessions import start
from auth.state import State
from auth.users import add_user, get_user, jurisdictions
from pages.context import AppContext
from queries.runner import Scope
from tests.queries.synthetic import app_config, build_city  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def own_store(tmp_path_factory, boundaries):
    return build_city(tmp_path_factory.mktemp("warmup") / "store", boundaries)


@pytest.fixture(scope="module")
def config(app_config, tmp_path_factory):  # noqa: F811
    return dataclasses.replace(app_config, state_path=tmp_path_factory.mktemp("warmup-state") / "app.sqlite")


def wait_ready(client, timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if client.get("/ready?warm=1").status_code == 200:
            return time.perf_counter() - started
        time.sleep(0.05)
    raise AssertionError(f"not warm after {timeout} s")


def test_each_published_snapshot_is_warmed_for_the_city_and_the_users_jurisdictions(own_store, config):
    from pages.server import create_app

    add_user(State(config.state_path), "warm-police", "Warm-Passw0rd!", "police", district_code="450403")
    app = create_app(own_store, config)
    client = app.server.test_client()
    wait_ready(client)
    ctx = app.server.extensions["context"]
    version = own_store.version()
    kept = {k[1:] for k in ctx.cache._items if k[0] == version}
    assert ("headline_days",) in kept
    for scope in (Scope("leadership"), Scope("police", "450403")):
        assert ("check_totals", scope) in kept
    with own_store.writer():
        pass                                            # a new snapshot, the same data
    assert own_store.version() != version
    assert client.get("/ready?warm=1").status_code == 503      # seen on the next request, queued, not yet warm
    assert client.get("/ready").status_code == 200     # but it can serve now
    wait_ready(client)
    assert ("headline_days",) in {k[1:] for k in ctx.cache._items if k[0] == own_store.version()}


def test_the_warm_up_waits_while_requests_are_in_flight(own_store, config):
    from flask import request_started, request_tearing_down

    from pages.server import create_app

    app = create_app(own_store, config)
    ctx = app.server.extensions["context"]
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        request_started.send(app.server)                # a user's request, in flight from before the start
        with own_store.writer():
            pass                                        # a new snapshot to warm
        client = app.server.test_client()
        time.sleep(2)
        assert client.get("/ready?warm=1").status_code == 503  # health probes do not count as users
        assert ("headline_days",) not in {k[1:] for k in ctx.cache._items if k[0] == own_store.version()}
        request_tearing_down.send(app.server)
    assert wait_ready(client) > 0


def test_jurisdictions_come_once_each_most_recently_active_first(config):
    state = State(config.state_path)
    for name, role, district in (("j-analyst", "analyst", None), ("j-police-a", "police", "450404"),
                                 ("j-police-b", "police", "450404"), ("j-police-c", "police", "450421")):
        if get_user(state, name) is None:
            add_user(state, name, "Warm-Passw0rd!", role, district_code=district)
    start(state, get_user(state, "j-police-c"))
    found = jurisdictions(state, 50)
    assert found[0] == ("police", "450421", None)
    assert len(found) == len(set(found)) and ("police", "450404", None) in found and ("analyst", None, None) in found
    assert len(jurisdictions(state, 2)) == 2


@pytest.mark.parametrize("scope", [Scope("leadership"), Scope("police", "450403"),
                                   Scope("police", "450403", "450403005")])
def test_checkpoint_totals_for_any_date_are_the_checks_counted_there(own_store, config, scope):
    ctx = AppContext.create(own_store, config)
    conn = own_store.reader()
    for as_of in (dt.date(2020, 1, 20), dt.date(2020, 2, 14), dt.date(2020, 3, 29), dt.date(2020, 4, 30)):
        totals = ctx.checkpoint_totals(scope, as_of).set_index("checkpoint_id")
        assert set(totals.index) == set(ctx.query("checkpoints", scope)["checkpoint_id"])
        for table, column in (("checkpoint_vehicle_checks", "vehicles"), ("checkpoint_person_checks", "persons")):
            counted = dict(conn.execute(f"SELECT checkpoint_id, count(*) FROM {table} WHERE checked_at < ? "
                                        "GROUP BY 1", [as_of + dt.timedelta(days=1)]).fetchall())
            assert totals[column].to_dict() == {i: counted.get(i, 0) for i in totals.index}, (table, as_of)


def test_ready_means_the_published_version_answers_a_query(own_store, config, tmp_path):
    import shutil

    from pages.server import create_app
    from store.db import Store

    copy = Store(tmp_path / "store")
    shutil.copytree(own_store.root, copy.root)
    app = create_app(copy, config)
    client = app.server.test_client()
    with copy.writer():
        pass                                            # a new snapshot: not warm yet, but it serves
    assert client.get("/ready").status_code == 200
    broken = copy.root / "snapshot-999999-00000000.duckdb"
    broken.write_bytes(b"not a database" * 1000)
    copy.publish(broken.name)                           # a published version that does not open
    answer = client.get("/ready")
    assert answer.status_code == 503 and "cannot serve" in answer.get_data(as_text=True)


def served_file(ctx) -> str:
    """The snapshot file the context's reader reads in this thread."""
    path = ctx.store.reader().execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    return path.fetchone()[0].rsplit("/", 1)[-1]


@pytest.fixture
def copied(own_store, tmp_path):
    import shutil

    from store.db import Store

    shutil.copytree(own_store.root, tmp_path / "store")
    return Store(tmp_path / "store")


def test_a_new_snapshot_is_served_once_its_first_screens_are_warm_and_the_warm_one_until_then(copied, config):
    from pages.background import background
    from pages.server import create_app

    app = create_app(copied, dataclasses.replace(config, max_stale_s=600))
    client = app.server.test_client()
    wait_ready(client)
    ctx = app.server.extensions["context"]
    old = ctx.store.version()
    with copied.writer():
        pass                                            # published, not yet warm: the old one is served
    new = copied.version()
    assert new != old and ctx.store.version() == old and served_file(ctx) == old and ctx.store.pending(new)
    with ctx.store.at(new):                             # what the warm-up reads, and the work it starts
        seen = []
        background(lambda: seen.append(served_file(ctx)), "test")
        time.sleep(0.5)
        assert served_file(ctx) == new and seen == [new]
    assert client.get("/ready?warm=1").status_code == 503     # seen on this request: queued, warming
    started = time.perf_counter()
    while ctx.store.version() != new:
        assert time.perf_counter() - started < 120, "the warm snapshot was never served"
        time.sleep(0.02)
    kept = {k[1:] for k in ctx.cache._items if k[0] == new}
    assert ("headline_days",) in kept and ("check_totals", Scope("leadership")) in kept   # warm when first served
    assert served_file(ctx) == new


def test_a_new_snapshot_is_served_after_the_stale_bound_even_if_not_warm(copied, config):
    from pages.context import AppConfig

    ctx = AppContext.create(copied, dataclasses.replace(config, max_stale_s=0.3))     # no warm-up here
    old = ctx.store.version()
    with copied.writer():
        pass
    assert ctx.store.version() == old
    time.sleep(0.4)
    assert ctx.store.version() == copied.version() != old and served_file(ctx) == copied.version()
    assert AppContext.create(copied, AppConfig()).store.max_stale_s == 0      # tests and embedded use: no delay


def test_a_write_made_through_the_server_is_served_at_once(copied, config):
    ctx = AppContext.create(copied, dataclasses.replace(config, max_stale_s=600))
    old = ctx.store.version()
    with ctx.store.writer():
        pass                                            # as the identity page's merge does
    assert ctx.store.version() == copied.version() != old
