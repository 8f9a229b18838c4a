"""The commands: app.py tokens add|list|revoke and app.py intake run-once on real folders."""
import json
import os
import time

from app import main
from auth.state import State
from intake import tokens
from tests.ingest.test_pipeline import good_hotel_rows, hotel_file


def test_tokens_are_printed_once_listed_and_revoked(tmp_path, capsys):
    store = tmp_path / "store"
    assert main(["--store", str(store), "tokens", "add", "hotel-pms", "--channel", "hotel"]) == 0
    token = capsys.readouterr().out.strip()
    state = State(tmp_path / "app.sqlite")
    assert tokens.holder(state, token).channel == "hotel"
    assert main(["--store", str(store), "tokens", "add", "both", "--channel", "hotel", "--aggregates"]) == 2
    assert main(["--store", str(store), "tokens", "list"]) == 0
    listing = capsys.readouterr().out
    assert "hotel-pms" in listing and "channel:hotel" in listing and token not in listing
    assert main(["--store", str(store), "tokens", "revoke", "hotel-pms"]) == 0
    assert tokens.holder(state, token) is None


def test_intake_run_once_takes_what_is_waiting_and_fails_on_a_refused_file(city_store, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    args = ["--store", str(city_store.root), "intake", "run-once", "--inbox", str(inbox), "--settle", "0.5"]
    assert main(args) == 0                                   # creates the folders; nothing waiting
    path = hotel_file(inbox / "hotel" / "hotel_2020w12.csv", good_hotel_rows())
    bad = hotel_file(inbox / "hotel" / "lodging.csv", good_hotel_rows())
    then = time.time() - 5
    for p in (path, bad):
        os.utime(p, (then, then))
    capsys.readouterr()
    assert main(args) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((r["file"], r["status"]) for r in lines) == [("hotel_2020w12.csv", "ingested"),
                                                              ("lodging.csv", "failed")]
