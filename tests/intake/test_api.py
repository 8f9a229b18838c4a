"""The upload and figures API over real HTTP requests (Flask's test client through the whole app and its gate):
token scopes, the size limit, idempotency, receipts, audit rows, and every answer against the OpenAPI document."""
import json

import jsonschema
import pytest
from openapi_spec_validator import validate

from auth.audit import recent
from intake import tokens
from tests.ingest.test_pipeline import bad_hotel_rows, good_hotel_rows, hotel_file
from tests.pages.dash_client import DashClient, account


@pytest.fixture(scope="module")
def keys(api_app):
    _, _, state = api_app
    return {"hotel": tokens.add(state, "hotel-pms", "channel:hotel", by="test"),
            "rail": tokens.add(state, "rail-sys", "channel:transport", by="test"),
            "figures": tokens.add(state, "city-portal", tokens.AGGREGATES, by="test")}


@pytest.fixture(scope="module")
def http(api_app):
    return api_app[0].server.test_client()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def spec(http):
    return http.get("/api/v1/openapi.json").get_json()


def conforms(http, response, path, method="get"):
    """The response's status is documented for the route and its JSON body matches the documented schema."""
    document = spec(http)
    answers = document["paths"][path][method]["responses"]
    assert str(response.status_code) in answers, (response.status_code, response.get_data(as_text=True)[:300])
    schema = answers[str(response.status_code)]["content"]["application/json"]["schema"]
    jsonschema.validate(response.get_json(), {**schema, "components": document["components"]},
                        cls=jsonschema.Draft202012Validator, format_checker=jsonschema.FormatChecker())
    return response.get_json()


def upload(http, token, channel, path, **headers):
    with open(path, "rb") as fh:
        return http.post(f"/api/v1/feeds/{channel}", data={"file": (fh, path.name)},
                         headers={**(bearer(token) if token else {}), **headers}, content_type="multipart/form-data")


