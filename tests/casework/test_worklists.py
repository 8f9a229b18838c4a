"""Worklists with due dates (issue 16, item 4), on the demo city for 万秀区's police: each item opens a person of the
scope, release items are exactly the quarantines due today or tomorrow, assignment makes "my tasks"."""
import datetime as dt

import pytest

from auth.state import State
from loop import alerts, worklists, workflow
from loop.deadlines import Deadlines
from loop.transfers import Side, Transfers
from queries.runner import Scope, run

AS_OF, SCOPE = dt.date(2020, 3, 29), Scope("police", "450403")


@pytest.fixture
def lists(demo_city, tmp_path):
    conn, state, rules = demo_city[0].reader(), State(tmp_path / "s.sqlite"), Deadlines.configured()
    found = alerts.stated(alerts.collect(alerts.runner(conn), SCOPE, AS_OF, rules), state)
    people = run(conn, "loop_people", SCOPE, as_of=AS_OF, since=dt.date(2020, 1, 20), population=None,
                 community=None, doc_type=None, country=None, channel=None, sort_col=None, sort_desc=False, moved="[]")
    transfers = Transfers(state)
    transfers.request("police_cz", {int(people["person_id"].iloc[0]): Side("450405")}, Side("450403"), "residence")
    make = lambda contacted=frozenset(): worklists.build(found, people, set(contacted), transfers.involving(Side("450403")),
                                                        state, AS_OF, rules)
    return make, people, state, conn, rules


def test_every_kind_is_listed_with_a_due_time_and_a_person_of_the_scope(lists):
    make, people, _, conn, rules = lists
    frame = make()
    assert frame["due_at"].notna().all() and frame["task_id"].is_unique
    assert set(frame["kind"]) <= set(worklists.KINDS)
    for person in frame.groupby("kind")["person_id"].first():           # each item opens a person of the scope
        assert not run(conn, "person_journey", SCOPE, person=int(person), as_of=AS_OF, moved="[]").empty
    due = conn.execute("""SELECT count(DISTINCT q.person_id) FROM quarantines q WHERE q.person_id IN
                          (SELECT unnest(?)) AND q.start_at < DATE '2020-03-30' AND (q.released_at IS NULL OR
                          q.released_at >= DATE '2020-03-30') AND CAST(q.start_at AS DATE) + ? IN
                          (DATE '2020-03-29', DATE '2020-03-30')""",
                       [people["person_id"].tolist(), rules.quarantine_days]).fetchone()[0]
    assert (frame["kind"] == "release").sum() == due > 0
    assert (frame["kind"] == "transfer").sum() == 1
    counts = worklists.counts(frame, AS_OF)
    assert sum(c["total"] for c in counts.values()) == len(frame)
    assert counts["not_contacted"]["total"] > 0


def test_a_contact_note_clears_the_item_and_an_assignment_makes_my_tasks(lists):
    make, _, state, _, _ = lists
    frame = make()
    first = frame[frame["kind"] == "not_contacted"].iloc[0]
    assert first["task_id"] not in set(make({first["person_id"]})["task_id"])
    workflow.act(state, "lead", [first["task_id"]], "assign", assignee="王警官", visible=set(frame["task_id"]))
    mine = worklists.mine(make(), "王警官")
    assert mine["task_id"].tolist() == [first["task_id"]]
