"""Read one feed file into a DuckDB temp table `raw`: line number, raw row text, one VARCHAR per column.

Each format is read with the feed's declared dialect (never sniffed). Rows the parser itself cannot
split (wrong number of fields, broken quoting, malformed JSON) go to the temp table `parse_rejects`
with their line and reason, so that for every file accepted + rejected = rows read.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from ingest.channels import Feed
from ingest.validate import raw_column

SNIFF_BYTES = 1 << 20


class FeedError(ValueError):
    """The file as a whole cannot be read as this feed (nothing of it is stored)."""


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of GBK), from the file's first megabyte."""
    head = path.open("rb").read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        try:
            codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
            return "gb18030"
        except UnicodeDecodeError as exc:
            raise FeedError(f"{path.name}: neither UTF-8 nor GBK text ({exc.reason})") from None


def load_raw(conn: duckdb.DuckDBPyConnection, feed: Feed, path: Path) -> int:
    """Create temp tables `raw` and `parse_rejects` for the file; return the number of rows read."""
    conn.execute("CREATE OR REPLACE TEMP TABLE parse_rejects (line BIGINT, reason VARCHAR, raw VARCHAR)")
    reader = {"csv": _load_csv, "xlsx": _load_xlsx, "jsonl": _load_jsonl}[feed.format]
    reader(conn, feed, path)
    return conn.execute("SELECT (SELECT count(*) FROM raw) + (SELECT count(*) FROM parse_rejects)").fetchone()[0]


def _header_map(feed: Feed, header: list[str], path: Path) -> dict[str, str]:
    """Map canonical column name -> header in the file; refuse files missing a required column."""
    present = {h.strip().lstrip("\ufeff"): h for h in header}
    missing = [c.source for c in feed.columns if c.required and c.source not in present]
    if missing:
        raise FeedError(f"{path.name}: not a {feed.name} file, missing column(s) {', '.join(missing)}"
                        f" (found: {', '.join(present) or 'nothing'})")
    return {c.name: present[c.source] for c in feed.columns if c.source in present}


def _select_raw(feed: Feed, mapping: dict[str, str], line_sql: str, raw_sql: str) -> str:
    cols = [f'CAST("{_q(mapping[c.name])}" AS VARCHAR) AS {raw_column(c.name)}' if c.name in mapping else
            f"CAST(NULL AS VARCHAR) AS {raw_column(c.name)}" for c in feed.columns]
    return f"SELECT {line_sql} AS line, {raw_sql} AS raw, {', '.join(cols)}"


def _load_csv(conn, feed: Feed, path: Path) -> None:
    encoding = detect_encoding(path)
    source, tmp = path, None
    if encoding == "gb18030":          # DuckDB reads UTF-8 only: transcode once, streaming
        tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
        with path.open("r", encoding="gb18030", newline="") as src, open(tmp.name, "w", encoding="utf-8") as dst:
            for chunk in iter(lambda: src.read(1 << 20), ""):
                dst.write(chunk)
        source = Path(tmp.name)
    try:
        with source.open("r", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh, delimiter=feed.delimiter, quotechar=feed.quote), None)
        if header is None:
            raise FeedError(f"{path.name}: empty file, no header")
        mapping = _header_map(feed, header, path)
        columns = "{" + ", ".join(f"'{_q(h)}': 'VARCHAR'" for h in header) + "}"
        conn.execute(f"""
            CREATE OR REPLACE TEMP TABLE csv_rows AS
            SELECT * FROM read_csv('{_q(str(source))}', header = true, auto_detect = false, columns = {columns},
                delim = '{_q(feed.delimiter)}', quote = '{_q(feed.quote)}', escape = '{_q(feed.escape)}',
                strict_mode = true, store_rejects = true,
                rejects_table = 'csv_rejects', rejects_scan = 'csv_scans', parallel = false)""")
        conn.execute("""INSERT INTO parse_rejects SELECT line, 'unreadable row: ' || lower(error_type) || ' ('
                        || error_message || ')', csv_line FROM csv_rejects""")
        # DuckDB keeps row order; accepted rows take the line numbers the rejected ones did not
        conn.execute("""
            CREATE OR REPLACE TEMP TABLE csv_lines AS
            WITH n AS (SELECT count(*) AS k FROM csv_rows), r AS (SELECT count(*) AS k FROM parse_rejects),
            candidates AS (SELECT unnest(range(2, 2 + (SELECT k FROM n) + (SELECT k FROM r))) AS line)
            SELECT line, row_number() OVER (ORDER BY line) AS rn FROM candidates
            WHERE line NOT IN (SELECT line FROM parse_rejects)""")
        raw_text = "concat_ws('" + _q(feed.delimiter) + "', " + ", ".join(f'"{_q(h)}"' for h in header) + ")"
        conn.execute(f"""CREATE OR REPLACE TEMP TABLE raw AS
            {_select_raw(feed, mapping, 'l.line', raw_text)}
            FROM (SELECT *, row_number() OVER () AS rn FROM csv_rows) c JOIN csv_lines l USING (rn)""")
        conn.execute("DROP TABLE csv_rows; DROP TABLE csv_lines; DROP TABLE IF EXISTS csv_rejects;"
                     " DROP TABLE IF EXISTS csv_scans")
    finally:
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)


def _cell(value) -> str | None:
    """An Excel cell as text: dates in ISO form, whole numbers without '.0'."""
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _load_xlsx(conn, feed: Feed, path: Path) -> None:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise FeedError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    header = [str(h) if h not in (None, "") else "" for h in (rows[0] if rows else [])]
    mapping = _header_map(feed, header, path)
    records = []
    for line, values in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in values][: len(header)]
        if all(c is None or c.strip() == "" for c in cells):
            continue
        cells += [None] * (len(header) - len(cells))
        records.append([line, ",".join(c or "" for c in cells), *cells])
    frame = pd.DataFrame(records, columns=["line", "raw", *header], dtype=object)
    _register_frame(conn, feed, mapping, frame)


def _load_jsonl(conn, feed: Feed, path: Path) -> None:
    encoding = detect_encoding(path)
    records, keys = [], [c.source for c in feed.columns]
    with path.open("r", encoding=encoding) as fh:
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                conn.execute("INSERT INTO parse_rejects VALUES (?, ?, ?)",
                             [line, f"unreadable row: malformed JSON ({exc})", text.strip()[:2000]])
                continue
            records.append([line, text.strip(), *[None if obj.get(k) is None else str(obj[k]) for k in keys]])
    frame = pd.DataFrame(records, columns=["line", "raw", *keys], dtype=object)
    if records:
        present = [k for k in keys if frame[k].notna().any()]
        _header_map(feed, present, path)   # a required key absent from every record: wrong file
    _register_frame(conn, feed, {c.name: c.source for c in feed.columns}, frame)


def _register_frame(conn, feed: Feed, mapping: dict[str, str], frame: pd.DataFrame) -> None:
    frame["line"] = frame["line"].astype("int64")
    conn.register("frame_rows", frame)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE raw AS {_select_raw(feed, mapping, 'line', 'CAST(raw AS VARCHAR)')}"
                 " FROM frame_rows")
    conn.unregister("frame_rows")


def _q(text: str) -> str:
    return text.replace("'", "''")

