"""Access control over HTTP: who may fire which callback, forged inputs, what leadership responses contain,
the audit trail, sessions, exports and headers. Each test prints the figure the closing note quotes."""
import csv
import datetime as dt
import io
import json
import re

import pandas as pd
import pytest

from auth import audit
from auth.state import State
from auth.users import add_user
from pages.context import day_index
from pages.export import FORMULA_START, _people_file, csv_chunks, neutralised
from pages.shell import roles_of
from tests.pages.dash_client import PASSWORD, DashClient, account

ROLES = ("leadership", "police", "analyst", "admin")
ID_NUMBER = re.compile(r"(?<![\d.A-Za-z])\d{17}[\dXx](?![\d.A-Za-z])")     # not inside a longer number or a float
PHONE = re.compile(r"(?<![\d.])1[3-9]\d{9}(?![\d.])")
DAY = "2020-03-29"
OWN, OTHER = "450403", "450405"            # the police user's district, another one


def server_callbacks(app) -> dict:
    """{callback key: page module or None (shell)} of every callback that runs on the server."""
    owners = app.server.extensions["callback_pages"]
    return {k: owners[k] for k, spec in app.callback_map.items() if "callback" in spec}


@pytest.fixture(scope="module")
def people(synthetic_store):
    """(person row, community code) of one person in the police district and one outside it."""
    conn = synthetic_store.reader()

    def one(district):
        pid, code = conn.execute("SELECT person_id, community_code FROM quarantines WHERE district_code = ?"
                                 " ORDER BY person_id LIMIT 1", [district]).fetchone()
        return {"person_id": pid}, code
    return {"own": one(OWN), "other": one(OTHER)}


@pytest.fixture(scope="module")
def values(people):
    """Plausible inputs for every callback, by 'id.prop' (what a browser on the page would send)."""
    person, code = people["own"]
    return {
        "url.pathname": "/", "url.search": "",
        "ov-drill.data": {"path": [], "selected": None}, "ov-metric.value": "abroad",
        "ov-day.value": day_index(dt.date(2020, 3, 29)), "ov-classes.value": "quantile", "ov-points.value": [],
        "cm-community.value": code, "cm-date.date": DAY, "cm-grid.selectedRows": [person],
        "cm-unmask.n_clicks": 1, "cm-unmask-reason.value": "核实隔离地址", "cm-unmask-purpose.value": "verify_address",
        "cm-note-save.n_clicks": 1,
        "cm-note-kind.value": "contact", "cm-note-text.value": "电话联系",
        "ex-dates.start_date": "2020-01-20", "ex-dates.end_date": DAY, "ex-filters.data": {},
        "ex-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
        "cp-date.date": DAY,
        "al-date.date": "2020-04-30", "al-kinds.value": [], "al-states.value": [], "al-layers.value": [],
        "al-version.data": 0, "al-assign.n_clicks": 1, "al-assignee.value": "万秀分局",
        "al-filters.data": {"as_of": "2020-04-30", "kinds": [], "states": [], "version": 0},
        "al-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
        "qr-date.date": DAY, "qr-listed.data": {"as_of": DAY},
        **{f"{g}.getRowsRequest": {"startRow": 0, "endRow": 100} for g in ("qr-watch", "qr-home", "qr-batches")},
        "tk-date.date": DAY, "tk-filters.data": {"as_of": DAY, "mine": False, "officer": "", "version": 0},
        "tk-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
        "ad-version.data": 0, "ad-action.value": None,
        "ad-disable.n_clicks": 1, "ad-users.selectedRows": [{"username": "analyst-450481"}],
    }


@pytest.fixture(scope="module")
def clients(app, app_config):
    """One logged-in client per role (police: district 450403); the administrator's buttons act on a bystander."""
    account(app_config.state_path, "analyst", "450481")
    return {role: DashClient(app, account(app_config.state_path, role, OWN if role == "police" else None))
            for role in ROLES}


def test_every_callback_refuses_every_role_its_page_is_not_for(app, clients, values):
    refused, forbidden = 0, []
    for key, page in server_callbacks(app).items():
        for role, client in clients.items():
            status = client.post(key, values).status_code
            if page is None or role in roles_of(page):
                assert status in (200, 204), (key, role, status)
            else:
                forbidden.append((key, role, status))
                refused += status == 403
    print(f"\nrole matrix: {refused} of {len(forbidden)} forbidden callback requests refused")
    assert refused == len(forbidden) > 0, [f for f in forbidden if f[2] != 403]


