"""Contact and verification notes: an append-only JSON-lines file owned by the server process.

The store is read-only for the app (its snapshots belong to ingest), so notes live apart from it: one
line per note, appended under an exclusive file lock (safe across threads and worker processes), never
rewritten. Reads take a shared lock and parse the file; it stays small (people write notes by hand).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

KINDS = ("contact", "verification")
MAX_TEXT = 2000


class NoteBook:
    """Append-only notes about people in the loop."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def add(self, person_id: int, community_code: str | None, kind: str, text: str, author: str) -> dict:
        """Append one note and return it. Raises ValueError for an unknown kind or an empty text."""
        text = (text or "").strip()
        if kind not in KINDS or not text:
            raise ValueError("a note needs a kind (contact|verification) and a text")
        note = {"person_id": int(person_id), "community_code": community_code, "kind": kind,
                "text": text[:MAX_TEXT], "author": author,
                "at": dt.datetime.now().isoformat(timespec="seconds")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(note, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)                        # closing releases the lock
        return note

    def for_person(self, person_id: int) -> list[dict]:
        """The person's notes, newest first."""
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_SH)
            notes = [_parse(line) for line in f]
        return [n for n in reversed(notes) if n and n["person_id"] == int(person_id)]


def _parse(line: str) -> dict | None:
    """A note from one line; None for a blank or torn line (a write cut short by a crash)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None
