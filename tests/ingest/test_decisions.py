"""Issue 15.3: a review pair confirmed merges the two persons (the figures follow), a split undoes it exactly, and
the review queue is listed by the query layer within a police officer's jurisdiction only."""
import re

import pytest

from ingest import decisions
from queries.runner import Forbidden, Scope, run
from store.db import DERIVED
from tests.ingest.test_identity import shared_passport

PERSON_TABLES = ("persons", "person_names", "identity_review")   # the identity's own
DERIVED_TABLES = set(re.findall(r"INSERT INTO (\w+)", DERIVED.read_text()))   # kept up to date by every write


@pytest.fixture
def review_store(city_store, tmp_path):
    """A store with one review pair: a passport re-used under another name and birth date (two persons)."""
    shared_passport(city_store, tmp_path)
    return city_store


def _tables(conn) -> dict[str, list]:
    names = [n for (n,) in conn.execute("SELECT DISTINCT table_name FROM duckdb_columns()"
                                        " WHERE column_name = 'person_id' AND NOT internal").fetchall()]
    return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}


def test_every_table_naming_a_person_is_moved_by_a_merge(review_store):
    conn = review_store.reader()
    tables = {n for (n,) in conn.execute("SELECT DISTINCT table_name FROM duckdb_columns()"
                                         " WHERE column_name = 'person_id' AND NOT internal").fetchall()}
    assert tables - set(PERSON_TABLES) - DERIVED_TABLES == set(decisions.ROW_KEYS)
    assert DERIVED_TABLES == {"person_homes", "loop_spans"}


def test_confirm_merges_and_split_restores_every_row(review_store):
    reader = review_store.reader()
    pair = reader.execute("SELECT batch_id, line, candidate_person_id FROM identity_review").fetchone()
    before = _tables(reader)
    people = "SELECT count(DISTINCT person_id) FROM abroad"
    assert reader.execute(people).fetchone()[0] == 2
    with review_store.writer(lists_changed_persons=True) as conn:
        merge_id = decisions.decide(conn, pair, "confirm", "analyst1")
    reader = review_store.reader()
    assert reader.execute(people).fetchone()[0] == 1
    assert reader.execute("SELECT count(*) FROM persons").fetchone()[0] == 1
    assert reader.execute("SELECT person_id FROM person_homes").fetchall() == [(pair[2],)]   # the merged one's goes
    assert reader.execute("SELECT status FROM identity_review").fetchone()[0] == "merged"
    with pytest.raises(decisions.DecisionError):           # decided: not again
        with review_store.writer(lists_changed_persons=True) as conn:
            decisions.decide(conn, pair, "confirm", "analyst1")
    with review_store.writer(lists_changed_persons=True) as conn:
        assert decisions.split(conn, merge_id, "analyst1") == (pair[2], before["identity_review"][0][3])
    after = _tables(review_store.reader())
    assert after.pop("identity_review")[0][-2] == "apart"
    before.pop("identity_review")
    assert after == before
    assert review_store.reader().execute("SELECT merge_id, split_by FROM person_merges").fetchall() == [
        (merge_id, "analyst1")]


def test_reject_and_defer_change_only_the_pair(review_store):
    reader = review_store.reader()
    pair = reader.execute("SELECT batch_id, line, candidate_person_id FROM identity_review").fetchone()
    with review_store.writer() as conn:
        decisions.decide(conn, pair, "defer", "officer")
    assert review_store.reader().execute("SELECT status FROM identity_review").fetchone()[0] == "deferred"
    with review_store.writer() as conn:
        decisions.decide(conn, pair, "reject", "officer")
    reader = review_store.reader()
    assert reader.execute("SELECT status FROM identity_review").fetchone()[0] == "apart"
    assert reader.execute("SELECT count(*) FROM persons").fetchone()[0] == 2


def test_the_review_queue_is_listed_within_a_jurisdiction_only(review_store):
    conn = review_store.reader()
    districts = [c for (c,) in conn.execute("SELECT code FROM districts ORDER BY code").fetchall()]
    home = conn.execute("SELECT DISTINCT district_code FROM persons").fetchall()
    assert home == [("450403",)]
    city = run(conn, "identity_review", Scope("analyst"))
    assert len(city) == 1 and city["name_a"].iloc[0] == "王*力" and city["birth_b"].iloc[0] == "1990-**-**"
    assert len(run(conn, "identity_review", Scope("police", "450403"))) == 1
    others = [d for d in districts if d != "450403"]
    assert others and all(run(conn, "identity_review", Scope("police", d)).empty for d in others)
    with pytest.raises(Forbidden):
        run(conn, "identity_review", Scope("leadership"))
    person = int(city["person_a"].iloc[0])
    clear = run(conn, "identity_review", Scope("police", "450403", reveal_person=person))
    assert clear["name_a"].iloc[0] == "王大力" and clear["name_b"].iloc[0] == "陈*明"
