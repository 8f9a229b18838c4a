"""Transfers between jurisdictions (移交): the home side hands a person, or a batch of people, to another district
or township with a reason; the receiving side accepts (the person is then theirs: queries/person_home.sql) or
declines; the sender may cancel while it is pending. Both sides see each transfer's history.

Kept beside the alert workflow in the application's state database (auth/state.py, SQLite): the analytical store
holds what the channels reported and stays append-only per batch; what officers decide is appended here, one row
per step, each step audited in the same transaction (`transfer.<action>`), refusals audited as refused. The store's
queries learn the accepted transfers through the parameter `$moved` (`moved`), so a list follows a transfer at
once, without a new snapshot.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from auth import audit
from auth.state import State

REASONS = ("residence", "workplace", "quarantine_site", "wrong_jurisdiction", "other")
STATUSES = ("pending", "accepted", "declined", "cancelled")
ANSWERS = {"accept": "accepted", "decline": "declined", "cancel": "cancelled"}
MAX_NOTE = 500
SCHEMA = """
CREATE TABLE IF NOT EXISTS transfer_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, username TEXT NOT NULL, person_id INTEGER NOT NULL,
    group_id TEXT, from_district TEXT, from_township TEXT, to_district TEXT NOT NULL, to_township TEXT,
    reason TEXT NOT NULL, note TEXT);
CREATE TABLE IF NOT EXISTS transfer_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, username TEXT NOT NULL,
    transfer_id INTEGER NOT NULL REFERENCES transfer_requests(id), action TEXT NOT NULL, status TEXT NOT NULL,
    note TEXT);
CREATE INDEX IF NOT EXISTS transfer_requests_by_person ON transfer_requests (person_id, id);
CREATE TRIGGER IF NOT EXISTS transfer_requests_no_update BEFORE UPDATE ON transfer_requests
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER IF NOT EXISTS transfer_requests_no_delete BEFORE DELETE ON transfer_requests
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER IF NOT EXISTS transfer_steps_no_update BEFORE UPDATE ON transfer_steps
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER IF NOT EXISTS transfer_steps_no_delete BEFORE DELETE ON transfer_steps
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
"""
_CURRENT = """
SELECT r.*, s.id AS step_id, coalesce(s.status, 'pending') AS status, s.at AS answered_at, s.username AS answered_by
FROM transfer_requests r
LEFT JOIN (SELECT transfer_id, max(id) AS id FROM transfer_steps GROUP BY transfer_id) last ON last.transfer_id = r.id
LEFT JOIN transfer_steps s ON s.id = last.id"""


class TransferError(ValueError):
    """A transfer refused; `code` names why (pages translate `transfer.error.<code>`)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Side:
    """A jurisdiction: a district, or a township of it."""
    district: str
    township: str | None = None

    def covers(self, district: str | None, township: str | None) -> bool:
        return district == self.district and (self.township is None or township == self.township)


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)      # person or transfer id -> TransferError code


