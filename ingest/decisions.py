"""Decisions on the identity review's candidate pairs, on a read-write store connection
(`Store.writer(lists_changed_persons=True)`: a merge or split lists the two people in `changed_persons`).

A pair (batch_id, line, candidate_person_id) of `identity_review` names the person the batch row became
(person_id) and a known person it may be (candidate_person_id). Confirm merges the first into the second;
reject keeps them apart; defer leaves the pair for later. A merge moves every row of the merged person to the
kept one, lists the moved rows in `person_merge_rows` and keeps the merged person's `persons` row in
`person_merges`, so that a split puts back exactly those rows (rows ingested after the merge stay with the kept
person: the model matched them to it). Every figure is computed from these tables, so the figures follow.
"""
from __future__ import annotations

import datetime as dt

# every table whose rows name a person, with the expression that keys a row there
FACT_TABLES = ("sightings", "abroad", "border_entries", "arrivals", "transfers", "quarantines", "health_checks",
               "service_measures", "checkpoint_person_checks", "cases", "alerts")
ROW_KEYS = {**{table: "batch_id || ':' || line" for table in FACT_TABLES},
            "documents": "doc_type || ':' || doc_number"}
NAME_KEY = "name_flat || '|' || name_tokens"
DECIDABLE = ("open", "deferred")
STATUS = {"confirm": "merged", "reject": "apart", "defer": "deferred"}


class DecisionError(ValueError):
    """The pair or merge is not there, or no longer in a state the decision applies to."""


def decide(conn, pair: tuple[int, int, int], decision: str, username: str) -> int | None:
    """Apply `decision` (confirm, reject, defer) to the pair (batch_id, line, candidate_person_id); returns the
    merge id of a confirm."""
    if decision not in STATUS:
        raise DecisionError(f"unknown decision {decision!r}")
    row = conn.execute("SELECT person_id, status FROM identity_review WHERE batch_id = ? AND line = ?"
                       " AND candidate_person_id = ?", list(pair)).fetchone()
    if row is None or row[1] not in DECIDABLE:
        raise DecisionError(f"no open review pair {pair}")
    merge_id = _merge(conn, pair, row[0], username) if decision == "confirm" else None
    conn.execute("UPDATE identity_review SET status = ? WHERE batch_id = ? AND line = ? AND candidate_person_id = ?",
                 [STATUS[decision], *pair])
    return merge_id


def _merge(conn, pair: tuple[int, int, int], merged: int, username: str) -> int:
    kept = pair[2]
    if not conn.execute("SELECT count(*) FROM persons WHERE person_id IN (?, ?)", [kept, merged]).fetchone()[0] == 2:
        raise DecisionError(f"persons {merged} and {kept} are not both there (merged already?)")
    merge_id = conn.execute("SELECT coalesce(max(merge_id), 0) + 1 FROM person_merges").fetchone()[0]
    conn.execute("""INSERT INTO person_merges SELECT ?, ?, ?, ?, ?, CAST(to_json(p) AS VARCHAR), ?, ?, NULL, NULL
                    FROM persons p WHERE person_id = ?""", [merge_id, kept, merged, pair[0], pair[1],
                                                             dt.datetime.now(), username, merged])
    for table, key in ROW_KEYS.items():
        conn.execute(f"INSERT INTO person_merge_rows SELECT ?, '{table}', {key} FROM {table} WHERE person_id = ?",
                     [merge_id, merged])
        conn.execute(f"UPDATE {table} SET person_id = ? WHERE person_id = ?", [kept, merged])
    # name forms: the merged person's all kept for the split; those the kept person lacked move to it
    conn.execute(f"""INSERT INTO person_merge_rows SELECT ?, CASE WHEN name_flat IN (SELECT name_flat FROM
                         person_names WHERE person_id = ?) THEN 'person_names:shared' ELSE 'person_names' END,
                         {NAME_KEY} FROM person_names WHERE person_id = ?""", [merge_id, kept, merged])
    conn.execute("""INSERT OR IGNORE INTO person_names SELECT ?, name_flat, name_tokens FROM person_names
                    WHERE person_id = ?""", [kept, merged])
    conn.execute("DELETE FROM person_names WHERE person_id = ?", [merged])
    conn.execute("DELETE FROM persons WHERE person_id = ?", [merged])
    conn.execute("INSERT INTO changed_persons VALUES (?), (?)", [kept, merged])
    return merge_id


def split(conn, merge_id: int, username: str) -> tuple[int, int]:
    """Undo merge `merge_id`: the merged person and the rows the merge moved come back; the pair is kept apart.
    Returns (kept, merged) person ids."""
    row = conn.execute("SELECT kept_person_id, merged_person_id, merged_person, batch_id, line FROM person_merges"
                       " WHERE merge_id = ? AND split_at IS NULL", [merge_id]).fetchone()
    if row is None:
        raise DecisionError(f"no merge {merge_id} to split")
    kept, merged, person, batch_id, line = row
    structure = "{" + ", ".join(f'"{name}": "{kind}"' for name, kind in conn.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'persons' ORDER BY column_index"
    ).fetchall()) + "}"
    conn.execute(f"INSERT INTO persons BY NAME SELECT unnest(from_json(?, '{structure}'))", [person])
    for table, key in ROW_KEYS.items():
        conn.execute(f"""UPDATE {table} SET person_id = ? WHERE person_id = ? AND {key} IN
                         (SELECT row_key FROM person_merge_rows WHERE merge_id = ? AND table_name = '{table}')""",
                     [merged, kept, merge_id])
    conn.execute(f"""DELETE FROM person_names WHERE person_id = ? AND {NAME_KEY} IN
                     (SELECT row_key FROM person_merge_rows WHERE merge_id = ? AND table_name = 'person_names')""",
                 [kept, merge_id])
    conn.execute("""INSERT INTO person_names SELECT ?, split_part(row_key, '|', 1), split_part(row_key, '|', 2)
                    FROM person_merge_rows WHERE merge_id = ? AND table_name LIKE 'person_names%'""",
                 [merged, merge_id])
    conn.execute("UPDATE person_merges SET split_at = ?, split_by = ? WHERE merge_id = ?",
                 [dt.datetime.now(), username, merge_id])
    conn.execute("UPDATE identity_review SET status = 'apart' WHERE batch_id = ? AND line = ?"
                 " AND candidate_person_id = ?", [batch_id, line, kept])
    conn.execute("INSERT INTO changed_persons VALUES (?), (?)", [kept, merged])
    return kept, merged
