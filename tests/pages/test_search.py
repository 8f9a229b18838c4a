"""Issue 16.1, 16.6, 16.7 on the demo city (the report's stories, built by the demo generator, not by these tests):
the officer finds the report's student by train and date, by address text, by pinyin and by the last digits of
his phone, only within the jurisdiction; every search is audited as a list served; a pick opens the card with
the address masked and in clear after an unmask; the Guiyi family is one household."""
import json
import re

import pytest

from auth import audit
from auth.state import State
from tests.pages.dash_client import DashClient, account

pytestmark = pytest.mark.slow
STUDENT_TRAIN = "D3626 03-19"


@pytest.fixture(scope="module")
def demo(demo_city, app_config):
    from pages.server import create_app
    store, _ = demo_city
    return store, create_app(store, app_config)


@pytest.fixture(scope="module")
def student(demo):
    """The report's student as the store holds him: (person id, phone, home district)."""
    store, _ = demo
    return store.reader().execute("SELECT person_id, phone, district_code FROM persons"
                                  " WHERE name = '陈子轩' AND address LIKE '%新兴一路%'").fetchone()


def client(demo, app_config, role, district=None):
    return DashClient(demo[1], account(app_config.state_path, role, district))


def results(c: DashClient, text: str, date=None) -> tuple[list[dict], str]:
    out = c.call("sr-grid.rowData", {"sr-text.value": text, "sr-date.date": date, "sr-go.n_clicks": 1}).outputs
    return out["sr-grid.rowData"], out["sr-count.children"]


def test_the_reports_student_is_found_by_train_address_pinyin_and_phone_digits(demo, app_config, student):
    person_id, phone, district = student
    police = client(demo, app_config, "police", district)
    for text in (STUDENT_TRAIN, "D3626 2020年3月19日", "新兴一路", "chenzx", "czx", "chen zi xuan", "陈子轩", phone[-4:]):
        rows, _ = results(police, text)
        mine = [r for r in rows if r["person_id"] == person_id]
        assert mine, text
        assert mine[0]["name"] == "陈*轩" and mine[0]["community"] and mine[0]["stage"]
        assert mine[0]["address"].endswith("新兴一路**号") and not re.search(r"\d", mine[0]["address"])
    rows, _ = results(police, "D3626", "2020-03-19")                         # the date from the picker
    assert any(r["person_id"] == person_id and "15:42" in r["detail"] for r in rows)


def test_a_search_finds_exactly_the_jurisdictions_people(demo, app_config, student):
    store, _ = demo
    person_id, _, district = student
    conn = store.reader()
    on_train = {r[0] for r in conn.execute("SELECT person_id FROM arrivals WHERE carrier_no = 'D3626'"
                                           " AND CAST(arrived_at AS DATE) = DATE '2020-03-19'").fetchall()}
    in_district = {r[0] for r in conn.execute(            # resident there, or any row of the loop placed there
        "SELECT person_id FROM persons WHERE district_code = $d UNION SELECT person_id FROM abroad WHERE"
        " district_code = $d UNION SELECT person_id FROM border_entries WHERE district_code = $d UNION SELECT"
        " person_id FROM arrivals WHERE district_code = $d UNION SELECT person_id FROM quarantines WHERE"
        " district_code = $d", {"d": district}).fetchall()}
    city, _ = results(client(demo, app_config, "analyst"), STUDENT_TRAIN)
    assert {r["person_id"] for r in city} == on_train
    own, _ = results(client(demo, app_config, "police", district), STUDENT_TRAIN)
    assert {r["person_id"] for r in own} == on_train & in_district
    other_district = next(d for d in ("450405", "450406", "450421") if d != district)
    other, _ = results(client(demo, app_config, "police", other_district), STUDENT_TRAIN)
    assert person_id not in {r["person_id"] for r in other}
    print(f"\n{STUDENT_TRAIN}: city {len(city)}, {district} {len(own)}, {other_district} {len(other)}")


def test_every_search_is_audited_as_a_list_of_people_served(demo, app_config):
    police = client(demo, app_config, "police", "450403")
    state = State(app_config.state_path)
    before = len(audit.recent(state, 100_000, "people.rows"))
    texts = ("新兴一路", "chenzx", STUDENT_TRAIN)
    for text in texts:
        results(police, text)
    rows = audit.recent(state, 100_000, "people.rows")
    added = rows[:len(rows) - before]                                   # newest first
    assert len(added) == len(texts) and {r["target"] for r in added} == {"search"}
    assert {json.loads(r["detail"])["filters"]["text"] for r in added} == set(texts)


def test_leadership_and_administrators_cannot_search(demo, app_config):
    for role in ("leadership", "admin"):
        c = client(demo, app_config, role)
        reply = c.post(c.key("sr-grid.rowData"), {"sr-text.value": "新兴一路", "sr-go.n_clicks": 1})
        assert reply.status_code == 403


def test_a_pick_opens_the_card_masked_then_in_clear_after_an_unmask(demo, app_config, student):
    person_id, _, district = student
    police = client(demo, app_config, "police", district)
    rows, _ = results(police, STUDENT_TRAIN)
    mine = next(r for r in rows if r["person_id"] == person_id)
    state = {"sr-text.value": STUDENT_TRAIN, "sr-date.date": None}
    card = json.dumps(police.call("sr-person.children", {"sr-grid.selectedRows": [mine]}, state).outputs,
                      ensure_ascii=False)
    assert "新兴一路**号" in card and "新兴一路12号" not in card and "陈*轩" in card
    forged = police.call("sr-person.children", {"sr-grid.selectedRows": [{**mine, "person_id": person_id + 1}]},
                         state).outputs
    assert "cm-plan" not in json.dumps(forged) and forged["sr-plan.children"] == []
    clear = json.dumps(police.call("sr-unmask-reason.value", {"sr-unmask.n_clicks": 1}, {
        **state, "sr-grid.selectedRows": [mine], "sr-unmask-purpose.value": "verify_address",
        "sr-unmask-reason.value": "核实居住地址"}).outputs, ensure_ascii=False)
    assert "新兴一路12号" in clear and "陈子轩" in clear


def test_the_guiyi_family_is_one_household_in_lists_and_on_the_card(demo, app_config):
    store, _ = demo
    conn = store.reader()
    family = conn.execute("SELECT person_id, community_code FROM persons WHERE address = ("
                          "  SELECT address FROM persons WHERE name = '韦志明' AND address LIKE '%归义镇%')"
                          " ORDER BY person_id").fetchall()
    assert len(family) == 3
    code = family[0][1]
    police = client(demo, app_config, "police", code[:6])
    listed = police.call("cm-grid.rowData", {"cm-community.value": code, "cm-date.date": "2020-03-29"}).outputs
    mine = [r for r in listed["cm-grid.rowData"] if r["person_id"] in {p for p, _ in family}]
    assert len(mine) == 3 and len({r["household"] for r in mine}) == 1 and "3" in mine[0]["household"]
    others = [r for r in listed["cm-grid.rowData"] if r["person_id"] not in {p for p, _ in family}]
    assert mine[0]["household"] not in {r["household"] for r in others}
    card = json.dumps(police.call("cm-person.children", {"cm-grid.selectedRows": [mine[0]]},
                                  {"cm-community.value": code, "cm-date.date": "2020-03-29"}).outputs,
                      ensure_ascii=False)
    assert "同户人员（共3人）" in card and all(r["name"] in card for r in mine[1:])
