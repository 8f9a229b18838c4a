"""Call a Dash app's callbacks over HTTP as the browser does (Flask test client), with timing and size."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass


@dataclass
class Reply:
    outputs: dict          # "id.prop" -> value
    seconds: float         # server time for the request
    size: int              # response bytes


class DashClient:
    """One browser session (cookies) against `app`."""

    def __init__(self, app):
        self.app = app
        self.http = app.server.test_client()
        self.http.get("/")

    def visit(self, path: str) -> int:
        return self.http.get(path).status_code

    def key(self, output: str) -> str:
        """The callback whose outputs include `output` ('id.prop')."""
        found = [k for k in self.app.callback_map if output in k.strip(".").split("...")
                 or k.split("@")[0] == output or output in [p.split("@")[0] for p in k.strip(".").split("...")]]
        assert found, f"no callback outputs {output}"
        return found[0]

    def call(self, output: str, inputs: dict | None = None, state: dict | None = None,
             changed: list[str] | None = None) -> Reply:
        """Fire the callback that outputs `output` with input and state values by 'id.prop'."""
        key = self.key(output)
        spec = self.app.callback_map[key]
        inputs, state = inputs or {}, state or {}

        def props(items, values):
            return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                    for i in items]

        outs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in key.strip(".").split("...")]
        body = {"output": key, "outputs": outs if key.startswith("..") else outs[0],
                "inputs": props(spec["inputs"], inputs), "state": props(spec.get("state", []), state),
                "changedPropIds": changed or [f"{i['id']}.{i['property']}" for i in spec["inputs"]
                                              if f"{i['id']}.{i['property']}" in inputs]}
        started = time.perf_counter()
        reply = self.http.post("/_dash-update-component", json=body)
        seconds = time.perf_counter() - started
        if reply.status_code == 204:
            return Reply({}, seconds, 0)
        assert reply.status_code == 200, reply.get_data(as_text=True)[-2000:]
        data = json.loads(reply.get_data())
        flat = {f"{i}.{p.split('@')[0]}": v for i, ps in data["response"].items() for p, v in ps.items()}
        return Reply(flat, seconds, len(reply.get_data()))
