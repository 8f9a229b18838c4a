"""`app.py feeds check FILE`: preview how a file would be ingested, writing nothing to the store.

The file goes through the same read and validation as an ingest (ingest.readers, ingest.pipeline.check_rows)
on an in-memory DuckDB connection; the reference lists that validation looks up (checkpoints, quarantine
sites) are copied from the store's published snapshot when there is one. Placement and identity need the
store's people and places, so rows they would refuse (outside the city, an unknown person) show at ingest.
"""
from __future__ import annotations

import fnmatch
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.channels import Feed, active_feeds, feed_for
from ingest.pipeline import check_rows, prepare
from ingest.readers import FeedError, Parsed, parse_file, stage
from ingest.validate import KINDS

SHOWN_REJECTS = 20


@dataclass
class Preview:
    file: str
    feed: Feed | None = None
    refused: str = ""                                   # why the file as a whole would be refused
    parsed: Parsed | None = None
    accepted: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[tuple[int, str, str]] = field(default_factory=list)


def matching_feed(path: Path, channel: str | None) -> Feed:
    """The feed a file is ingested as: by its channel and name, or by its name alone."""
    if channel:
        return feed_for(channel, path.name)
    matches = [f for f in active_feeds() if fnmatch.fnmatch(path.name.lower(), f.pattern)]
    if not matches:
        raise ValueError(f"{path.name}: no feed's file pattern matches this name"
                         f" ({', '.join(f.pattern for f in active_feeds())})")
    return matches[0]


def preview(path: Path, channel: str | None = None, store=None) -> Preview:
    """Read and validate the file as its feed on a private in-memory database."""
    result = Preview(path.name)
    try:
        result.feed = matching_feed(path, channel)
        result.parsed = parse_file(result.feed, path)
    except (ValueError, OSError) as exc:      # FeedError is a ValueError
        result.refused = str(exc)
        return result
    conn = duckdb.connect()
    _reference_lists(conn, store)
    prepare(conn)
    stage(conn, result.feed, result.parsed)
    check_rows(conn, result.feed)
    rejected = conn.execute("SELECT line, reason, raw FROM parse_rejects UNION ALL"
                            " SELECT line, reason, raw FROM checked WHERE reason <> '' ORDER BY line").fetchall()
    result.accepted = result.parsed.rows_read - len(rejected)
    result.reasons = Counter(reason.split(";")[0] for _, reason, _ in rejected)
    result.examples = rejected[:SHOWN_REJECTS]
    conn.close()
    return result


def _reference_lists(conn, store) -> None:
    """The tables lookup kinds validate against: the store's, or empty ones when there is no store."""
    lookups = {KINDS[k].lookup.split(".")[0] for k in KINDS if KINDS[k].lookup}
    if store is not None and store.exists():
        conn.execute(f"ATTACH '{str(store.current_path()).replace(chr(39), chr(39) * 2)}' AS s (READ_ONLY)")
        for table in sorted(lookups):
            conn.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM s.{table}")
        conn.execute("DETACH s")
        return
    for kind in KINDS.values():
        if kind.lookup:
            table, key = kind.lookup.split(".")
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({key} VARCHAR)")


def report(result: Preview) -> str:
    """The preview as text: the feed, the column mapping, the counts and the rows that would be rejected."""
    if result.feed is None:
        return f"{result.file}: REFUSED: {result.refused}"
    feed = result.feed
    lines = [f"{result.file}: feed {feed.name} (channel {feed.channel}; {feed.label_en} / {feed.label_zh})"]
    if result.refused:
        return "\n".join([*lines, f"REFUSED, nothing of it would be stored: {result.refused}"])
    parsed = result.parsed
    lines.append(f"encoding {parsed.encoding}; columns (file -> canonical):")
    for column in feed.columns:
        source = parsed.mapping.get(column.name)
        flag = "required" if column.required else "optional"
        lines.append(f"  {source or '(absent)':<20} -> {column.name} ({column.kind}, {flag})")
    if parsed.extra:
        lines.append(f"  not declared, ignored: {', '.join(parsed.extra)}")
    lines.append(f"records read {parsed.rows_read}: {result.accepted} would be accepted,"
                 f" {parsed.rows_read - result.accepted} rejected (before placement and identity)")
    lines.extend(f"  {n:>7}  {reason}" for reason, n in result.reasons.most_common())
    if result.examples:
        lines.append("first rejected rows (line: reason | raw):")
        lines.extend(f"  {line}: {reason} | {(raw or '')[:120]}" for line, reason, raw in result.examples)
    lines.append("nothing was written to the store")
    return "\n".join(lines)
