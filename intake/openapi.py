"""The API's OpenAPI 3.1 document, served at /api/v1/openapi.json (tests check every route is in it and every
answer matches it)."""
from __future__ import annotations

from queries.figures import DAILY_FIGURES

FIGURES = (*DAILY_FIGURES, "checkpoint_vehicles", "checkpoint_persons")
_COUNT = {"type": "integer", "minimum": 0}
_AREA = {"name": "area", "in": "query", "required": False, "description":
         "'all' (default), a district code (6 digits) or a township code (9 digits)",
         "schema": {"type": "string", "pattern": r"^(all|\d{6}|\d{9})$"}}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(description: str, ref: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def document() -> dict:
    refused = {"401": _error("no token, or an unknown or revoked one"), "403": _error("the token's scope refuses it")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Closed-loop situation map: intake and figures API", "version": "1.0.0",
                 "description": "Channel systems upload feed files (one batch each, receipt as answer); other "
                                "systems read aggregate figures. Every call needs `Authorization: Bearer <token>` "
                                "(tokens: `python app.py tokens add`); the browser's login cookie is not accepted. "
                                "Every call is audited."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Receipt": {
                    "type": "object",
                    "required": ["file", "channel", "feed", "status", "batch_id", "sha256", "rows_read", "accepted",
                                 "rejected", "reasons", "rejects", "error", "received_at", "finished_at"],
                    "properties": {
                        "file": {"type": "string"}, "channel": {"type": "string"},
                        "feed": {"type": ["string", "null"]}, "source": {"type": "string"},
                        "status": {"enum": ["ingested", "skipped", "failed"], "description":
                                   "skipped: the same content was ingested before, nothing added"},
                        "batch_id": {"type": ["integer", "null"]}, "sha256": {"type": "string"},
                        "size_bytes": _COUNT, "rows_read": _COUNT, "accepted": _COUNT, "rejected": _COUNT,
                        "reasons": {"type": "object", "additionalProperties": _COUNT,
                                    "description": "rejected rows per reason"},
                        "rejects": {"type": "array", "description": "rejected rows (the first 1,000): line, reason",
                                    "items": {"type": "object", "required": ["line", "reason"], "properties": {
                                        "line": {"type": "integer"}, "reason": {"type": "string"}}}},
                        "error": {"type": ["string", "null"]}, "note": {"type": "string"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "finished_at": {"type": "string", "format": "date-time"}}},
                "Headline": {
                    "type": "object", "required": ["area", "as_of", "figures"],
                    "properties": {"area": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                                   "figures": {"type": "object", "required": list(FIGURES), "additionalProperties": False,
                                               "properties": {f: _COUNT for f in FIGURES}}}},
                "Daily": {
                    "type": "object", "required": ["area", "from", "to", "days"],
                    "properties": {
                        "area": {"type": "string"}, "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                        "days": {"type": "array", "items": {
                            "type": "object", "required": ["day", *FIGURES], "additionalProperties": False,
                            "properties": {"day": {"type": "string", "format": "date"},
                                           **{f: _COUNT for f in FIGURES}}}}},
                    "description": "Each figure at the end of each day; checkpoint_vehicles / checkpoint_persons "
                                   "are the checks of that day."}}},
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {
                "summary": "this document", "security": [],
                "responses": {"200": {"description": "the OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/feeds/{channel}": {"post": {
                "summary": "upload one file of a channel: one batch, the receipt as the answer",
                "description": "A token scoped to this channel. Either multipart/form-data with the file in the "
                               "field `file` (its file name picks the feed), or the raw file as the body with "
                               "`?filename=`. Sending the same content again adds nothing (status skipped).",
                "parameters": [
                    {"name": "channel", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "filename", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "the file's name, for a raw body"}],
                "requestBody": {"required": True, "content": {
                    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "contentMediaType": "application/octet-stream"}}}},
                "responses": {
                    "200": _json("ingested (or skipped: the same content was ingested before)",
                                 "#/components/schemas/Receipt"),
                    "400": _error("no file or no file name"), **refused,
                    "404": _error("no such channel"), "413": _error("the file is larger than the limit"),
                    "422": _json("the file was refused whole: nothing written (see error)",
                                 "#/components/schemas/Receipt")}}},
            "/api/v1/figures/headline": {"get": {
                "summary": "the headline figures of an area at the end of a day",
                "parameters": [_AREA, {"name": "as_of", "in": "query", "required": False, "description":
                                       "YYYY-MM-DD; default: the latest day with data",
                                       "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": _json("the figures", "#/components/schemas/Headline"),
                              "400": _error("a bad parameter"), **refused}}},
            "/api/v1/figures/daily": {"get": {
                "summary": "every headline figure of an area, day by day",
                "parameters": [_AREA,
                               {"name": "from", "in": "query", "required": False,
                                "schema": {"type": "string", "format": "date"}},
                               {"name": "to", "in": "query", "required": False,
                                "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": _json("the figures per day", "#/components/schemas/Daily"),
                              "400": _error("a bad parameter"), **refused}}},
        },
    }
