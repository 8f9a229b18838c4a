"""Issue 18.1: an administrator created by `app.py init` reaches nothing but the password form until the first
password is changed."""
from auth.state import State
from auth.users import add_user
from tests.pages.dash_client import DashClient

FIRST, OWN = "Lichee-harbour-Tram-58", "Quiet-mangrove-Bell-91"


def test_the_first_password_must_be_changed_before_anything_else(app, app_config):
    add_user(State(app_config.state_path), "chief", FIRST, "admin", must_change=True)
    client = DashClient(app, "chief", FIRST)
    blocked = [client.http.get(p) for p in ("/", "/admin", "/_dash-layout")]
    assert [r.status_code for r in blocked] == [303, 303, 403]
    assert all(r.headers.get("Location") == "/password" for r in blocked[:2])
    assert "password-forced" in client.http.get("/password").get_data(as_text=True)
    weak = client.http.post("/password", data={"current": FIRST, "new": "Password1234", "again": "Password1234"})
    assert weak.status_code == 400 and client.http.get("/_dash-layout").status_code == 403
    done = client.http.post("/password", data={"current": FIRST, "new": OWN, "again": OWN})
    assert done.status_code == 303 and client.http.get("/_dash-layout").status_code == 200
    assert DashClient(app, "chief", OWN).http.get("/admin").status_code == 200
