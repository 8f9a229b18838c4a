"""Issue 18.3: known and unknown names get the same answer and the same work; failures slow the guesser down
per client and per name with growing delays; nobody can lock a real user out; administrators see the failures."""
import pytest

from auth import passwords, throttle
from auth.state import State
from auth.users import AuthError, add_user, authenticate

PASSWORD = "Lichee-harbour-Tram-58"


@pytest.fixture
def state(tmp_path):
    s = State(tmp_path / "app.sqlite")
    add_user(s, "admin", PASSWORD, "admin")
    return s


def _answer(state, name, password, client, now, calls):
    before = len(calls)
    try:
        authenticate(state, name, password, client=client, now=now)
        return "ok", len(calls) - before
    except AuthError as refused:
        return str(refused), len(calls) - before


def test_known_and_unknown_names_answer_alike(state, monkeypatch):
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr("auth.users.verify_password", lambda p, h: calls.append(1) or real(p, h))
    t0 = 1_000_000.0
    known = [_answer(state, "admin", "Wrong-guess-12345", "10.0.0.1", t0 + i * 0.1, calls) for i in range(12)]
    unknown = [_answer(state, "nobody", "Wrong-guess-12345", "10.0.0.2", t0 + i * 0.1, calls) for i in range(12)]
    print(f"\nanswers: {len(set(known) | set(unknown))} distinct over 24 attempts on a real and an unknown name")
    assert known == unknown and len(set(known)) == 1          # same text and one scrypt each, every time


def test_growing_delays_for_the_guesser_and_none_for_the_user(state):
    t0, attacker, user = 2_000_000.0, "203.0.113.9", "10.1.2.3"
    waits, now = [], t0
    for _ in range(12):                          # the attacker guesses as fast as the throttle lets him
        with state.transaction() as conn:
            delay = throttle.seconds_to_wait(conn, "admin", attacker, now)
        now += delay
        waits.append(delay)
        with pytest.raises(AuthError):
            authenticate(state, "admin", "Wrong-guess-12345", client=attacker, now=now)
    print(f"\nwaits imposed on one client guessing one account: {waits}")
    assert waits[:5] == [0] * 5 and all(b >= 2 * a for a, b in zip(waits[5:], waits[6:]) if a)
    with pytest.raises(AuthError):               # throttled: even the right password is refused from there
        authenticate(state, "admin", PASSWORD, client=attacker, now=now + 0.5)
    assert authenticate(state, "admin", PASSWORD, client=user, now=now + 0.5).username == "admin"


def test_many_clients_cannot_lock_the_account(state):
    t0 = 3_000_000.0
    for i in range(40):                          # 40 addresses, each under its own free allowance
        with pytest.raises(AuthError):
            authenticate(state, "admin", "Wrong-guess-12345", client=f"198.51.100.{i}", now=t0 + i * 0.01)
    end = t0 + 0.5
    with state.transaction() as conn:
        longest = throttle.seconds_to_wait(conn, "admin", "10.9.9.9", end)
    assert 0 < longest <= 30
    assert authenticate(state, "admin", PASSWORD, client="10.9.9.9", now=end + longest).username == "admin"
    shown = throttle.repeated(state, since=t0 - 1, least=1)
    free_for_the_name = throttle.RULES[2][1]    # then each further guess waits for the name's delay, uncounted
    assert sum(r["failures"] for r in shown if r["username"] == "admin") == free_for_the_name
