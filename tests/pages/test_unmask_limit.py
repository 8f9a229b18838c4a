"""Issue 18.5: a daily unmask limit per officer (WUZHOU_UNMASK_DAILY), refusals audited, and every unmask listed
for the supervisors on the administration page."""
from auth import audit
from auth.state import State
from auth.users import add_user
from tests.pages.dash_client import PASSWORD, DashClient, account
from tests.pages.test_access import OWN, people, values  # noqa: F401  (fixtures)


def test_an_officer_unmasks_at_most_the_daily_limit(app, app_config, values, monkeypatch):  # noqa: F811
    monkeypatch.setenv("WUZHOU_UNMASK_DAILY", "3")
    officer = "police-limit"                      # an officer of their own: other tests' unmasks count for theirs
    add_user(State(app_config.state_path), officer, PASSWORD, "police", district_code=OWN)
    police = DashClient(app, officer)
    attempts = 5
    granted = sum("cm-plan.children" in police.call("cm-unmask-reason.value", values).outputs for _ in range(attempts))
    rows = [r for r in audit.recent(State(app_config.state_path), 100_000, "person.unmask")
            if r["username"] == officer]
    print(f"\nunmasks: {granted} of {attempts} granted with a limit of 3; {len(rows)} audit rows")
    assert granted == 3 and [r["outcome"] for r in rows[:2]] == ["refused", "refused"]
    admin = DashClient(app, account(app_config.state_path, "admin"))
    listed = admin.call("ad-unmasks.rowData", {"ad-version.data": 0}).outputs["ad-unmasks.rowData"]
    assert sum(r["reason"] == "核实隔离地址" for r in listed) >= attempts
