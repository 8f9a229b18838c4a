"""The worklists page end to end through the app's callbacks (issue 16, items 3 and 4), on the demo city: 万秀's
police see their items with counts, assign one to a named officer ("my tasks"), hand a person to 长洲区 with a
reason; 长洲's police see it pending, accept it, and the person is then in 长洲's lists; both see the history."""
import pytest

from pages.i18n import t
from tests.queries.synthetic import app_config  # noqa: F401  (fixture)
from tests.pages.dash_client import DashClient, account

DAY = "2020-03-29"


@pytest.fixture(scope="module")
def app(demo_city, app_config):
    from pages.server import create_app
    return create_app(demo_city[0], app_config)


def police(app, app_config, district):
    return DashClient(app, account(app_config.state_path, "police", district))


def show(client, mine=None, officer=None):
    """The page's outputs for the inputs, with every row its grid lists (asked for block by block) as "rows"."""
    out = client.call("tk-counts.children", {"tk-date.date": DAY, "tk-mine.value": mine or [],
                                             "tk-officer.value": officer, "tk-version.data": 0}).outputs
    rows, count = client.blocks("tk-grid", {"tk-filters.data": out["tk-filters.data"]})
    assert count == len(rows)
    return {**out, "rows": rows}


def test_items_counts_assignment_and_a_transfer_accepted(app, app_config):
    wanxiu, changzhou = police(app, app_config, "450403"), police(app, app_config, "450405")
    out = show(wanxiu)
    rows = out["rows"]
    assert rows and all(r["due_at"] for r in rows)
    counts = str(out["tk-counts.children"])
    assert t("tasks.kind.release") in counts and "tk-count-not_contacted" in counts
    assert {r["kind"] for r in rows} <= {t(f"tasks.kind.{k}") for k in
                                        ("not_contacted", "arrival", "temperature", "fever", "release", "transfer")}
    pick = [r for r in rows if r["kind"] == t("tasks.kind.release")][:1]
    reply = wanxiu.call("tk-status.children", {"tk-assign.n_clicks": 1},
                        {"tk-grid.selectedRows": pick, "tk-officer.value": "王警官", "tk-date.date": DAY,
                         "tk-version.data": 0}, changed=["tk-assign.n_clicks"]).outputs
    assert reply["tk-status.children"] == t("alerts.done", n=1)
    assert [r["task_id"] for r in show(wanxiu, ["mine"], "王警官")["rows"]] == [pick[0]["task_id"]]

    person = wanxiu.call("tk-person.children", {"tk-grid.selectedRows": pick}, {"tk-date.date": DAY}).outputs
    assert t("plan.home") in str(person["tk-person.children"])
    missing = wanxiu.call("tk-transfer-status.children", {"tk-transfer.n_clicks": 1},
                          {"tk-grid.selectedRows": pick, "tk-to.value": "450405", "tk-reason.value": None,
                           "tk-note.value": "", "tk-date.date": DAY, "tk-version.data": 0},
                          changed=["tk-transfer.n_clicks"]).outputs
    assert missing["tk-transfer-status.children"] == t("transfer.error.reason")        # in Chinese, not English
    sent = wanxiu.call("tk-transfer-status.children", {"tk-transfer.n_clicks": 2},
                       {"tk-grid.selectedRows": pick, "tk-to.value": "450405", "tk-reason.value": "residence",
                        "tk-note.value": "", "tk-date.date": DAY, "tk-version.data": 0},
                       changed=["tk-transfer.n_clicks"]).outputs
    assert sent["tk-transfer-status.children"] == t("alerts.done", n=1)
    incoming = show(changzhou)["tk-transfers.rowData"]
    assert [(r["person_id"], r["status"]) for r in incoming] == [(pick[0]["person_id"], t("transfer.status.pending"))]
    before = show(changzhou)["rows"]
    assert t("tasks.kind.transfer") in {r["kind"] for r in before}
    assert pick[0]["task_id"] not in {r["task_id"] for r in before}                # not theirs until accepted
    refused = wanxiu.call("tk-answer-status.children", {"tk-accept.n_clicks": 1},
                          {"tk-transfers.selectedRows": incoming, "tk-version.data": 0},
                          changed=["tk-accept.n_clicks"]).outputs
    assert t("transfer.error.not_yours") in refused["tk-answer-status.children"]
    accepted = changzhou.call("tk-answer-status.children", {"tk-accept.n_clicks": 1},
                              {"tk-transfers.selectedRows": incoming, "tk-version.data": 0},
                              changed=["tk-accept.n_clicks"]).outputs
    assert accepted["tk-answer-status.children"] == t("alerts.done", n=1)
    for client in (wanxiu, changzhou):
        assert [r["status"] for r in show(client)["tk-transfers.rowData"]] == [t("transfer.status.accepted")]
    assert pick[0]["task_id"] in {r["task_id"] for r in show(changzhou)["rows"]}   # now theirs (万秀 keeps
    # the person as a guest while the hotel is there)


def test_the_police_overview_counts_the_worklists_in_both_languages(app, app_config):
    client = police(app, app_config, "450403")
    for lang in ("zh", "en"):
        client.visit(f"/?lang={lang}")
        page = str(client.call("page.children", {"url.pathname": "/", "url.search": f"?lang={lang}"}).outputs)
        assert "ov-tasks" in page and "ov-task-release" in page and t("tasks.kind.not_contacted", lang) in page
        tasks = str(client.call("page.children", {"url.pathname": "/tasks", "url.search": f"?lang={lang}"}).outputs)
        assert t("transfer.title", lang) in tasks and t("tasks.list", lang) in tasks


def test_the_list_is_served_a_block_at_a_time_sorted_and_each_block_audited(app, app_config):
    """The grid holds only the blocks it shows (at scale 100 a district's items were 1.8 MB sent whole): each
    block is cut from the items the server computed, sorted as the grid asks, and audited as served."""
    import json

    from auth import audit
    from auth.state import State

    wanxiu = police(app, app_config, "450403")
    out = show(wanxiu)
    everyone = out["rows"]
    total = len(everyone)
    assert total > 20                                            # several blocks of 20
    by_due, count = wanxiu.blocks("tk-grid", {"tk-filters.data": out["tk-filters.data"]}, size=20,
                                  sort=[{"colId": "due_at", "sort": "desc"}])
    assert count == total and [r["due_at"] for r in by_due] == sorted((r["due_at"] for r in everyone), reverse=True)
    assert sorted(r["task_id"] for r in by_due) == sorted(r["task_id"] for r in everyone)
    served = [r for r in audit.recent(State(app_config.state_path), 100, "people.rows") if r["target"] == "tasks"]
    assert served and json.loads(served[0]["detail"])["of"] == total
