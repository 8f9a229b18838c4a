"""One stage per person from the whole record (issue 16, item 2), on the demo city's stories: the student in a hotel
of another community of his district, and the company's employees quarantined in a hotel of another district."""
import datetime as dt
import json

import pytest

from demo.stories import STUDENT_HOME
from queries.runner import Scope, run

BASE = dict(since=dt.date(2020, 1, 20), population=None, community=None, doc_type=None, country=None, channel=None,
            sort_col=None, sort_desc=False, moved="[]")


def people(conn, scope, as_of, **params):
    return run(conn, "loop_people", scope, **{**BASE, "as_of": as_of, **params})


@pytest.fixture(scope="module")
def conn(demo_city):
    return demo_city[0].reader()


@pytest.fixture(scope="module")
def student(conn):
    """The report's student (the one with his home in the story's community) and his hotel stay."""
    row = conn.execute("""SELECT p.person_id, q.start_at, q.released_at, s.name, s.community_code
                          FROM persons p JOIN quarantines q USING (person_id) JOIN quarantine_sites s USING (site_id)
                          WHERE p.name = '陈子轩' AND p.community_code = ?""", [STUDENT_HOME]).fetchone()
    return dict(zip(("person_id", "start", "release", "site", "site_community"), row))


@pytest.fixture(scope="module")
def employee(conn):
    """A resident of one district quarantined with the company's batch in a hotel of another district."""
    row = conn.execute("""SELECT p.person_id, p.district_code, q.district_code, q.start_at, q.released_at, s.name
                          FROM persons p JOIN quarantines q USING (person_id) JOIN quarantine_sites s USING (site_id)
                          WHERE s.name = '长洲岛度假酒店' AND CAST(q.start_at AS DATE) = DATE '2020-03-06'
                            AND p.district_code = '450403' AND q.district_code <> p.district_code
                          ORDER BY p.person_id LIMIT 1""").fetchone()
    return dict(zip(("person_id", "home", "site_district", "start", "release", "site"), row))


def test_the_student_is_in_quarantine_in_his_home_community_on_day_10(conn, student):
    day10 = (student["start"] + dt.timedelta(days=9)).date()
    scope = Scope("police", STUDENT_HOME[:6], STUDENT_HOME[:9])
    home = people(conn, scope, day10, community=STUDENT_HOME)
    row = home[home["person_id"] == student["person_id"]].iloc[0]
    assert (row["stage"], row["relation"], row["current_place"]) == ("in_quarantine", "home", student["site"])
    hotel = people(conn, Scope("police", student["site_community"][:6], student["site_community"][:9]), day10,
                   community=student["site_community"])
    guest = hotel[hotel["person_id"] == student["person_id"]].iloc[0]
    assert (guest["stage"], guest["relation"], guest["community_code"]) == ("in_quarantine", "guest", STUDENT_HOME)


def test_a_resident_quarantined_in_another_district_is_listed_home_and_guest(conn, employee):
    during = (employee["start"] + dt.timedelta(days=3)).date()
    home = people(conn, Scope("police", employee["home"]), during)
    row = home[home["person_id"] == employee["person_id"]].iloc[0]
    assert (row["stage"], row["relation"], row["current_place"]) == ("in_quarantine", "home", employee["site"])
    assert row["district_code"] == employee["home"] and row["current_district"] == "长洲区"
    site = people(conn, Scope("police", employee["site_district"]), during)
    assert site.loc[site["person_id"] == employee["person_id"], "relation"].tolist() == ["guest"]
    after = (employee["release"] + dt.timedelta(days=1)).date()
    assert employee["person_id"] not in set(people(conn, Scope("police", employee["site_district"]), after)["person_id"])
    home_after = people(conn, Scope("police", employee["home"]), after)
    assert home_after.loc[home_after["person_id"] == employee["person_id"], "stage"].tolist() == ["released"]


def test_the_journey_and_plan_seen_from_home_have_the_transfer_quarantine_and_release(conn, employee):
    scope, after = Scope("police", employee["home"]), (employee["release"] + dt.timedelta(days=1)).date()
    journey = run(conn, "person_journey", scope, person=employee["person_id"], as_of=after, moved="[]")
    assert {"arrived", "transfer", "quarantine", "released"} <= set(journey["step"])
    from loop.deadlines import Deadlines
    during = (employee["start"] + dt.timedelta(days=3)).date()
    plan = run(conn, "plans_person", scope, person=employee["person_id"], as_of=during, moved="[]",
               **Deadlines.configured().params()).iloc[0]
    assert (plan["next_step"], plan["quarantine_site"], plan["current_district"]) == ("release", employee["site"], "长洲区")
    assert plan["release_due"].date() == employee["start"].date() + dt.timedelta(days=14)
    done = run(conn, "plans_person", scope, person=employee["person_id"], as_of=after, moved="[]",
               **Deadlines.configured().params()).iloc[0]
    assert done["next_step"] == "done" and done["released_at"] == employee["release"]


def test_a_person_outside_the_scope_stays_invisible(conn, employee):
    elsewhere = Scope("police", "450423")                                 # neither home nor the hotel's district
    assert run(conn, "person_journey", elsewhere, person=employee["person_id"], as_of=dt.date(2020, 3, 10),
               moved="[]").empty
    assert employee["person_id"] not in set(people(conn, elsewhere, dt.date(2020, 3, 10))["person_id"])


def test_an_accepted_transfer_moves_the_person_to_the_receiving_jurisdiction(conn, employee):
    moved = json.dumps([{"person_id": employee["person_id"], "district_code": "450481", "township_code": None,
                         "seq": 1}])
    day = dt.date(2020, 3, 25)
    receiving = people(conn, Scope("police", "450481"), day, moved=moved)
    assert receiving.loc[receiving["person_id"] == employee["person_id"], "relation"].tolist() == ["home"]
    sending = people(conn, Scope("police", employee["home"]), day, moved=moved)
    assert employee["person_id"] not in set(sending["person_id"])
