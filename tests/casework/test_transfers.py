"""Transfers between jurisdictions (issue 16, item 3): requested with a reason, accepted by the receiving side,
seen by both, audited, append-only."""
import json
import sqlite3

import pytest

from auth import audit
from auth.state import State
from loop.transfers import Side, TransferError, Transfers

WANXIU, CHANGZHOU = Side("450403"), Side("450405")


@pytest.fixture
def transfers(tmp_path):
    return Transfers(State(tmp_path / "state.sqlite"))


def test_a_batch_is_handed_over_and_accepted_by_the_receiving_side(transfers):
    sent = transfers.request("police_wx", {11: WANXIU, 12: WANXIU}, CHANGZHOU, "quarantine_site",
                             note="长洲岛度假酒店", group_id="batch:D3618:2020-03-06")
    assert len(sent.done) == 2 and not sent.refused
    assert json.loads(transfers.moved()) == []                         # pending moves nobody
    assert transfers.answer("police_wx", WANXIU, sent.done, "accept").refused == dict.fromkeys(sent.done, "not_yours")
    taken = transfers.answer("police_cz", CHANGZHOU, sent.done, "accept")
    assert taken.done == sent.done
    assert {m["person_id"]: m["district_code"] for m in json.loads(transfers.moved())} == {11: "450405", 12: "450405"}
    for side in (WANXIU, CHANGZHOU):                                      # both sides see it, answered
        assert [(r["person_id"], r["status"]) for r in transfers.involving(side)] == [(12, "accepted"), (11, "accepted")]
    assert transfers.involving(Side("450406")) == []
    assert [s["action"] for s in transfers.history(11)] == ["request", "accept"]
    actions = [(r["action"], r["outcome"]) for r in audit.recent(transfers.state)]
    assert actions.count(("transfer.request", "ok")) == 2 and actions.count(("transfer.accept", "ok")) == 2
    assert actions.count(("transfer.accept", "refused")) == 2


def test_refusals_pending_twice_same_place_answered_and_unknown_reason(transfers):
    first = transfers.request("a", {5: WANXIU}, CHANGZHOU, "residence")
    again = transfers.request("a", {5: WANXIU, 6: WANXIU}, CHANGZHOU, "residence")
    assert again.refused == {5: "pending"} and len(again.done) == 1
    assert transfers.request("a", {7: CHANGZHOU}, CHANGZHOU, "residence").refused == {7: "same"}
    with pytest.raises(TransferError) as err:
        transfers.request("a", {8: WANXIU}, CHANGZHOU, "because")
    assert err.value.code == "reason"
    assert transfers.answer("a", WANXIU, first.done, "cancel").done == first.done
    assert transfers.answer("b", CHANGZHOU, first.done, "accept").refused == dict.fromkeys(first.done, "answered")
    assert transfers.answer("b", CHANGZHOU, [999], "accept").refused == {999: "unknown"}
    township = Side("450405", "450405001")                                 # a township of the receiving district
    assert transfers.answer("c", township, again.done, "accept").refused == dict.fromkeys(again.done, "not_yours")


def test_the_history_cannot_be_rewritten(transfers):
    transfers.request("a", {5: WANXIU}, CHANGZHOU, "residence")
    with pytest.raises(sqlite3.IntegrityError):
        transfers.state.query("DELETE FROM transfer_requests")
