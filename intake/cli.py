"""The `tokens` and `intake` commands and the server's inbox watcher (app.py only registers them)."""
from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from auth.state import State
from intake import tokens
from intake.inbox import Inbox
from store.db import Store


def tokens_command(state: State, action: str, name: str | None, channel: str | None, aggregates: bool) -> int:
    """tokens add NAME (--channel C | --aggregates) | list | revoke NAME."""
    by = f"cli:{getpass.getuser()}"
    try:
        if action == "list":
            for t in tokens.listed(state):
                status = "revoked" if t["revoked_at"] else "live"
                print(f"{t['name']:<24} {t['scope']:<28} {status}")
        elif not name:
            raise ValueError("name the token")
        elif action == "add":
            if bool(channel) == aggregates:
                raise ValueError("give one of --channel NAME or --aggregates")
            print(tokens.add(state, name, tokens.AGGREGATES if aggregates else f"channel:{channel}", by=by))
            print("(shown once: only its hash is kept)", file=sys.stderr)
        else:
            tokens.revoke(state, name, by=by)
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


def print_receipt(receipt: dict) -> None:
    """One line per file to stdout: status, file, counts (the receipt itself is beside the file)."""
    print(json.dumps({k: receipt.get(k) for k in ("status", "channel", "file", "batch_id", "rows_read", "accepted",
                                                 "rejected", "error", "stored_as")}, ensure_ascii=False), flush=True)


def intake_command(store: Store, action: str, inbox: Path, settle_s: float) -> int:
    """intake run-once (exit 1 when a file failed) | watch (until interrupted)."""
    box = Inbox(inbox, store, settle_s)
    if action == "run-once":
        receipts = box.run_once()
        for receipt in receipts:
            print_receipt(receipt)
        return 1 if any(r["status"] == "failed" for r in receipts) else 0
    print(f"watching {box.root} (one folder per channel; Ctrl-C stops)", file=sys.stderr)
    try:
        box.watch(on_receipt=print_receipt)
    except KeyboardInterrupt:
        pass
    return 0


def start_watcher(store: Store, inbox: Path, settle_s: float) -> None:
    """Watch `inbox` in a background thread of the serving process until the process exits."""
    from pages.background import background, stopping

    box = Inbox(inbox, store, settle_s)
    background(lambda: box.watch(stopping, on_receipt=print_receipt), "inbox")
    print(f"watching inbox {box.root}", file=sys.stderr)