def test_forged_inputs_get_nothing(app, clients, values, people, app_config):
    """Another district's community, person, alert or area; an unmask without a reason or by an analyst; a
    role smuggled into the filters; a page the role may not open."""
    police, analyst, leader = clients["police"], clients["analyst"], clients["leadership"]
    other_person, other_code = people["other"]
    at_other = {**values, "cm-community.value": other_code, "cm-grid.selectedRows": [other_person]}
    mine_with_other = {**values, "cm-grid.selectedRows": [other_person]}
    own_alerts = police.call("al-grid.getRowsResponse", values).outputs["al-grid.getRowsResponse"]
    checks = [
        (police, "cm-grid.rowData", at_other, lambda o: o["cm-grid.rowData"] == []),
        (police, "cm-person.children", at_other, lambda o: o["cm-plan.children"] == []),
        (police, "cm-person.children", mine_with_other, lambda o: o["cm-plan.children"] == []),
        (police, "cm-notes.children", at_other, lambda o: o["cm-notes.children"] == []),
        (police, "cm-note-status.children", at_other, lambda o: "cm-notes.children" not in o),
        (police, "cm-unmask-reason.value", at_other, lambda o: o["cm-plan.children"] == []),
        (police, "cm-unmask-reason.value", {**values, "cm-unmask-reason.value": " "}, lambda o: "cm-plan.children" not in o),
        (analyst, "cm-unmask-reason.value", values, lambda o: "cm-plan.children" not in o),
        (police, "ex-grid.getRowsResponse", {**values, "ex-filters.data": {"district": OTHER}},
         lambda o: o["ex-grid.getRowsResponse"] == {"rowData": [], "rowCount": 0}),
        (police, "ex-grid.getRowsResponse", {**values, "ex-filters.data": {"community": other_code}},
         lambda o: o["ex-grid.getRowsResponse"] == {"rowData": [], "rowCount": 0}),
        (police, "ex-township.options", {**values, "ex-district.value": OTHER}, lambda o: o["ex-township.options"] == []),
        *[(leader, f"{g}.getRowsResponse", values, lambda o, g=g: o[f"{g}.getRowsResponse"]["rowData"] == [])
          for g in ("qr-watch", "qr-home")],                        # leadership: counts, never lists of people
        (police, "ov-map.figure", {**values, "ov-drill.data": {"path": [OTHER], "selected": None}}, lambda o: o == {}),
        (police, "ov-daily.figure", {**values, "ov-drill.data": {"path": [OTHER], "selected": None}},
         lambda o: not any(d.get("y") for d in o["ov-daily.figure"].get("data", []))),
        (police, "al-plan.children", {**values, "al-grid.selectedRows": [{"alert_id": f"return:{other_person}"}]},
         lambda o: o["al-history.children"] == []),
        (police, "al-grid.getRowsResponse", {**values, "al-filters.data": {**values["al-filters.data"],
                                                                           "district": OTHER, "role": "analyst"}},
         lambda o: o["al-grid.getRowsResponse"] == own_alerts),                 # the session's scope, not the filters'
        (analyst, "al-status.children", values, lambda o: "al-version.data" not in o),
        (leader, "page.children", {**values, "url.pathname": "/community"}, lambda o: "forbidden" in str(o)),
        (analyst, "page.children", {**values, "url.pathname": "/admin"}, lambda o: "forbidden" in str(o)),
    ]
    smuggled = {**values, "ex-filters.data": {"role": "leadership", "district": OTHER, "reveal_person": 1}}
    checks.append((police, "ex-grid.getRowsResponse", smuggled, lambda o: o["ex-grid.getRowsResponse"]["rowCount"] == 0))
    before = len(audit.recent(State(app_config.state_path), 10_000, "person.unmask"))
    refused = 0
    for client, output, given, nothing in checks:
        reply = client.call(output, given)
        assert nothing(reply.outputs), (output, str(reply.outputs)[:300])
        refused += 1
    assert len(audit.recent(State(app_config.state_path), 10_000, "person.unmask")) == before
    downloads = [f"/export/download/csv?township={other_code[:9]}", f"/export/download/xlsx?district={OTHER}",
                 f"/export/download/geojson?community={other_code}", f"/export/download/parquet?district={OTHER}"
                 "&role=leadership&reveal_person=1"]
    for path in downloads:
        reply = police.http.get(path)
        assert reply.status_code == 403 and "Content-Disposition" not in reply.headers, path
        refused += 1
    print(f"\nforged inputs: {refused} of {len(checks) + len(downloads)} refused")


def scan(text: str) -> int:
    return len(ID_NUMBER.findall(text)) + len(PHONE.findall(text))


