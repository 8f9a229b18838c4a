"""Derived tables (store/derived.sql) follow every write, and a store written by an earlier release is brought up
to date at start: a person belongs at their residence, or with none known where their latest placed report was,
the police's own reports aside, as of each published version."""
import duckdb

from store.db import Store
from store.health import expected_tables, upgrade


def person(conn, person_id, community=None):
    conn.execute("INSERT INTO persons (person_id, name, community_code, township_code, district_code, first_channel,"
                 " first_batch_id) VALUES (?, 'x', ?, ?, ?, 'rail', 1)",
                 [person_id, community, community and community[:9], community and community[:6]])


def report(conn, person_id, channel, when, community, line):
    conn.execute("INSERT INTO sightings (person_id, channel, feed, seen_at, community_code, township_code,"
                 " district_code, batch_id, line) VALUES (?, ?, 'f', ?, ?, ?, ?, 1, ?)",
                 [person_id, channel, when, community, community[:9], community[:6], line])


def homes(store: Store) -> dict[int, str]:
    return dict(store.reader().execute("SELECT person_id, community_code FROM person_homes").fetchall())


def test_every_write_rebuilds_where_people_without_a_residence_belong(tmp_path):
    store = Store(tmp_path)
    with store.writer() as conn:
        person(conn, 1)                                          # no residence
        person(conn, 2, "450403001001")                          # a resident
        report(conn, 1, "rail", "2020-03-01 08:00", "450403001002", 1)
        report(conn, 1, "hotel", "2020-03-05 08:00", "450405001003", 2)
        report(conn, 1, "police", "2020-03-09 08:00", "450406001004", 3)    # the police's own: not a home
        report(conn, 2, "hotel", "2020-03-05 08:00", "450405001003", 4)
    assert homes(store) == {1: "450405001003", 2: "450403001001"}
    with store.writer() as conn:                                 # a correction takes the latest report away
        conn.execute("DELETE FROM sightings WHERE line = 2")
    assert homes(store) == {1: "450403001002", 2: "450403001001"}
    with store.writer() as conn:                                 # a residence becomes known
        conn.execute("UPDATE persons SET community_code = '450403001009' WHERE person_id = 1")
    assert homes(store) == {1: "450403001009", 2: "450403001001"}


def test_a_store_of_an_earlier_release_is_brought_up_to_date_once(tmp_path):
    store = Store(tmp_path)
    with store.writer() as conn:
        person(conn, 1)
        report(conn, 1, "rail", "2020-03-01 08:00", "450403001002", 1)
    with duckdb.connect(str(store.current_path())) as conn:     # as an earlier release left it
        conn.execute("DROP TABLE person_homes")
    earlier = Store(tmp_path)
    version = earlier.version()
    assert upgrade(earlier) and earlier.version() != version
    assert "person_homes" in expected_tables() and homes(earlier) == {1: "450403001002"}
    assert not upgrade(earlier) and not upgrade(Store(tmp_path / "none"))
