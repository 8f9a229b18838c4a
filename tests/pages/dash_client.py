"""Call a Dash app's callbacks over HTTP as the browser does (Flask test client), with timing and size."""
from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass


@dataclass
class Reply:
    outputs: dict          # "id.prop" -> value
    seconds: float         # server time for the request
    size: int              # response bytes


PASSWORD = "Test-Passw0rd!"


def account(state_path, role: str, district: str | None = None, township: str | None = None) -> str:
    """A user of `role` (and jurisdiction) in the app's state, created once; returns the user name."""
    from auth.state import State
    from auth.users import add_user

    username = "-".join(x for x in (role, township or district) if x)
    try:
        add_user(State(state_path), username, PASSWORD, role, district_code=district, township_code=township)
    except ValueError as exc:                 # exists already (the state lives for the test session)
        assert "exists" in str(exc), exc
    return username


class DashClient:
    """One browser session (cookies) against `app` from an address of its own (login throttling counts failures
    per address: one test's failures never slow another's logins); logged in as `username` when given."""

    _addresses = itertools.count(1)

    def __init__(self, app, username: str | None = None, password: str = PASSWORD):
        self.app = app
        self.http = app.server.test_client()
        n = next(self._addresses)
        self.http.environ_base["REMOTE_ADDR"] = f"127.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 or 1}"
        if username:
            reply = self.login(username, password)
            assert reply.status_code == 303, reply.get_data(as_text=True)[-500:]

    def login(self, username: str, password: str = PASSWORD):
        return self.http.post("/login", data={"username": username, "password": password})

    def visit(self, path: str) -> int:
        return self.http.get(path).status_code

    def key(self, output: str) -> str:
        """The callback whose outputs include `output` ('id.prop')."""
        found = [k for k in self.app.callback_map if output in k.strip(".").split("...")
                 or k.split("@")[0] == output or output in [p.split("@")[0] for p in k.strip(".").split("...")]]
        assert found, f"no callback outputs {output}"
        return found[0]

    def post(self, key: str, values: dict | None = None, changed: list[str] | None = None):
        """POST the callback `key` (as in app.callback_map) with input and state values by 'id.prop' (missing
        ones None) as the browser does; the raw response."""
        spec, values = self.app.callback_map[key], values or {}

        def props(items):
            return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                    for i in items]

        outs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in key.strip(".").split("...")]
        body = {"output": key, "outputs": outs if key.startswith("..") else outs[0],
                "inputs": props(spec["inputs"]), "state": props(spec.get("state", [])),
                "changedPropIds": changed or [f"{i['id']}.{i['property']}" for i in spec["inputs"]
                                              if f"{i['id']}.{i['property']}" in values]}
        return self.http.post("/_dash-update-component", json=body)

    def call(self, output: str, inputs: dict | None = None, state: dict | None = None,
             changed: list[str] | None = None) -> Reply:
        """Fire the callback that outputs `output` with input and state values by 'id.prop'."""
        key, inputs = self.key(output), inputs or {}
        fired = {f"{i['id']}.{i['property']}" for i in self.app.callback_map[key]["inputs"]}
        started = time.perf_counter()
        reply = self.post(key, {**(state or {}), **inputs}, changed or [k for k in inputs if k in fired])
        seconds = time.perf_counter() - started
        if reply.status_code == 204:
            return Reply({}, seconds, 0)
        assert reply.status_code == 200, reply.get_data(as_text=True)[-2000:]
        data = json.loads(reply.get_data())
        flat = {f"{i}.{p.split('@')[0]}": v for i, ps in data["response"].items() for p, v in ps.items()}
        return Reply(flat, seconds, len(reply.get_data()))

    def blocks(self, grid: str, state: dict, size: int = 100, sort: list | None = None) -> tuple[list[dict], int]:
        """Every row a paged (infinite model) `grid` lists with `state` (its rows callback's State), asked for block
        by block as the grid scrolls, and the rowCount it was told."""
        rows, count = [], None
        while count is None or len(rows) < count:
            request = {"startRow": len(rows), "endRow": len(rows) + size, "sortModel": sort or [], "filterModel": {}}
            reply = self.call(f"{grid}.getRowsResponse", {f"{grid}.getRowsRequest": request}, state).outputs
            block, count = reply[f"{grid}.getRowsResponse"]["rowData"], reply[f"{grid}.getRowsResponse"]["rowCount"]
            assert len(block) <= size and (block or len(rows) == count), (len(rows), count)
            rows += block
        return rows, count
