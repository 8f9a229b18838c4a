"""Issue 18.7: `users add` refuses short, common, breached and name-bearing passwords and jurisdictions that the
store's geography does not hold."""
import pytest

from app import main
from auth.demo import ACCOUNTS
from auth.state import State
from auth.users import add_user

WEAK = ["Password123", "lin-police1A", "Qwerty123456", "P@ssw0rd2020!", "Abc123456789",
        *[a[1] for a in ACCOUNTS]]


def test_weak_common_and_demo_passwords_are_refused(tmp_path):
    state = State(tmp_path / "app.sqlite")
    refused = 0
    for password in WEAK:
        with pytest.raises(ValueError):
            add_user(state, "lin-police", password, "analyst")
        refused += 1
    assert refused == len(WEAK)
    with pytest.raises(ValueError, match="12"):
        add_user(state, "lin", "Gx7#kq9Lm2", "analyst")          # strong but 10 characters
    assert add_user(state, "lin", "Lichee-harbour-Tram-58", "analyst").username == "lin"


def test_user_name_inside_the_password_is_refused(tmp_path):
    state = State(tmp_path / "app.sqlite")
    with pytest.raises(ValueError, match="user name"):
        add_user(state, "zhangwei", "ZhangWei-river-Lamp-77", "analyst")


def _users_add(store, *args, password="Lichee-harbour-Tram-58", monkeypatch=None):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["--store", str(store.root), "users", "add", *args, "--password-stdin"])


def test_jurisdiction_codes_are_checked_against_the_store(city_store, monkeypatch, capsys):
    township = city_store.reader().execute(
        "SELECT code, district_code FROM townships WHERE district_code = '450403' LIMIT 1").fetchone()
    other = city_store.reader().execute("SELECT code FROM districts WHERE code <> '450403' LIMIT 1").fetchone()[0]
    bad = [("--district", "459999"), ("--township", "450403999"), ("--district", other, "--township", township[0])]
    codes = [_users_add(city_store, f"cop{i}", "--role", "police", *b, monkeypatch=monkeypatch)
             for i, b in enumerate(bad)]
    assert codes == [2] * len(bad)
    assert _users_add(city_store, "cop", "--role", "police", "--township", township[0], monkeypatch=monkeypatch) == 0
