"""Contact and verification notes about people in the loop, kept in the application's state database
(auth/state.py, SQLite: safe while others read, across threads and worker processes). Notes are only ever
added, never edited; each one records who wrote it and when."""
from __future__ import annotations

import datetime as dt

from auth import audit
from auth.state import State

KINDS = ("contact", "verification")
MAX_TEXT = 2000


class NoteBook:
    """Append-only notes, one SQLite row each."""

    def __init__(self, state: State):
        self.state = state

    def add(self, person_id: int, kind: str, text: str, author: str) -> dict:
        """Add one note (audited) and return it. Raises ValueError for an unknown kind or an empty text."""
        text = (text or "").strip()
        if kind not in KINDS or not text:
            raise ValueError("a note needs a kind (contact|verification) and a text")
        at = dt.datetime.now().timestamp()
        with self.state.transaction() as conn:
            conn.execute("INSERT INTO notes (at, username, person_id, kind, note) VALUES (?, ?, ?, ?, ?)",
                         (at, author, int(person_id), kind, text[:MAX_TEXT]))
            audit.record(conn, author, "note.add", str(person_id), {"kind": kind})
        return _note(at, author, int(person_id), kind, text[:MAX_TEXT])

    def for_person(self, person_id: int) -> list[dict]:
        """The person's notes, newest first."""
        rows = self.state.query("SELECT at, username, person_id, kind, note FROM notes WHERE person_id = ?"
                                " ORDER BY id DESC", (int(person_id),))
        return [_note(*row) for row in rows]


    def contacted(self) -> set[int]:
        """The people with a contact note."""
        return {r["person_id"] for r in self.state.query("SELECT DISTINCT person_id FROM notes WHERE kind = 'contact'")}


def _note(at: float, author: str, person_id: int, kind: str, text: str) -> dict:
    return {"at": dt.datetime.fromtimestamp(at).isoformat(timespec="seconds"), "author": author,
            "person_id": person_id, "kind": kind, "text": text}
