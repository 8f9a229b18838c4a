"""Issue 16.8: a supervisor view of unmasks per jurisdiction: a district's police reviews every unmask by the
district's officers (township officers included), a township officer sees their own, another district none."""
import pytest

from tests.pages.dash_client import DashClient, account
from tests.pages.test_access import OWN, OTHER, people, values  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def township_unmask(app, app_config, values):  # noqa: F811
    """A township officer of OWN unmasks one person with a reason of their own; returns (officer, reason)."""
    township = values["cm-community.value"][:9]
    officer = account(app_config.state_path, "police", OWN, township)
    reason = "核实镇街居家隔离对象"
    outputs = DashClient(app, officer).call("cm-unmask-reason.value", {**values, "cm-unmask-reason.value": reason})
    assert "cm-plan.children" in outputs.outputs
    return officer, reason


def review(app, app_config, district, township=None) -> list[dict]:
    client = DashClient(app, account(app_config.state_path, "police", district, township))
    return client.call("ur-grid.rowData", {"ur-version.data": 0}).outputs["ur-grid.rowData"]


def test_the_districts_police_reviews_its_officers_unmasks(app, app_config, township_unmask):
    officer, reason = township_unmask
    seen = review(app, app_config, OWN)
    mine = [r for r in seen if r["username"] == officer]
    assert mine and mine[0]["reason"] == reason and mine[0]["purpose"] == "核实居住地址"
    assert not [r for r in review(app, app_config, OTHER) if r["username"] == officer]


def test_a_township_officer_sees_only_their_own(app, app_config, township_unmask, values):  # noqa: F811
    officer, _ = township_unmask
    DashClient(app, account(app_config.state_path, "police", OWN)).call("cm-unmask-reason.value", values)
    own = review(app, app_config, OWN, values["cm-community.value"][:9])
    assert own and {r["username"] for r in own} == {officer}


def test_leadership_and_analysts_cannot_open_the_review(app, app_config):
    for role in ("leadership", "analyst"):
        client = DashClient(app, account(app_config.state_path, role))
        assert client.post(client.key("ur-grid.rowData"), {"ur-version.data": 0}).status_code == 403
