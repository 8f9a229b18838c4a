"""The demo city, built through the real feeds and ingest path, reproduces the Wuzhou report."""
import datetime as dt
import json
import subprocess
import sys

import pytest

from queries.figures import headline
from queries.runner import Scope
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
REPORT = dt.date(2020, 3, 29)


@pytest.fixture(scope="module")
def figures(demo_city):
    store, _ = demo_city
    return headline(store.reader(), Scope.whole_city(), REPORT)


def test_every_figure_of_the_report(figures):
    assert figures["abroad"] == 5130
    assert (figures["abroad_passport"], figures["abroad_permit"]) == (3813, 1317)
    assert figures["entered"] == 839
    assert figures["arrived"] == 729
    assert figures["measures"] == 362
    assert 480_000 <= figures["checkpoint_vehicles"] < 490_000
    assert 140_000 <= figures["checkpoint_persons"] < 150_000
    assert (figures["rumours"], figures["educated"], figures["detained"], figures["fined"]) == (41, 33, 7, 4)
    assert figures["imported_cases"] == 0


def test_checkpoint_totals_are_exactly_what_the_generator_planned(figures):
    """The weekly check files overlap (rows of the previous week re-sent): records stored once by their key."""
    from demo.calibration import PERSONS_BY_REPORT, VEHICLES_BY_REPORT
    assert figures["checkpoint_vehicles"] == VEHICLES_BY_REPORT * 1     # the fixture's scale
    assert figures["checkpoint_persons"] == PERSONS_BY_REPORT * 1


def test_curves_go_on_after_the_report(demo_city, figures):
    store, _ = demo_city
    later = headline(store.reader(), Scope.whole_city(), dt.date(2020, 4, 30))
    assert later["entered"] > figures["entered"] and later["arrived"] > figures["arrived"]
    assert later["checkpoint_vehicles"] > figures["checkpoint_vehicles"]
    early = headline(store.reader(), Scope.whole_city(), dt.date(2020, 2, 1))
    assert early["arrived"] < figures["arrived"] and early["measures"] < figures["measures"]


def test_district_scopes_add_up_to_the_city(demo_city, figures):
    store, _ = demo_city
    districts = [r[0] for r in store.reader().execute("SELECT code FROM districts").fetchall()]
    parts = [headline(store.reader(), Scope("police", district_code=d), REPORT) for d in districts]
    for key in ("abroad", "entered", "arrived", "measures", "in_quarantine", "checkpoint_vehicles", "rumours"):
        assert sum(p[key] for p in parts) == figures[key], key


def test_the_reports_stories_are_in_the_data(demo_city):
    store, _ = demo_city
    db = store.reader()
    student = db.execute("""
        SELECT b.port, b.entry_date, a.place, CAST(a.arrived_at AS DATE), q.kind, q.planned_end - CAST(q.start_at AS DATE),
               p.community_code
        FROM abroad ab JOIN persons p USING (person_id) JOIN border_entries b USING (person_id)
        JOIN arrivals a USING (person_id) JOIN quarantines q USING (person_id)
        WHERE ab.city = '吉隆坡' AND p.name LIKE '陈%' AND b.entry_date = DATE '2020-03-16'""").fetchall()
    assert (("广州白云机场", dt.date(2020, 3, 16), "梧州南站", dt.date(2020, 3, 19), "hotel", 14, "450403005002")
            in student)
    family = db.execute("""
        SELECT count(DISTINCT q.person_id), min(h.n) FROM quarantines q
        JOIN (SELECT person_id, count(*) AS n FROM health_checks GROUP BY 1) h USING (person_id)
        WHERE q.kind = 'home' AND q.township_code = '450481111' AND CAST(q.start_at AS DATE) = DATE '2020-03-17'
        """).fetchone()
    assert family[0] == 3 and family[1] >= 14
    released = db.execute("""SELECT count(DISTINCT q.person_id) FROM quarantines q
        WHERE CAST(q.released_at AS DATE) = DATE '2020-03-20' AND q.person_id IN (
            SELECT person_id FROM border_entries WHERE from_country LIKE '%日本%')""").fetchone()[0]
    assert released >= 15


def test_figures_command_prints_the_same_numbers(demo_city, figures):
    store, _ = demo_city
    out = subprocess.run([sys.executable, str(ROOT / "app.py"), "figures", "--db", str(store.root), "--as-of",
                          "2020-03-29", "--json"], capture_output=True, text=True, timeout=120, check=True)
    printed = json.loads(out.stdout)
    assert printed.pop("as_of") == "2020-03-29"
    assert printed == figures
