"""Ingest feed files: read -> validate -> place -> resolve identity -> write, one transaction per file.

A file is one batch: it commits whole or not at all, and a file already ingested (same SHA-256)
adds nothing. Every rejected row is stored in `rejects` with file, line and reason, and for every
file accepted + rejected = rows read.

Records are idempotent by their feed's natural key (`Feed.key`, see `ingest.records`): a record
already stored with the same values is accepted but adds nothing, whatever the file's bytes, order or
encoding; one with changed values is a correction that replaces the stored one and its derived rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.channels import Feed
from ingest.identity import doc_columns_sql, resolve
from ingest.placement import CityGeo, place
from ingest.readers import load_raw, stage
from ingest.records import apply_corrections, fields_sql, key_sql, match_stored
from ingest.validate import lookups_sql, macros, normalise_sql, raw_column, reasons_sql
from ingest.writers import ROW_RULES, render

STAGES = ("read", "validate", "place", "records", "identity", "write")


@dataclass
class BatchSummary:
    file: str
    channel: str
    feed: str
    batch_id: int | None = None
    skipped: bool = False
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0      # accepted rows already stored with the same values: nothing written
    corrected: int = 0      # accepted rows that replaced a stored record's values
    persons_new: int = 0
    persons_matched: int = 0
    review_pairs: int = 0
    reasons: Counter = field(default_factory=Counter)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare(conn) -> None:
    """Define the validation macros on a read-write connection, once before its first file."""
    conn.execute(macros())


def raw_columns(feed: Feed) -> str:
    return ", ".join(raw_column(c.name) for c in feed.columns)


def check_rows(conn, feed: Feed) -> None:
    """Temp table `checked`: the staged rows of `raw` normalised, each with its reject reason ('' if valid)."""
    conn.execute(f"CREATE OR REPLACE TEMP TABLE checked AS SELECT line, raw, {raw_columns(feed)},"
                 f" {normalise_sql(feed)}, {reasons_sql(feed)} AS reason, {doc_columns_sql(feed)},"
                 f" {key_sql(feed)} AS _key, {fields_sql(feed)} AS _fields"
                 f" FROM raw {lookups_sql(feed)}")


def stage_file(conn, feed: Feed, path: Path, geo: CityGeo | None, step=lambda stage: None, parsed=None) -> int:
    """Read, validate and place a file (or its records already `parsed`) into the temp tables `checked` and
    `parse_rejects` of a prepared connection, which may be read-only; return the records read."""
    step("read")
    rows_read = stage(conn, feed, parsed) if parsed is not None else load_raw(conn, feed, path)
    step("validate")
    check_rows(conn, feed)
    step("place")
    place(conn, feed, geo)
    return rows_read


def ingest_file(conn, feed: Feed, path: Path, geo: CityGeo | None, on_stage=None, staged=None,
                sha: str | None = None) -> BatchSummary:
    """Ingest one file in one transaction on a prepared read-write connection; return what happened.

    `staged` (ingest.distributed.Staged): the file was read, validated and placed elsewhere (a worker of the
    distributed engine); its rows are loaded instead, and the batch goes on from the records stage."""
    summary = BatchSummary(path.name, feed.channel, feed.name)
    sha = sha or file_sha256(path)
    if conn.execute("SELECT 1 FROM batches WHERE file_sha256 = ?", [sha]).fetchone():
        summary.skipped = True
        return summary
    step = on_stage or (lambda stage: None)
    started = dt.datetime.now()
    conn.execute("BEGIN TRANSACTION")
    try:
        batch_id = conn.execute("SELECT nextval('batch_seq')").fetchone()[0]
        summary.batch_id = batch_id
        summary.rows_read = staged.load(conn) if staged is not None else stage_file(conn, feed, path, geo, step)
        step("records")
        summary.unchanged = match_stored(conn, feed)
        step("identity")
        _resolve_people(conn, feed, batch_id, summary)
        step("write")
        _reject(conn, feed, path, batch_id)
        summary.corrected = apply_corrections(conn, feed, batch_id, started)
        params = {"channel": feed.channel, "feed": feed.name, "batch": batch_id}
        for writer in feed.writes:
            sql = render(writer, feed)
            conn.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        conn.execute("INSERT INTO changed_persons SELECT person_id FROM acc WHERE person_id IS NOT NULL")
        _record_batch(conn, feed, path, sha, batch_id, started, summary)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return summary


def _resolve_people(conn, feed: Feed, batch_id: int, summary: BatchSummary) -> None:
    """Attach person_id to the accepted rows; reject rows a 'known person' feed cannot match."""
    conn.execute(f"CREATE OR REPLACE TEMP TABLE acc AS SELECT * EXCLUDE (raw, {raw_columns(feed)})"
                 " FROM checked WHERE reason = ''")
    if feed.person == "none":
        conn.execute("ALTER TABLE acc ADD COLUMN person_id BIGINT")
        return
    result = resolve(conn, feed, batch_id, create=feed.person == "resolve")
    summary.persons_new, summary.persons_matched, summary.review_pairs = (
        result.persons_new, result.persons_matched, result.review_pairs)
    conn.execute("""CREATE OR REPLACE TEMP TABLE acc AS
                    SELECT a.*, r.person_id FROM acc a LEFT JOIN resolved r USING (line)""")
    if feed.person == "known" and feed.name != "person_checks":   # a traveller unknown to us is still checked
        _reject_where(conn, "person: unknown person (no known document)", "person_id IS NULL")
    for writer in feed.writes:
        if writer in ROW_RULES:
            reason, condition = ROW_RULES[writer]
            _reject_where(conn, reason, condition)


def _reject_where(conn, reason: str, condition: str) -> None:
    conn.execute(f"UPDATE checked SET reason = ? WHERE line IN (SELECT a.line FROM acc a WHERE {condition})",
                 [reason])
    conn.execute(f"DELETE FROM acc a WHERE {condition}")


def _reject(conn, feed: Feed, path: Path, batch_id: int) -> None:
    conn.execute("""INSERT INTO rejects SELECT ?, ?, ?, ?, line, reason, raw FROM parse_rejects
                    UNION ALL SELECT ?, ?, ?, ?, line, reason, raw FROM checked WHERE reason <> ''""",
                 [batch_id, feed.channel, feed.name, path.name] * 2)


def _record_batch(conn, feed: Feed, path: Path, sha: str, batch_id: int, started, summary: BatchSummary) -> None:
    summary.accepted = conn.execute("SELECT count(*) FROM acc").fetchone()[0] + summary.unchanged
    summary.reasons = Counter(dict(conn.execute(
        "SELECT split_part(reason, ';', 1), count(*) FROM rejects WHERE batch_id = ? GROUP BY 1",
        [batch_id]).fetchall()))
    summary.rejected = sum(summary.reasons.values())
    if summary.accepted + summary.rejected != summary.rows_read:
        raise RuntimeError(f"{path.name}: {summary.accepted} accepted + {summary.rejected} rejected"
                           f" != {summary.rows_read} read")
    span = (conn.execute(f"SELECT min({feed.time_column}), max({feed.time_column}) FROM acc").fetchone()
            if feed.time_column else (None, None))
    conn.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        batch_id, feed.channel, feed.name, path.name, sha, summary.rows_read, summary.accepted, summary.rejected,
        summary.persons_new, summary.persons_matched, summary.review_pairs, *span, started, dt.datetime.now(),
        summary.unchanged, summary.corrected])
