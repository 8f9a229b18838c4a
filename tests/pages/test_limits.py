"""Issue 18.4: one user cannot hold the server: concurrent exports and requests per user are limited (429 beyond),
bodies are limited (413), malformed requests answer 400, never 500."""
import threading

from pages.limits import Limits
from tests.pages.dash_client import account, DashClient


def test_malformed_callback_requests_answer_400(client, app):
    key = client.key("ex-grid.getRowsResponse")
    bad = [b"{not json", b"[]", b'"text"', b'{"output": 5}',
           b'{"output": "%s", "inputs": "x"}' % key.encode(),
           b'{"output": "%s", "inputs": [1, 2]}' % key.encode(),
           b'{"output": "%s", "inputs": [], "state": {"a": 1}}' % key.encode(),
           b'{"output": "%s", "outputs": {"id": "ex-grid", "property": "getRowsResponse"}, "inputs": [{"id": "ex-grid"}]}'
           % key.encode()]
    codes = [client.http.post("/_dash-update-component", data=b, content_type="application/json").status_code
             for b in bad]
    codes.append(client.post(key, {"ex-grid.getRowsRequest": {"startRow": "abc", "endRow": None},
                                   "ex-filters.data": {"as_of": "2020-03-29"}}).status_code)
    bad.append("startRow: abc")
    print(f"\nmalformed callback bodies: {codes.count(400)} of {len(bad)} answered 400")
    assert codes == [400] * len(bad)


def test_large_bodies_answer_413(client):
    big = b'{"output": "' + b"x" * (Limits.MAX_BODY + 10) + b'"}'
    assert client.http.post("/_dash-update-component", data=big, content_type="application/json").status_code == 413


def test_concurrent_requests_of_one_user_are_limited(app, app_config):
    """A user holding MAX_EXPORTS downloads open gets 429 for another; another user is served meanwhile."""
    limits = app.server.extensions["limits"]
    hog = DashClient(app, account(app_config.state_path, "analyst"))
    other = DashClient(app, account(app_config.state_path, "analyst", "450423"))
    bodies = [hog.http.get("/export/download/csv?as_of=2020-03-29", buffered=False)
              for _ in range(Limits.MAX_EXPORTS)]                        # open streams: not yet read to the end
    refused = hog.http.get("/export/download/csv?as_of=2020-03-29")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert other.http.get("/export/download/csv?as_of=2020-03-29").status_code == 200
    for body in bodies:
        body.close()
    assert hog.http.get("/export/download/csv?as_of=2020-03-29").status_code == 200
    assert limits.in_flight() == 0