def test_no_leadership_response_holds_an_id_number_or_phone(app, clients, values, synthetic_store):
    leader, police = clients["leadership"], clients["police"]
    names = {n for (n,) in synthetic_store.reader().execute("SELECT name FROM persons").fetchall()}
    bodies = [leader.http.get(path).get_data(as_text=True) for path in
              ("/", "/_dash-layout", "/_dash-dependencies", "/login")]
    route = leader.key("page.children")
    for page in {p for p in server_callbacks(app).values() if p is not None}:
        bodies.append(leader.post(route, {**values, "url.pathname": page.PATH}).get_data(as_text=True))
    for key in server_callbacks(app):
        bodies.append(leader.post(key, values).get_data(as_text=True))
    for fmt in ("csv", "xlsx", "parquet", "geojson"):                 # refused: leadership exports nothing
        reply = leader.http.get(f"/export/download/{fmt}")
        assert reply.status_code == 403
        bodies.append(reply.get_data(as_text=True))
    hits = sum(scan(b) for b in bodies)
    named = sum(name in b for b in bodies for name in names)
    print(f"\nleadership: {len(bodies)} responses, {hits} ID-number/phone hits, {named} full names")
    assert hits == 0 and named == 0
    clear = police.call("cm-unmask-reason.value", values)            # the scanner does find them when present
    assert scan(json.dumps(clear.outputs, ensure_ascii=False)) >= 2


def test_views_unmasks_and_exports_each_leave_one_audit_row(login, values, app_config):
    police = login("police", OWN)
    username = account(app_config.state_path, "police", OWN)
    state = State(app_config.state_path)
    actions = ("person.view", "person.unmask", "export")

    def rows():
        return [r for r in audit.recent(state, 100_000) if r["username"] == username and r["action"] in actions]
    before = len(rows())
    n_views, n_unmasks, n_exports = 3, 2, 4
    for _ in range(n_views):
        police.call("cm-person.children", values)
    for _ in range(n_unmasks):
        police.call("cm-unmask-reason.value", values)
    for fmt in ("csv", "xlsx", "parquet", "geojson")[:n_exports]:
        assert police.http.get(f"/export/download/{fmt}?as_of={DAY}").status_code == 200
    new = rows()[: len(rows()) - before]
    counts = {a: sum(r["action"] == a for r in new) for a in actions}
    print(f"\naudit: {n_views + n_unmasks + n_exports} scripted actions -> {len(new)} audit rows {counts}")
    assert counts == {"person.view": n_views, "person.unmask": n_unmasks, "export": n_exports}
    export = json.loads(next(r for r in new if r["action"] == "export" and r["target"] == "csv")["detail"])
    assert export["rows"] > 0 and "as_of" in export["filters"]
    assert json.loads(next(r for r in new if r["action"] == "person.unmask")["detail"])["reason"] == "核实隔离地址"


def test_hostile_cells_are_neutralised_and_csv_is_rfc_4180():
    hostile = ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", 'say "hi", ok', "line\nbreak", "plain"]
    frame = pd.DataFrame({"name": hostile, "n": range(len(hostile))})
    assert all(not v.startswith(FORMULA_START) for v in neutralised(frame)["name"])
    assert neutralised(frame)["n"].tolist() == list(range(len(hostile)))            # numbers untouched
    chunks = list(csv_chunks(frame, rows=1, most=4))          # the header, then 1, 2, 4 and 2 rows
    assert len(chunks) == 1 + 4 and b"".join(chunks) == b"".join(csv_chunks(frame))
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeffname,n\r\n") and text.endswith("plain,8\r\n")
    back = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert [r[0] for r in back[1:]] == ["'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", 'say "hi", ok',
                                        "line\nbreak", "plain"]
    assert '"say ""hi"", ok"' in text
    xlsx = pd.read_excel(io.BytesIO(b"".join(_people_file(frame, "xlsx"))))
    assert xlsx["name"].tolist()[:4] == ["'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)"]


def test_a_session_cookie_replayed_after_logout_is_refused(app, app_config):
    client = DashClient(app, account(app_config.state_path, "analyst"))
    token = client.http.get_cookie("wz_session").value
    assert client.http.get("/_dash-layout").status_code == 200
    assert client.http.post("/logout").status_code == 303
    replay = app.server.test_client()
    replay.set_cookie("wz_session", token)
    assert replay.get("/_dash-layout").status_code == 401
    assert replay.get("/").status_code == 303                       # pages send the user to the login form
    print("\ncookie replay after logout: refused (401)")


