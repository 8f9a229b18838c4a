"""Issue 18.6: after login only relative paths on this site; the Origin check compares scheme, host and port;
unknown paths answer 404 instead of the page shell."""
from pages.server import PAGES
from tests.pages.dash_client import PASSWORD, DashClient, account

TRICKS = ["/%09/evil.example", "/\t/evil.example", "/%0a/evil.example", "/\\evil.example", "//evil.example",
          "https://evil.example/", "/ /evil.example", "/%2F%2Fevil.example", "/\x00/evil.example",
          "http:/evil.example", "/%5Cevil.example"]


def test_login_never_redirects_off_site(app, app_config):
    username = account(app_config.state_path, "analyst")
    refused = 0
    for target in TRICKS:
        client = DashClient(app)
        reply = client.http.post("/login", data={"username": username, "password": PASSWORD, "next": target})
        location = reply.headers["Location"]
        refused += location == "/"
        assert reply.status_code == 303 and location.startswith("/") and not location[1:2] in ("/", "\\"), location
    print(f"\nredirect tricks: {refused} of {len(TRICKS)} sent home")
    assert refused == len(TRICKS)
    client = DashClient(app)
    kept = client.http.post("/login", data={"username": username, "password": PASSWORD, "next": "/export?x=1"})
    assert kept.headers["Location"] == "/export?x=1"


def test_origin_scheme_host_and_port_are_compared(client):
    body = {"output": "nothing"}
    foreign = ["https://localhost", "http://localhost:8051", "http://evil.example", "null", "http://localhost.evil"]

    def why(origin):
        return client.http.post("/_dash-update-component", json=body, headers={"Origin": origin}).get_json()["error"]
    refused = [why(o) for o in foreign].count("cross-site request")
    print(f"\nforeign origins: {refused} of {len(foreign)} refused")
    assert refused == len(foreign)
    assert why("http://localhost") == "unknown callback"           # this site: on to the callback check


def test_unknown_paths_are_404(client):
    unknown = ["/loginX", "/ready/..", "/ready/x", "/nothing", "/export/../../etc/passwd", "/adminX", "/login/x"]
    codes = [client.http.get(p).status_code for p in unknown]
    print(f"\nunknown paths: {codes.count(404)} of {len(unknown)} answered 404")
    assert codes == [404] * len(unknown)
    pages = [p.PATH for p in PAGES if p.NAME != "admin"]           # every page the analyst may open
    assert [client.http.get(p).status_code for p in [*pages, "/login"]] == [200] * (len(pages) + 1)
