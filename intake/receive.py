"""One delivered file -> one batch through the ordinary ingest path, and its receipt.

Inbox and upload API share this: the file is paired with its channel's feed by name, ingested with
`ingest.run.ingest_files` under the store's writer (so a file already ingested is skipped, as on the command
line), then moved to `done/` or `failed/` beside a JSON receipt of the same name + `.receipt.json`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from ingest.pipeline import file_sha256
from ingest.run import files_for_channel, ingest_files
from store.db import Store

MAX_REJECTS = 1000          # reject rows listed in a receipt (all of them are in the store's `rejects`)


def receive(store: Store, channel: str, path: Path, source: str, archive: Path | None = None) -> dict:
    """Ingest `path` as one batch of `channel`, move it to done/ or failed/ in `archive` (default: `path`'s
    folder), write and return its receipt. `source` says who delivered it (inbox, token:<name>)."""
    started = dt.datetime.now(dt.timezone.utc)
    receipt = {"file": path.name, "channel": channel, "source": source, "sha256": file_sha256(path),
               "size_bytes": path.stat().st_size, "received_at": started.isoformat(timespec="milliseconds"),
               "status": "failed", "feed": None, "batch_id": None, "rows_read": 0, "accepted": 0, "rejected": 0,
               "reasons": {}, "rejects": [], "error": None}
    try:
        files = files_for_channel(channel, [path])
    except (ValueError, KeyError) as exc:
        receipt["error"] = str(exc)
    else:
        receipt["feed"] = files[0][0].name
        try:
            summaries, errors = ingest_files(store, files, show_progress=False)
        except Exception as exc:          # noqa: BLE001 - whatever refused the file goes into its receipt
            summaries, errors = [], [f"{path.name}: {type(exc).__name__}: {exc}"]
        if errors:
            receipt["error"] = "; ".join(errors)
        elif summaries:
            _fill(receipt, store, summaries[0])
    receipt["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    outcome = "failed" if receipt["status"] == "failed" else "done"
    receipt["stored_as"] = str(file_away(path, (archive or path.parent) / outcome, receipt))
    return receipt


def _fill(receipt: dict, store: Store, summary) -> None:
    if summary.skipped:
        receipt.update(status="skipped", error=None,
                       note="already ingested (same content): nothing added")
        return
    receipt.update(status="ingested", batch_id=summary.batch_id, rows_read=summary.rows_read,
                   accepted=summary.accepted, rejected=summary.rejected, reasons=dict(summary.reasons))
    if summary.rejected:
        rows = store.reader().execute("SELECT line, reason FROM rejects WHERE batch_id = ? ORDER BY line LIMIT ?",
                                      [summary.batch_id, MAX_REJECTS]).fetchall()
        receipt["rejects"] = [{"line": line, "reason": reason} for line, reason in rows]


def file_away(path: Path, folder: Path, receipt: dict) -> Path:
    """Move `path` to `folder`/<UTC time>-<name> and write the receipt beside it; the new path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stamp}-{path.name}"
    os.replace(path, target)
    receipt_path = target.with_name(target.name + ".receipt.json")
    tmp = receipt_path.with_name(receipt_path.name + ".part")
    tmp.write_text(json.dumps({**receipt, "stored_as": str(target)}, ensure_ascii=False, indent=2))
    os.replace(tmp, receipt_path)
    return target
