"""Records by natural key: what makes a re-send add nothing and a changed re-send a correction.

Every accepted row's record is kept in `records` as its feed's key (`Feed.key`, the canonical columns
joined by '|') and its other normalised values (joined by the unit separator U+001F in the feed's column
order, U+001E for a missing value: a fifth of the cost of JSON per row, docs/feeds.md; readers reject values
holding either character), with the batch and line whose derived rows carry it.
A row is matched on the values after normalisation, so the file's encoding, BOM, line endings, row order
and column order play no part. Within one file the last row of a key wins; earlier rows of the same key are
rejected, naming the line that repeats them.
"""
from __future__ import annotations

from ingest.channels import Feed
from ingest.decisions import FACT_TABLES
from ingest.writers import DERIVED


def key_sql(feed: Feed) -> str:
    """SQL for a row's natural key (a text) from the normalised columns; a part `column:day` takes the day of a
    date-time column (its time is then a value of the record, so a corrected time is a correction)."""
    parts = [f'CAST("{k[:-4]}" AS DATE)' if k.endswith(":day") else f'"{k}"' for k in feed.key]
    return "concat_ws('|', " + ", ".join(f"coalesce(CAST({p} AS VARCHAR), '')" for p in parts) + ")"


def _values(feed: Feed) -> list[str]:
    return [c.name for c in feed.columns if c.name not in feed.key]


def fields_sql(feed: Feed) -> str:
    """SQL for a row's other normalised values as one text (U+001F between values, U+001E for NULL)."""
    values = _values(feed)
    if not values:
        return "''"
    return "concat_ws(chr(31), " + ", ".join(f'coalesce(CAST("{v}" AS VARCHAR), chr(30))' for v in values) + ")"


def _stored_value(index: int) -> str:
    """SQL for the value at 1-based `index` of a stored record's fields (s.before_fields), NULL if missing."""
    return f"nullif(string_split(s.before_fields, chr(31))[{index}], chr(30))"


def match_stored(conn, feed: Feed) -> int:
    """Reject earlier repeats of a key within the file, drop rows stored unchanged from `checked` (returned as
    their count), and keep the stored version of every row that changes a record in temp table `superseded`."""
    conn.execute("""UPDATE checked SET reason = 'key: repeated by line ' || d.last || ' of this file'
                    FROM (SELECT line, max(line) OVER (PARTITION BY _key) AS last FROM checked
                          WHERE reason = '' AND hash(_key) IN (   -- a window over the few keys seen twice only
                              SELECT hash(_key) FROM checked WHERE reason = '' GROUP BY ALL HAVING count(*) > 1)) d
                    WHERE checked.line = d.line AND d.line < d.last""")
    conn.execute("""CREATE OR REPLACE TEMP TABLE stored AS
                    SELECT c.line, r.key, c._fields = r.fields AS same, r.fields AS before_fields,
                           r.batch_id AS before_batch_id, r.line AS before_line
                    FROM checked c JOIN records r ON r.feed = ? AND r.key = c._key WHERE c.reason = ''""",
                 [feed.name])
    unchanged = conn.execute("SELECT count(*) FROM stored WHERE same").fetchone()[0]
    if unchanged:
        conn.execute("DELETE FROM checked WHERE line IN (SELECT line FROM stored WHERE same)")
    conn.execute("CREATE OR REPLACE TEMP TABLE superseded AS SELECT * EXCLUDE (same) FROM stored WHERE NOT same")
    return unchanged


def apply_corrections(conn, feed: Feed, batch_id: int, at) -> int:
    """For the accepted rows (`acc`) that change a stored record: log the change in `corrections`, delete the
    rows derived from the stored version; then record every accepted row in `records`. Returns the corrections."""
    corrected = conn.execute("SELECT count(*) FROM superseded").fetchall()[0][0]
    if corrected:   # the accepted rows are scanned only when some stored record changes
        dropped = conn.execute("DELETE FROM superseded WHERE line NOT IN (SELECT line FROM acc)").fetchall()
        corrected -= dropped[0][0]
    if corrected:
        values = _values(feed)
        changes = ", ".join(f"{{'column': '{v}', 'before': {_stored_value(i)}, 'after': CAST(a.\"{v}\" AS VARCHAR)}}"
                            for i, v in enumerate(values, start=1))
        before = ", ".join(f'"{v}" := {_stored_value(i)}' for i, v in enumerate(values, start=1))
        conn.execute(f"""INSERT INTO corrections SELECT ?, s.key,
                             CAST(to_json(list_filter([{changes}], lambda e: e.before IS DISTINCT FROM e.after)) AS VARCHAR),
                             CAST(to_json(struct_pack({before})) AS VARCHAR),
                             s.before_batch_id, s.before_line, ?, s.line, ?
                         FROM superseded s JOIN acc a USING (line)""", [feed.name, batch_id, at])
        for table in dict.fromkeys(DERIVED[w] for w in feed.writes if w in DERIVED):
            stored = f"""FROM {table} t WHERE EXISTS (SELECT 1 FROM superseded s
                         WHERE s.before_batch_id = t.batch_id AND s.before_line = t.line)"""
            if table in FACT_TABLES:   # whose rows go may belong elsewhere, or in other populations, now
                conn.execute(f"INSERT INTO changed_persons SELECT t.person_id {stored}")   # (store/derived.sql)
            conn.execute(f"DELETE {stored}")
        conn.execute("DELETE FROM records WHERE feed = ? AND key IN (SELECT key FROM superseded)", [feed.name])
    conn.execute("INSERT INTO records SELECT ?, _key, _fields, ?, line FROM acc", [feed.name, batch_id])
    return corrected

