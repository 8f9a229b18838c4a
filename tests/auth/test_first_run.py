"""Issue 18.1: `app.py init` starts a store for real use (geography, no people) with a first administrator who
must change the password at first login; a store holding any batch the demo did not write never enables the
demo accounts."""
import io

import pytest

from app import main
from auth import demo, demo_mode
from auth.state import State
from auth.users import AuthError, authenticate
from ingest.channels import feed_for
from ingest.run import ingest_files
from store.db import Store
from tests.ingest.test_pipeline import good_hotel_rows, hotel_file

FIRST = "Lichee-harbour-Tram-58"


def test_init_makes_an_empty_store_with_the_geography_and_a_first_admin(tmp_path, monkeypatch, capsys):
    root = tmp_path / "store"
    monkeypatch.setattr("sys.stdin", io.StringIO(FIRST + "\n"))
    assert main(["--store", str(root), "init", "--admin", "chief", "--password-stdin"]) == 0
    conn = Store(root).reader()
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("districts", "townships", "communities", "persons", "batches")]
    assert min(counts[:3]) > 0 and counts[3:] == [0, 0]
    state = State(tmp_path / "app.sqlite")
    user = authenticate(state, "chief", FIRST)
    assert user.role == "admin" and user.must_change
    assert main(["--store", str(root), "init", "--admin", "chief2"]) == 2          # never over an existing store
    assert not demo_mode.is_demo(Store(root))


def test_demo_accounts_never_work_once_real_data_is_ingested(city_store, tmp_path):
    demo_mode.mark(city_store)                       # what `app.py demo` does after ingesting its own files
    assert demo_mode.is_demo(city_store)
    path = hotel_file(tmp_path / "hotel_20200319.csv", good_hotel_rows())
    _, errors = ingest_files(city_store, [(feed_for("hotel", path.name), path)], show_progress=False)
    assert not errors
    assert not demo_mode.is_demo(city_store)
    state = State(tmp_path / "app.sqlite")
    demo.enable(state)
    assert demo_mode.apply(city_store, state) is False           # what `serve` does: disable them
    refused = 0
    for username, password, *_ in demo.ACCOUNTS:
        with pytest.raises(AuthError):
            authenticate(state, username, password)
        refused += 1
    print(f"\ndemo logins on a store with real data: {refused} of {len(demo.ACCOUNTS)} refused")
    (city_store.root / "DEMO").write_text("scale 1 seed 2020\n")   # an old marker alone enables nothing
    assert not demo_mode.is_demo(city_store)
