"""Issue 18.2: every read of people (each block of a list with its filters and rows served), every person card,
every export and every refusal leaves one audit row: a script of N actions yields N rows."""
import json

from auth import audit
from auth.state import State
from tests.pages.dash_client import DashClient, account
from tests.pages.test_access import DAY, OTHER, OWN, people, values  # noqa: F401  (fixtures)

BLOCK = {"startRow": 0, "endRow": 100}


def test_scripted_actions_each_leave_one_audit_row(app, app_config, values):  # noqa: F811
    state = State(app_config.state_path)
    names = {r: account(app_config.state_path, r, OWN if r == "police" else None) for r in ("analyst", "police", "leadership")}
    analyst, police, leader = (DashClient(app, names[r]) for r in ("analyst", "police", "leadership"))
    before = audit.recent(state, 1)[0]["id"] if audit.recent(state, 1) else 0
    as_of = {"al-filters.data": values["al-filters.data"]}

    def grid(client, grid_id, state_values):
        return client.call(f"{grid_id}.getRowsResponse", {f"{grid_id}.getRowsRequest": BLOCK}, state_values)

    actions = [
        lambda: grid(analyst, "ex-grid", {"ex-filters.data": {"since": "2020-01-20", "as_of": DAY}}),
        lambda: analyst.call("ex-grid.getRowsResponse", {"ex-grid.getRowsRequest": {"startRow": 100, "endRow": 200}},
                             {"ex-filters.data": {"since": "2020-01-20", "as_of": DAY}}),
        lambda: grid(analyst, "al-grid", as_of),
        lambda: grid(analyst, "qr-home", {"qr-listed.data": {"as_of": DAY}}),
        lambda: grid(analyst, "qr-watch", {"qr-listed.data": {"as_of": DAY}}),
        lambda: grid(police, "al-grid", as_of),
        lambda: police.call("cm-person.children", values),
        lambda: police.call("cm-person.children", values),
        lambda: analyst.http.get(f"/export/download/csv?as_of={DAY}"),
        lambda: police.http.get(f"/export/download/parquet?as_of={DAY}"),
        lambda: police.http.get(f"/export/download/csv?as_of={DAY}&district={OTHER}"),        # 403: outside
        lambda: police.http.get(f"/export/download/csv?as_of=not-a-date"),                     # 400
        lambda: analyst.post(next(k for k in app.callback_map if "ad-users" in k), {}),         # 403: admin only
        lambda: leader.http.get(f"/export/download/csv?as_of={DAY}"),                           # 403: role
        lambda: leader.http.post("/_dash-update-component", json={"output": "nothing.children"}),  # 403: unknown
        lambda: analyst.http.post("/_dash-update-component", json={}, headers={"Origin": "https://evil.example"}),
    ]
    for act in actions:
        act()
    rows = [r for r in audit.recent(state, 10_000) if r["id"] > before and r["username"] in (*names.values(), None)]
    by = {}
    for r in rows:
        by[(r["action"], r["outcome"])] = by.get((r["action"], r["outcome"]), 0) + 1
    print(f"\naudit: {len(actions)} scripted actions -> {len(rows)} audit rows {by}")
    assert len(rows) == len(actions)
    served = [json.loads(r["detail"]) for r in rows if r["action"] == "people.rows"]
    assert len(served) == 6 and all("filters" in d and d["rows"] <= d["of"] for d in served)
    assert sum(r["outcome"] == "refused" for r in rows) == 6