def test_the_document_is_valid_openapi_and_names_every_route(api_app, http):
    document = spec(http)
    validate(document)
    assert document["openapi"].startswith("3.1")
    routes = {(str(rule).replace("<", "{").replace(">", "}"), method.lower())
              for rule in api_app[0].server.url_map.iter_rules() if str(rule).startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == documented


def test_an_upload_is_one_batch_with_the_receipt_as_answer_and_a_resend_adds_nothing(api_app, http, keys, tmp_path):
    _, store, state = api_app
    path = hotel_file(tmp_path / "hotel_2020w12.csv", good_hotel_rows() + bad_hotel_rows())
    receipt = conforms(http, upload(http, keys["hotel"], "hotel", path), "/api/v1/feeds/{channel}", "post")
    assert receipt["status"] == "ingested" and (receipt["accepted"], receipt["rejected"]) == (2, 6), receipt
    assert "stored_as" not in receipt
    stored = store.reader().execute("SELECT file_name, rows_accepted FROM batches WHERE batch_id = ?",
                                    [receipt["batch_id"]]).fetchone()
    assert stored == ("hotel_2020w12.csv", 2)
    raw = http.post("/api/v1/feeds/hotel?filename=hotel_2020w12_again.csv", data=path.read_bytes(),
                    headers={**bearer(keys["hotel"]), "Content-Type": "application/octet-stream"})
    again = conforms(http, raw, "/api/v1/feeds/{channel}", "post")
    assert again["status"] == "skipped" and again["sha256"] == receipt["sha256"]
    assert store.reader().execute("SELECT count(*) FROM batches").fetchone()[0] == 1
    audited = [json.loads(r["detail"]) for r in recent(state, action="api.upload") if r["username"] == "token:hotel-pms"]
    assert [a["status"] for a in audited[:2]] == ["skipped", "ingested"]
    assert audited[1]["batch_id"] == receipt["batch_id"]


def test_a_file_refused_whole_answers_422_with_its_receipt(http, keys, tmp_path):
    empty = tmp_path / "hotel_2020w15.csv"
    empty.write_bytes(b"")
    receipt = conforms(http, upload(http, keys["hotel"], "hotel", empty), "/api/v1/feeds/{channel}", "post")
    assert receipt["status"] == "failed" and receipt["error"] and receipt["batch_id"] is None
    unnamed = hotel_file(tmp_path / "lodging.csv", good_hotel_rows())
    receipt = conforms(http, upload(http, keys["hotel"], "hotel", unnamed), "/api/v1/feeds/{channel}", "post")
    assert "no hotel feed matches" in receipt["error"]


def test_tokens_are_scoped_and_the_login_cookie_opens_nothing(api_app, http, keys, tmp_path):
    app, _, state = api_app
    path = hotel_file(tmp_path / "hotel_2020w16.csv", good_hotel_rows())
    assert upload(http, None, "hotel", path).status_code == 401
    assert upload(http, "wz_not-a-token", "hotel", path).status_code == 401
    assert conforms(http, upload(http, keys["hotel"], "transport", path), "/api/v1/feeds/{channel}",
                    "post")["error"].startswith("token scope")
    assert upload(http, keys["rail"], "hotel", path).status_code == 403
    assert upload(http, keys["figures"], "hotel", path).status_code == 403
    assert http.get("/api/v1/figures/headline", headers=bearer(keys["hotel"])).status_code == 403
    assert http.get("/api/v1/figures/headline").status_code == 401
    browser = DashClient(app, account(state.path, "admin"))              # a logged-in administrator
    assert browser.http.get("/api/v1/figures/headline").status_code == 401
    assert browser.http.post("/api/v1/feeds/hotel?filename=hotel_2020w16.csv", data=path.read_bytes()).status_code == 401
    refused = [r for r in recent(state, action="api.refused")]
    assert {r["username"] for r in refused} >= {None, "token:hotel-pms", "token:rail-sys", "token:city-portal"}
    assert all(r["outcome"] == "refused" for r in refused)


def test_a_revoked_token_is_refused(api_app, http):
    _, _, state = api_app
    token = tokens.add(state, "old-portal", tokens.AGGREGATES, by="test")
    assert http.get("/api/v1/figures/headline", headers=bearer(token)).status_code == 200
    tokens.revoke(state, "old-portal", by="test")
    assert http.get("/api/v1/figures/headline", headers=bearer(token)).status_code == 401
    assert any(r["name"] == "old-portal" and r["revoked_at"] for r in tokens.listed(state))
    stored = [tuple(r) for r in state.query("SELECT * FROM api_tokens")]
    assert stored and not any(token in str(value) for row in stored for value in row)     # hashes only


def test_a_cross_site_origin_does_not_block_a_token_upload(api_app, http, keys, tmp_path):
    path = hotel_file(tmp_path / "hotel_2020w17.csv", good_hotel_rows()[:1])
    response = upload(http, keys["hotel"], "hotel", path, Origin="https://pms.example.org")
    assert response.status_code == 200, response.get_data(as_text=True)
    browser_post = http.post("/logout", headers={"Origin": "https://evil.example"})
    assert browser_post.status_code == 403                       # the gate still refuses cookie-bearing pages


def test_an_upload_over_the_size_limit_is_refused_with_413(boundaries, app_config, tmp_path, monkeypatch):
    import dataclasses

    from auth.state import State
    from ingest.reference import write_reference
    from pages.server import create_app
    from store.db import Store

    monkeypatch.setenv("WUZHOU_UPLOAD_MAX_BYTES", "2000")
    store = Store(tmp_path / "store")
    with store.writer() as conn:
        write_reference(conn, boundaries)
    app = create_app(store, dataclasses.replace(app_config, state_path=tmp_path / "app.sqlite"))
    token = tokens.add(State(tmp_path / "app.sqlite"), "hotel-pms", "channel:hotel")
    http = app.server.test_client()
    small = hotel_file(tmp_path / "hotel_2020w12.csv", good_hotel_rows())
    big = hotel_file(tmp_path / "hotel_2020w13.csv", good_hotel_rows() * 20)
    assert small.stat().st_size < 2000 < big.stat().st_size
    response = upload(http, token, "hotel", big)
    assert conforms(http, response, "/api/v1/feeds/{channel}", "post") and response.status_code == 413
    raw = http.post("/api/v1/feeds/hotel?filename=hotel_2020w13.csv", data=big.read_bytes(), headers=bearer(token))
    assert raw.status_code == 413
    assert upload(http, token, "hotel", small).status_code == 200
    assert store.reader().execute("SELECT count(*) FROM batches").fetchone()[0] == 1
    assert [r["outcome"] for r in recent(State(tmp_path / "app.sqlite"), action="api.upload")] == ["ok", "refused", "refused"]


def test_an_upload_larger_than_a_page_request_is_taken_under_the_api_limit(http, keys, tmp_path):
    """The pages' 1 MiB body limit (pages/limits.py) does not apply to uploads, which have their own."""
    rows = good_hotel_rows()
    path = hotel_file(tmp_path / "hotel_2020w13.csv", rows * 7000, encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    receipt = conforms(http, upload(http, keys["hotel"], "hotel", path), "/api/v1/feeds/{channel}", "post")
    assert receipt["status"] == "ingested" and receipt["rows_read"] == 14000
