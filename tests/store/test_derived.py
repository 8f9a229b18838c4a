"""Derived tables (store/derived.sql) follow every write, and a store written by an earlier release is brought up
to date at start: a person belongs at their residence, or with none known where their latest placed report was,
the police's own reports aside, as of each published version; and is in the loop's populations on the days their
events say."""
import datetime as dt

import duckdb
import pytest

from queries.runner import Scope, run

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


def departure(conn, person_id, day, line):
    conn.execute("INSERT INTO abroad (person_id, doc_type, doc_number, exit_date, country, verification_status,"
                 " batch_id, line) VALUES (?, 'passport', 'E1', ?, 'IT', 'verified', 1, ?)", [person_id, day, line])


def entry(conn, person_id, day, line):
    conn.execute("INSERT INTO border_entries (person_id, entry_date, port, channel, batch_id, line)"
                 " VALUES (?, ?, 'P', 'police', 1, ?)", [person_id, day, line])


def quarantine(conn, person_id, start, released, line):
    conn.execute("INSERT INTO quarantines (person_id, kind, start_at, planned_end, released_at, batch_id, line)"
                 " VALUES (?, 'hotel', ?, CAST(? AS DATE) + 14, ?, 1, ?)", [person_id, start, start, released, line])


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


@pytest.mark.parametrize(("day", "stages"), (
    ("2020-02-29", {}),
    ("2020-03-01", {1: "abroad", 2: "abroad"}),                  # left on the 1st
    ("2020-03-09", {1: "abroad", 2: "abroad", 3: "in_quarantine"}),
    ("2020-03-10", {1: "entered", 2: "abroad", 3: "released"}),  # 1 entered on the 10th; 3 released on the 10th
    ("2020-03-12", {1: "entered", 2: "abroad", 3: "released"}),
    ("2020-03-20", {1: "abroad", 2: "abroad", 3: "released"}),   # 1 left again on the 20th
    ("2020-03-25", {1: "entered", 2: "abroad", 3: "released"}),
))
def test_the_populations_of_a_day_follow_the_events(tmp_path, day, stages):
    """loop_spans (store/derived.sql) read by queries/loop_members.sql: abroad from a departure until the first entry
    on or after it, entered from a registered resident's entry on, in quarantine from the start day until the release
    day; an entry on the day of the departure ends it that day, a quarantine released the day it starts never holds."""
    store = Store(tmp_path)
    with store.writer() as conn:
        for person_id in (1, 2, 3):
            person(conn, person_id, "450403001001")
        conn.execute("UPDATE persons SET is_registered_resident = person_id = 1")
        departure(conn, 1, "2020-03-01", 1)
        entry(conn, 1, "2020-03-10", 2)
        departure(conn, 1, "2020-03-20", 3)
        entry(conn, 1, "2020-03-22", 4)
        departure(conn, 2, "2020-03-01", 5)
        entry(conn, 2, "2020-02-20", 6)                           # before the departure: no return
        quarantine(conn, 3, "2020-03-02 09:00", "2020-03-10 08:00", 7)
        quarantine(conn, 3, "2020-03-12 09:00", "2020-03-12 18:00", 8)    # released the day it started
    found = run(store.reader(), "loop_people", Scope.whole_city(), as_of=dt.date.fromisoformat(day),
                since=dt.date(2020, 3, 1), moved="[]", population=None, community=None, doc_type=None, country=None,
                channel=None, sort_col=None, sort_desc=False)
    assert dict(zip(found["person_id"], found["stage"])) == stages