class Transfers:
    """Transfer requests and their answers, append-only, in the state database."""

    def __init__(self, state: State):
        self.state = state
        state.define(SCHEMA)

    def request(self, username: str, people: dict[int, Side], to: Side, reason: str, note: str | None = None,
                group_id: str | None = None, now: float | None = None) -> Outcome:
        """Hand each person of `people` (person id -> their current home jurisdiction, as the scoped list of the
        sender shows it) to `to`. A person already pending, or already in `to`, is refused."""
        if reason not in REASONS:
            raise TransferError("reason")
        if not to.district:
            raise TransferError("destination")
        note, now, outcome = (note or "").strip()[:MAX_NOTE] or None, now or time.time(), Outcome()
        with self.state.transaction() as conn:
            for person_id, home in people.items():
                person_id = int(person_id)
                pending = conn.execute(_CURRENT + " WHERE r.person_id = ? AND s.id IS NULL", (person_id,)).fetchone()
                why = "pending" if pending else "same" if (to.district, to.township) == (home.district, home.township) \
                    else None
                if why:
                    outcome.refused[person_id] = why
                    audit.record(conn, username, "transfer.request", str(person_id), {"why": why}, outcome="refused")
                    continue
                cur = conn.execute(
                    "INSERT INTO transfer_requests (at, username, person_id, group_id, from_district, from_township,"
                    " to_district, to_township, reason, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (now, username, person_id, group_id, home.district, home.township, to.district, to.township,
                     reason, note))
                audit.record(conn, username, "transfer.request", str(person_id),
                             {"transfer": cur.lastrowid, "from": [home.district, home.township],
                              "to": [to.district, to.township], "reason": reason, "group": group_id})
                outcome.done.append(cur.lastrowid)
        return outcome

    def answer(self, username: str, side: Side, transfer_ids, action: str, note: str | None = None,
               now: float | None = None) -> Outcome:
        """Accept or decline (the receiving side: `side` covers the destination) or cancel (the sending side)
        each pending transfer of `transfer_ids`."""
        if action not in ANSWERS:
            raise TransferError("action")
        note, now, outcome = (note or "").strip()[:MAX_NOTE] or None, now or time.time(), Outcome()
        with self.state.transaction() as conn:
            for transfer_id in dict.fromkeys(int(i) for i in transfer_ids):
                row = conn.execute(_CURRENT + " WHERE r.id = ?", (transfer_id,)).fetchone()
                ours = row is not None and (
                    side.covers(row["from_district"], row["from_township"]) if action == "cancel" else
                    side.district == row["to_district"] and (side.township is None
                                                             or side.township == row["to_township"]))
                why = "unknown" if row is None else "not_yours" if not ours else \
                    "answered" if row["status"] != "pending" else None
                if why:
                    outcome.refused[transfer_id] = why
                    audit.record(conn, username, f"transfer.{action}", str(transfer_id), {"why": why},
                                 outcome="refused")
                    continue
                conn.execute("INSERT INTO transfer_steps (at, username, transfer_id, action, status, note)"
                             " VALUES (?, ?, ?, ?, ?, ?)", (now, username, transfer_id, action, ANSWERS[action], note))
                audit.record(conn, username, f"transfer.{action}", str(transfer_id),
                             {"person": row["person_id"], "status": ANSWERS[action]})
                outcome.done.append(transfer_id)
        return outcome

    def involving(self, side: Side | None) -> list[dict]:
        """Every transfer sent from or to `side` (None: the whole city), newest first, with its status."""
        rows = [dict(r) for r in self.state.query(_CURRENT + " ORDER BY r.id DESC")]
        if side is None:
            return rows
        return [r for r in rows if side.covers(r["from_district"], r["from_township"])
                or (r["to_district"] == side.district and (side.township is None or side.township == r["to_township"]))]

    def history(self, person_id: int) -> list[dict]:
        """The person's transfers and their answers, oldest first: one dict per step (request, accept, ...)."""
        steps = self.state.query(
            "SELECT r.id AS transfer_id, r.at, r.username, 'request' AS action, 'pending' AS status, r.reason,"
            " r.from_district, r.from_township, r.to_district, r.to_township, r.note FROM transfer_requests r"
            " WHERE r.person_id = ? UNION ALL"
            " SELECT s.transfer_id, s.at, s.username, s.action, s.status, r.reason, r.from_district, r.from_township,"
            " r.to_district, r.to_township, s.note FROM transfer_steps s JOIN transfer_requests r ON r.id = s.transfer_id"
            " WHERE r.person_id = ? ORDER BY at, transfer_id", (int(person_id), int(person_id)))
        return [dict(s) for s in steps]

    def moved(self) -> str:
        """The accepted transfers as the JSON the store's queries take (`$moved`, queries/person_home.sql)."""
        rows = self.state.query(_CURRENT + " WHERE s.status = 'accepted' ORDER BY s.id")
        return json.dumps([{"person_id": r["person_id"], "district_code": r["to_district"],
                            "township_code": r["to_township"], "seq": r["step_id"]} for r in rows])

    def version(self) -> int:
        """The last step taken (anything cached from transfers follows it)."""
        return int(self.state.query("SELECT (SELECT coalesce(max(id), 0) FROM transfer_requests) * 1000003"
                                    " + (SELECT coalesce(max(id), 0) FROM transfer_steps) AS v")[0]["v"])