def test_repeated_failures_are_throttled_the_same_for_unknown_names(app, app_config):
    username = account(app_config.state_path, "analyst")
    real, client = "throttle-me", DashClient(app)
    add_user(State(app_config.state_path), real, PASSWORD, "analyst")
    answers = set()
    for name in ("no-such-user", real):
        for _ in range(6):
            reply = client.login(name, "wrong-Passw0rd")
            answers.add((reply.status_code, re.sub(r'name="next" value="[^"]*"', "", reply.get_data(as_text=True))))
    assert len(answers) == 1                                         # one answer for real and unknown names
    refused = client.login(real, PASSWORD)
    assert refused.status_code == 401                                # this client waits
    assert DashClient(app).login(username, PASSWORD).status_code == 303     # other accounts are unaffected
    admin = DashClient(app, account(app_config.state_path, "admin"))
    seen = admin.call("ad-failures.rowData", {"ad-version.data": 0}).outputs["ad-failures.rowData"]
    assert {real, "no-such-user"} <= {r["username"] for r in seen}           # the administrators see them
    print("\nthrottle: the same answer for a real and an unknown name after 6 failures each")


def test_login_refuses_off_site_redirects_and_cross_site_posts(app, app_config):
    username = account(app_config.state_path, "analyst")
    client = DashClient(app)
    reply = client.http.post("/login", data={"username": username, "password": PASSWORD, "next": "//evil.example/x"})
    assert reply.status_code == 303 and reply.headers["Location"] == "/"
    cookie = reply.headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("HttpOnly", "Secure", "SameSite=Strict"))
    assert client.http.post("/_dash-update-component", json={}, headers={"Origin": "https://evil.example"}).status_code == 403


def test_security_headers(clients, values):
    reply = clients["analyst"].post(next(k for k in clients["analyst"].app.callback_map if "ov-cards" in k), values)
    policy = reply.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert reply.headers["Cache-Control"] == "no-store"
    assert not clients["analyst"].app.server.debug


def test_administrators_see_users_and_the_audit_log_and_disable_accounts(clients, app_config):
    admin = clients["admin"]
    victim = account(app_config.state_path, "analyst", "450422")
    victim_client = DashClient(admin.app, victim)
    users = admin.call("ad-users.rowData", {"ad-version.data": 0}).outputs["ad-users.rowData"]
    assert victim in {u["username"] for u in users} and not any("password_hash" in u for u in users)
    done = admin.call("ad-status.children", {"ad-disable.n_clicks": 1},
                      {"ad-users.selectedRows": [{"username": victim}], "ad-version.data": 0})
    assert done.outputs["ad-version.data"] == 1
    assert victim_client.http.get("/_dash-layout").status_code == 401           # the session ended with it
    log = admin.call("ad-audit.rowData", {"ad-action.value": "user.disable", "ad-version.data": 1}).outputs
    assert log["ad-audit.rowData"][0]["target"] == victim
    admin.call("ad-status.children", {"ad-enable.n_clicks": 1},
               {"ad-users.selectedRows": [{"username": victim}], "ad-version.data": 1}, changed=["ad-enable.n_clicks"])
    assert DashClient(admin.app, victim).http.get("/_dash-layout").status_code == 200


def test_demo_accounts_exist_only_in_demo_mode(tmp_path):
    from auth import demo
    from auth.users import authenticate
    state = State(tmp_path / "app.sqlite")
    assert sorted(demo.enable(state)) == sorted(a[0] for a in demo.ACCOUNTS)
    for username, password, role, *_ in demo.ACCOUNTS:
        assert authenticate(state, username, password).role == role
    assert demo.disable(state) == len(demo.ACCOUNTS)
    from auth.users import AuthError
    with pytest.raises(AuthError):
        authenticate(state, "leader", demo.ACCOUNTS[0][1])
    demo.enable(state)
    assert authenticate(state, "leader", demo.ACCOUNTS[0][1]).role == "leadership"


def test_an_intranet_tile_server_is_allowed_by_the_policy_and_nothing_else(synthetic_store, app_config):
    import dataclasses

    from pages.server import create_app
    config = dataclasses.replace(app_config, tile_url="https://tiles.intranet.example:8443/{z}/{x}/{y}.png")
    policy = create_app(synthetic_store, config).server.test_client().get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://tiles.intranet.example:8443" in policy
    assert "connect-src 'self' https://tiles.intranet.example:8443" in policy
    assert "script-src 'self' 'sha256-" in policy and "tiles.intranet" not in policy.split("script-src")[1].split(";")[0]
