"""The caller's scope comes from the server session only; forged areas from the browser show nothing."""
import flask
import pytest

from auth.users import User
from pages import session
from pages.context import day_index
from queries.runner import Scope


def test_without_a_login_the_scope_matches_nothing(app):
    with app.server.test_request_context("/"):
        scope = session.current_scope()
        assert scope == session.NOBODY and not scope.sees_people and session.within(scope, "450403") is None


def test_a_logged_in_user_gets_their_jurisdiction(app):
    with app.server.test_request_context("/"):
        flask.g.user = User("zhang", "张警官", "police", "450403", None)
        assert session.current_scope() == Scope("police", "450403")
        assert session.author() == "zhang"


@pytest.mark.parametrize("scope,code,expected", [
    (Scope("leadership"), None, Scope("leadership")),
    (Scope("leadership"), "450403", Scope("leadership", "450403")),
    (Scope("leadership"), "450403005001", Scope("leadership", "450403", "450403005")),
    (Scope("police", "450403"), "450405", None),
    (Scope("police", "450403"), "450403005", Scope("police", "450403", "450403005")),
    (Scope("police", "450403", "450403005"), "450403", Scope("police", "450403", "450403005")),
    (Scope("police", "450403", "450403005"), "450403006001", None),
])
def test_within_never_widens(scope, code, expected):
    assert session.within(scope, code) == expected


def test_language_is_remembered_from_a_query_parameter(app):
    with app.server.test_request_context("/?lang=en"):
        session.remember_language()
        assert session.language() == "en"
    with app.server.test_request_context("/?lang=xx"):
        session.remember_language()
        assert session.language() == "zh"


def test_a_forged_drill_path_outside_the_jurisdiction_is_refused(login):
    client = login("police", "450403")
    inputs = {"ov-drill.data": {"path": ["450405"], "selected": None}, "ov-metric.value": "abroad",
              "ov-day.value": day_index(__import__("datetime").date(2020, 3, 29)), "ov-classes.value": "quantile",
              "ov-points.value": []}
    assert client.call("ov-map.figure", inputs, changed=["ov-drill.data"]).outputs == {}
    cards = client.call("ov-cards.children", inputs).outputs["ov-cards.children"]
    assert "jurisdiction" in str(cards) or "管辖" in str(cards)
    rows = client.call("ex-grid.getRowsResponse", {"ex-grid.getRowsRequest": {"startRow": 0, "endRow": 100}},
                       {"ex-filters.data": {"district": "450405"}}).outputs["ex-grid.getRowsResponse"]
    assert rows == {"rowData": [], "rowCount": 0}
    mine = client.call("ex-grid.getRowsResponse", {"ex-grid.getRowsRequest": {"startRow": 0, "endRow": 100}},
                       {"ex-filters.data": {}}).outputs["ex-grid.getRowsResponse"]
    assert mine["rowCount"] > 0 and {r["district"] for r in mine["rowData"]} == {"万秀区"}
