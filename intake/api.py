"""The API for other systems, on the dashboard's Flask server under /api/v1/ (described by intake/openapi.py):

- POST /api/v1/feeds/<channel>: a channel system uploads one file; one batch, the receipt as the answer;
- GET /api/v1/figures/headline and /api/v1/figures/daily: aggregate figures, never a person's field (the
  query layer runs them as the leadership role, which gets no person field and no list of people);
- GET /api/v1/openapi.json: the document.

Only `Authorization: Bearer <token>` (intake/tokens.py) opens it: the browser's session cookie is never read
here, so a login alone reaches nothing, and the gate's cross-site rule for cookie-carrying POSTs does not apply
(pages/gate.py leaves /api/ to this module). Every call, allowed or refused, is audited.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from functools import wraps
from pathlib import Path

import numpy as np
from flask import Response, g, jsonify, request

from auth import audit
from ingest.channels import CHANNELS
from intake import tokens
from intake.openapi import FIGURES, document
from intake.receive import receive
from queries.figures import DAILY_FIGURES
from queries.runner import Scope

PREFIX = "/api/v1/"
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
AGGREGATE_ROLE = "leadership"          # the query layer's role for aggregates only


def upload_limit() -> int:
    """WUZHOU_UPLOAD_MAX_BYTES, else 64 MiB."""
    value = os.environ.get("WUZHOU_UPLOAD_MAX_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_UPLOAD_BYTES


def error(status: int, why: str) -> Response:
    response = jsonify({"error": why})
    response.status_code = status
    return response


def register(server, ctx, uploads: Path | None = None) -> None:
    """Add the API's routes to the Flask `server` of the app whose context is `ctx`; uploaded files are kept
    under `uploads` (default: intake/api/ beside the store) in done/ and failed/ per channel, with receipts."""
    state, store = ctx.state, ctx.store
    uploads = Path(uploads or store.root.parent / "intake" / "api")
    limit = upload_limit()

    def token_for(check):
        """Decorate a view: a live token whose scope passes `check(token, **view_args)`, else 401/403, audited."""
        def wrap(view):
            @wraps(view)
            def guarded(**kwargs):
                header = request.headers.get("Authorization", "")
                token = tokens.holder(state, header[7:].strip() if header[:7].lower() == "bearer " else None)
                if token is None:
                    audit.log(state, None, "api.refused", request.path, {"why": "no valid token"}, "refused")
                    return error(401, "a valid token is required: Authorization: Bearer <token>")
                if not check(token, **kwargs):
                    audit.log(state, f"token:{token.name}", "api.refused", request.path,
                              {"why": "out of scope", "scope": token.scope}, "refused")
                    return error(403, f"token scope {token.scope!r} does not allow this")
                g.token = token
                return view(**kwargs)
            return guarded
        return wrap

    @server.route(PREFIX + "openapi.json", methods=["GET"])
    def openapi():
        return jsonify(document())

    @server.route(PREFIX + "feeds/<channel>", methods=["POST"])
    @token_for(lambda token, channel: token.channel == channel)
    def upload(channel: str):
        who = f"token:{g.token.name}"
        if channel not in CHANNELS:
            return error(404, f"no channel {channel!r}")
        if request.content_length is not None and request.content_length > limit:
            audit.log(state, who, "api.upload", channel, {"why": "too large", "bytes": request.content_length},
                      "refused")
            return error(413, f"larger than the limit of {limit} bytes")
        name, body = _file(limit)
        if body is None:
            audit.log(state, who, "api.upload", channel, {"why": "too large"}, "refused")
            return error(413, f"larger than the limit of {limit} bytes")
        if not name:
            return error(400, "send the file as multipart field 'file', or the body with ?filename=NAME")
        incoming = uploads / channel / "incoming" / uuid.uuid4().hex
        incoming.mkdir(parents=True)
        path = incoming / name
        path.write_bytes(body)
        try:
            receipt = receive(store, channel, path, who, archive=uploads / channel)
        finally:
            shutil.rmtree(incoming, ignore_errors=True)
        receipt.pop("stored_as", None)                       # a path on this server: not the caller's business
        audit.log(state, who, "api.upload", channel,
                  {k: receipt[k] for k in ("file", "sha256", "status", "batch_id", "rows_read", "accepted",
                                           "rejected", "error")},
                  "refused" if receipt["status"] == "failed" else "ok")
        response = jsonify(receipt)
        response.status_code = 422 if receipt["status"] == "failed" else 200
        return response

    aggregates = token_for(lambda token: token.scope == tokens.AGGREGATES)

    @server.route(PREFIX + "figures/headline", methods=["GET"])
    @aggregates
    def headline():
        try:
            area, scope = _area(request.args.get("area"))
            as_of = _date(request.args.get("as_of")) or ctx.period().latest
        except ValueError as exc:
            return error(400, str(exc))
        figures = ctx.headline(scope, as_of)
        audit.log(state, f"token:{g.token.name}", "api.figures", area, {"as_of": as_of, "kind": "headline"})
        return jsonify({"area": area, "as_of": as_of.isoformat(),
                        "figures": {f: int(figures.get(f) or 0) for f in FIGURES}})

    @server.route(PREFIX + "figures/daily", methods=["GET"])
    @aggregates
    def daily():
        try:
            area, scope = _area(request.args.get("area"))
            period = ctx.period()
            start = max(_date(request.args.get("from")) or period.start, period.start)
            end = min(_date(request.args.get("to")) or period.latest, period.end)
        except ValueError as exc:
            return error(400, str(exc))
        audit.log(state, f"token:{g.token.name}", "api.figures", area,
                  {"from": start, "to": end, "kind": "daily"})
        return jsonify({"area": area, "from": start.isoformat(), "to": end.isoformat(),
                        "days": daily_figures(ctx, scope, start, end)})


def _file(limit: int) -> tuple[str | None, bytes | None]:
    """(file name, body) of the upload; body None when it exceeds `limit`."""
    request.max_content_length = limit + 1          # this route's limit, not the pages' (pages/server.py)
    if request.mimetype == "multipart/form-data":
        part = request.files.get("file")
        if part is None:
            return None, b""
        body = part.stream.read(limit + 1)
        return _safe_name(part.filename), (body if len(body) <= limit else None)
    body = request.stream.read(limit + 1)
    return _safe_name(request.args.get("filename")), (body if len(body) <= limit else None)


def _safe_name(name: str | None) -> str | None:
    """The file's own name (no folders, not hidden); None when there is none."""
    name = Path((name or "").replace("\\", "/")).name.strip()
    return name if name and not name.startswith(".") else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _area(code: str | None) -> tuple[str, Scope]:
    """('all' or the code, the aggregate scope of that area)."""
    code = code or "all"
    if code == "all":
        return code, Scope(AGGREGATE_ROLE)
    if code.isdigit() and len(code) in (6, 9):
        return code, Scope(AGGREGATE_ROLE, code[:6], code if len(code) == 9 else None)
    raise ValueError("area: 'all', a district code (6 digits) or a township code (9 digits)")


def daily_figures(ctx, scope: Scope, start: dt.date, end: dt.date) -> list[dict]:
    """Each figure of `scope` at the end of each day from `start` to `end`; the checkpoint figures: that day's."""
    if end < start:
        return []
    tables = ctx.headline_days()
    code = (scope.district_code or "all") + (scope.township_code or "")
    first, last = (start - ctx.period().start).days, (end - ctx.period().start).days + 1
    columns = {f: (tables[f].series(code).to_numpy()[first:last] if f in tables else np.zeros(last - first, int))
               for f in DAILY_FIGURES}
    checks = ctx.checkpoint_days(scope).groupby("day")[["vehicles", "persons"]].sum()
    days = [start + dt.timedelta(days=i) for i in range(last - first)]
    checks = checks.reindex([np.datetime64(d, "ns") for d in days], fill_value=0)
    return [{"day": d.isoformat(), **{f: int(columns[f][i]) for f in DAILY_FIGURES},
             "checkpoint_vehicles": int(checks["vehicles"].iloc[i]), "checkpoint_persons": int(checks["persons"].iloc[i])}
            for i, d in enumerate(days)]
