"""Read one feed file into a DuckDB temp table `raw`: line number, raw record text, one VARCHAR per column.

Every physical record of the file is accounted for: it becomes a row of `raw` or a row of the temp table
`parse_rejects` (line, reason, raw text), so for every file accepted + rejected = rows read. Blank lines
carry no record and are skipped; the header line is not a record.

A file that cannot be read to its end (a quote never closed, bytes that are neither UTF-8 nor GBK, a broken
workbook, no header or no record at all, a header that does not fit the feed) raises `FeedError` and nothing
of it is stored. The encoding is decided on the whole file, never on its first bytes.

CSV is parsed by Python's `csv` module (every quoting case, line endings mixed at will, the physical line each
record starts on) and handed to DuckDB as one Arrow table; see docs/feeds.md for why not DuckDB's read_csv.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ingest.channels import Feed
from ingest.validate import raw_column

MAX_FIELD = 4000                 # characters in one value; longer is a broken record, not data
UTF8_SHARE = 0.9                 # share of non-ASCII characters valid as UTF-8 above which a file is UTF-8
_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_SEPARATORS = {"\x1e": "U+001E", "\x1f": "U+001F"}  # the record and unit separators: no data, and the
                                                  # separators of a stored record's values (ingest.records)
csv.field_size_limit(1 << 30)    # over-long values are rejected per record (MAX_FIELD), not by the parser


class FeedError(ValueError):
    """The file as a whole cannot be read as this feed (nothing of it is stored)."""


@dataclass
class Parsed:
    """A file read as a feed: its header as found, how it maps, the records and the unreadable ones."""
    encoding: str
    header: list[str]                                         # as in the file; JSON lines: the feed's keys
    mapping: dict[str, str | None]                            # canonical column -> header (None: absent)
    extra: list[str]                                          # headers the feed does not declare
    lines: list[int] = field(default_factory=list)            # per readable record: its first line,
    raws: list[str] | None = field(default_factory=list)      # its text (None: its cells joined by joiner),
    rows: list[list] = field(default_factory=list)            # its cells, one per header
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    joiner: str = ","
    columns: pa.Table | None = None                           # the cells, a column per header, when plain text

    @property
    def rows_read(self) -> int:
        return len(self.lines) + len(self.rejects)

    def column(self, j: int) -> pa.Array | pa.ChunkedArray:
        """The cells under the header's j-th name, one per readable record."""
        if self.columns is not None:
            return self.columns.column(j)
        return pa.array([r[j] for r in self.rows], pa.string())

    def texts(self) -> list[str]:
        """Each readable record's text: as in the file, or its cells joined where that was not kept."""
        if self.raws is not None:
            return self.raws
        cells = [self.column(j) for j in range(len(self.header))]
        return pc.binary_join_element_wise(*cells, self.joiner, null_handling="replace").to_pylist()

    def subset(self, keep: list[int]) -> "Parsed":
        """The same file with only the readable records at positions `keep` (and none of its rejects)."""
        plain = self.columns is not None
        return Parsed(self.encoding, self.header, self.mapping, self.extra, lines=[self.lines[i] for i in keep],
                      raws=[self.raws[i] for i in keep] if self.raws is not None else None,
                      rows=[] if plain else [self.rows[i] for i in keep], joiner=self.joiner,
                      columns=self.columns.take(pa.array(keep, pa.int64())) if plain else None)

    @property
    def values(self) -> dict[str, list]:
        """Canonical column -> one value per readable record (None where the file lacks the column)."""
        index = {h: i for i, h in enumerate(self.header)}
        return {name: self.column(index[h]).to_pylist() if h is not None else [None] * len(self.lines)
                for name, h in self.mapping.items()}

    def extend(self, lines: list[int], raws: list[str] | None, rows: list[list], values_clean: bool = False) -> None:
        """Keep the records, rejecting each one that cannot be read with its reason. Only records that look
        odd (another width, the header's first name, and unless `values_clean` a NUL or a long text) are
        examined one by one, so a clean file of a million records costs a few list scans. raws=None: a
        record's text is its cells joined (computed in DuckDB for the records kept)."""
        width, first = len(self.header), self.header[0]
        odd = [i for i, cells in enumerate(rows) if len(cells) != width or first in (cells[0] or "")]
        if not values_clean:
            raws = raws if raws is not None else [self.joiner.join(c or "" for c in cells) for cells in rows]
            odd += [i for i, raw in enumerate(raws) if _has_control(raw) or len(raw) > MAX_FIELD]
        refused = set()
        for i in sorted(set(odd)):
            cells = rows[i]
            if len(cells) > width and not any(c and str(c).strip() for c in cells[width:]):
                rows[i] = cells = cells[:width]       # trailing empty cells: a spreadsheet's habit, no data
            problem = _problem(cells, self.header)
            if problem:
                refused.add(i)
                raw = raws[i] if raws is not None else self.joiner.join(c or "" for c in cells)
                self.rejects.append((lines[i], problem, raw[:MAX_FIELD]))
        keep = [i for i in range(len(rows)) if i not in refused]
        self.lines += [lines[i] for i in keep] if refused else lines
        self.rows += [rows[i] for i in keep] if refused else rows
        if raws is None or self.raws is None:
            self.raws = None
        else:
            self.raws += [raws[i] for i in keep] if refused else raws
        self.rejects.sort()

    def cut_off(self) -> Parsed:
        """The file ends inside a character: its last record, when read as good, is rejected."""
        if self.lines and (not self.rejects or self.lines[-1] > self.rejects[-1][0]):
            cells = self.rows.pop()
            raw = self.raws.pop() if self.raws is not None else self.joiner.join(c or "" for c in cells)
            self.rejects.append((self.lines.pop(), "unreadable row: cut off (the file ends inside a character)", raw))
        return self


def decode(path: Path, data: bytes | None = None) -> tuple[str, str, bool]:
    """The whole file's text, its encoding (utf-8-sig, utf-8 or gb18030, a superset of GBK), and whether the
    file was cut inside its last character (that part character is dropped; the record is rejected)."""
    data = path.read_bytes() if data is None else data
    if data.startswith(codecs.BOM_UTF8):
        text, cut = _text(path, data[3:], "utf-8")
        return text, "utf-8-sig", cut
    try:
        text, cut = _text(path, data, "utf-8", quiet=True)
        return text, "utf-8", cut
    except UnicodeDecodeError as exc:
        lenient = data.decode("utf-8", errors="replace")
        bad, good = lenient.count("\ufffd"), len(_NON_ASCII.findall(lenient))
        if good / (good + bad) >= UTF8_SHARE:
            raise FeedError(f"{path.name}: UTF-8 text with {bad} invalid byte sequence(s), the first on line"
                            f" {_line_at(data, exc.start)}: fix or re-export the file") from None
    text, cut = _text(path, data, "gb18030")
    return text, "gb18030", cut


def _text(path: Path, data: bytes, encoding: str, quiet: bool = False) -> tuple[str, bool]:
    """Strict decoding; a file cut inside its last character decodes without it (cut = True)."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and exc.start >= len(data) - 3:
            try:
                return data[:exc.start].decode(encoding), True
            except UnicodeDecodeError:
                pass
        if quiet:
            raise
        what = "neither UTF-8 nor GBK" if encoding == "gb18030" else "not UTF-8"
        raise FeedError(f"{path.name}: line {_line_at(data, exc.start)} is {what} text"
                        f" (byte 0x{data[exc.start]:02x}): fix or re-export the file") from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_file(feed: Feed, path: Path) -> Parsed:
    """Read the file as `feed`; raise FeedError when it cannot be read whole."""
    reader = {"csv": _parse_csv, "xlsx": _parse_xlsx, "jsonl": _parse_jsonl}[feed.format]
    parsed = reader(feed, path)
    if parsed.rows_read == 0:
        raise FeedError(f"{path.name}: no records, only a header or blank lines")
    return parsed


def load_raw(conn: duckdb.DuckDBPyConnection, feed: Feed, path: Path) -> int:
    """Create temp tables `raw` and `parse_rejects` for the file; return the number of records read."""
    return stage(conn, feed, parse_file(feed, path))


def stage(conn: duckdb.DuckDBPyConnection, feed: Feed, parsed: Parsed) -> int:
    """Put a parsed file before the connection as `raw` (a view over its Arrow columns, never copied) and
    `parse_rejects`; return the records read."""
    width = len(parsed.header)
    conn.complete()                          # a caller's fetchone() leaves its result open, which register refuses
    conn.register("parsed_rows", pa.table({  # one column per header: every width-th cell (one C++ conversion)
        "line": pa.array(parsed.lines, pa.int64()),
        **{f"c{j}": parsed.column(j) for j in range(width)},
        **({"raw": pa.array(parsed.raws, pa.string())} if parsed.raws is not None else {})}))
    conn.register("parsed_rejects", pa.table({
        "line": pa.array([r[0] for r in parsed.rejects], pa.int64()),
        "reason": pa.array([r[1] for r in parsed.rejects], pa.string()),
        "raw": pa.array([r[2] for r in parsed.rejects], pa.string())}))
    index = {h: j for j, h in enumerate(parsed.header)}
    raw = "raw" if parsed.raws is not None else \
        f"concat_ws('{_q(parsed.joiner)}', {', '.join(f'c{j}' for j in range(width))})"
    columns = [f"c{index[parsed.mapping[c.name]]} AS {raw_column(c.name)}" if parsed.mapping[c.name] is not None
               else f"CAST(NULL AS VARCHAR) AS {raw_column(c.name)}" for c in feed.columns]
    conn.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT line, {raw} AS raw, {', '.join(columns)}"
                 " FROM parsed_rows")
    conn.execute("CREATE OR REPLACE TEMP TABLE parse_rejects AS SELECT * FROM parsed_rejects")
    return parsed.rows_read


# ------------------------------------------------------------------------------------------ records
def _start(feed: Feed, path: Path, encoding: str, header: list[str]) -> Parsed:
    """Map the header to the feed's columns; refuse headers that do not fit it."""
    clean = [h.strip() for h in header]
    while clean and clean[-1] == "":
        clean.pop()
    repeated = sorted({h for h in clean if h and clean.count(h) > 1})
    if repeated:
        raise FeedError(f"{path.name}: the header names column(s) {', '.join(repeated)} more than once")
    sources = {c.source for c in feed.columns}
    missing = [c.source for c in feed.columns if c.required and c.source not in clean]
    absent = [c.source for c in feed.columns if not c.required and c.source not in clean]
    extra = [h for h in clean if h and h not in sources]
    if missing or (absent and extra):
        why = f"missing column(s) {', '.join(missing)}" if missing else \
            f"declared column(s) {', '.join(absent)} absent"
        hint = f"; columns not declared for feed {feed.name}: {', '.join(extra)} (a renamed header? declare it" \
               " in the feeds file)" if extra else ""
        others = [d for d in ";\t|," if d != feed.delimiter and len(clean) == 1 and d in clean[0]]
        if others:
            hint += f"; the header holds {others[0]!r}: is the delimiter {others[0]!r}, not {feed.delimiter!r}?"
        raise FeedError(f"{path.name}: {why}{hint}")
    mapping = {c.name: (c.source if c.source in clean else None) for c in feed.columns}
    return Parsed(encoding, clean, mapping, extra)


def _problem(cells: list[str | None], header: list[str]) -> str:
    """Why a record of cells under `header` is unreadable ('' when it is readable)."""
    if len(cells) > len(header) and any(c not in (None, "") and str(c).strip() for c in cells[len(header):]):
        return f"unreadable row: {len(cells)} cells, the header has {len(header)} (surplus cells)"
    if len(cells) < len(header):
        return f"unreadable row: {len(cells)} cells, the header has {len(header)} (missing cells, cut off?)"
    if [(c or "").strip() for c in cells[:len(header)]] == header:
        return "unreadable row: the header line repeated"
    for name, value in zip(header, cells):
        if value is not None and "\x00" in value:
            return f"unreadable row: NUL byte in {name}"
        for char, code in _SEPARATORS.items():
            if value is not None and char in value:
                return f"unreadable row: control character {code} in {name}"
        if value is not None and len(value) > MAX_FIELD:
            return f"unreadable row: {name} longer than {MAX_FIELD} characters ({len(value)})"
    return ""


def _parse_csv(feed: Feed, path: Path) -> Parsed:
    data = path.read_bytes()
    plain = _parse_plain_csv(feed, path, data)
    if plain is not None:
        return plain
    text, encoding, cut = decode(path, data)
    plain = _parse_plain_csv(feed, path, text.encode(), encoding) if encoding == "gb18030" and not cut else None
    if plain is not None:
        return plain
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=feed.delimiter, quotechar=feed.quote,
                        strict=True, doublequote=feed.escape == feed.quote,
                        escapechar=None if feed.escape == feed.quote else feed.escape)
    starts, rows, broken, last = [], [], [], 0      # each record's first line and cells; unreadable ones
    while True:
        try:
            for cells in reader:
                starts.append(last + 1)
                last = reader.line_num
                rows.append(cells)
            break
        except csv.Error as exc:                    # the record from line last + 1 to reader.line_num
            start, last = last + 1, reader.line_num
            if start < last and "end of data" in str(exc):
                raise FeedError(f"{path.name}: a quoted value opened on line {start} is never closed"
                                f" ({last - start + 1} lines to the end of the file):"
                                " the file cannot be read to its end") from None
            if start < last or not rows:
                raise FeedError(f"{path.name}: lines {start}-{last} cannot be read ({exc}; a stray quote?):"
                                " the file cannot be read") from None
            broken.append((start, f"unreadable row: {exc}"))
    records = [i for i, cells in enumerate(rows) if len(cells) > 1 or (cells and cells[0].strip())]
    if not records:
        raise FeedError(f"{path.name}: empty file, no header")
    parsed = _start(feed, path, encoding, rows[records[0]])
    if broken:
        physical = io.StringIO(text, newline="").readlines()
        parsed.rejects += [(line, why, physical[line - 1].rstrip("\r\n")[:MAX_FIELD]) for line, why in broken]
    records = records[1:]
    lines = [starts[i] for i in records]
    cells = [rows[i] for i in records]
    parsed.joiner = feed.delimiter
    values_clean = not _has_control(text) and max(map(len, text.split("\n"))) <= MAX_FIELD
    parsed.extend(lines, None, cells, values_clean)
    position = {line: n for n, line in enumerate(starts)}
    for line, _, _ in parsed.rejects:               # a rejected record over several lines: a stray quote
        end = starts[position[line] + 1] - 1 if position.get(line, len(starts)) + 1 < len(starts) else last
        if line in position and end > line:
            raise FeedError(f"{path.name}: a quoted value runs from line {line} to line {end} and the record"
                            " does not fit the header (a stray quote?): the file cannot be read")
    return parsed.cut_off() if cut else parsed


def _parse_plain_csv(feed: Feed, path: Path, data: bytes, encoding: str | None = None) -> Parsed | None:
    """The common file read by Arrow's CSV reader: UTF-8 throughout, no quote or escape character anywhere, no
    lone CR, every line empty or exactly as wide as the header, no value longer than a value may be, the header's
    first name in no record. Then every non-empty line is one record and the csv module would reject none, so
    the result is the same, many times faster (docs/feeds.md). `data`: the file's bytes, read as UTF-8 (with or
    without BOM) when valid, never made Python text; or, with its `encoding`, a GBK file's text as UTF-8 (GBK's
    trailing bytes may look like a delimiter, so its bytes are not scanned). None when the file is not plain."""
    if encoding is None:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        data = data[3:] if encoding == "utf-8-sig" else data
        if not _is_utf8(data):
            return None
    if (feed.quote.encode() in data or feed.escape.encode() in data or data.count(b"\r") != data.count(b"\r\n")
            or _has_control(data)):
        return None
    data = data.replace(b"\r\n", b"\n") if b"\r" in data else data
    full = None
    if data.startswith(b"\n") or b"\n\n" in data:          # blank lines: the others numbered by position
        ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
        ends = ends if data.endswith(b"\n") else np.append(ends, len(data))
        full = np.flatnonzero(ends > np.concatenate(([0], ends[:-1] + 1)))
    header, _, body = data.lstrip(b"\n").partition(b"\n")
    names = header.decode().split(feed.delimiter)
    if len(names) < 2:
        return None
    parsed = _start(feed, path, encoding, names)
    if len(parsed.header) != len(names) or not parsed.header[0]:
        return None
    labels = [f"c{j}" for j in range(len(names))]
    try:
        table = pa_csv.read_csv(pa.py_buffer(body), read_options=pa_csv.ReadOptions(column_names=labels),
                                parse_options=pa_csv.ParseOptions(delimiter=feed.delimiter, quote_char=False,
                                                                  escape_char=False),
                                convert_options=pa_csv.ConvertOptions(
                                    column_types=dict.fromkeys(labels, pa.string()), check_utf8=False)) \
            if body.strip(b"\n") else pa.table({c: pa.array([], pa.string()) for c in labels})
    except pa.ArrowInvalid:                                  # a line of another width
        return None
    records = len(full) - 1 if full is not None else body.count(b"\n") + (not body.endswith(b"\n") and bool(body))
    if table.num_rows != records or pc.any(pc.match_substring(table.column(0), parsed.header[0])).as_py() or any(
            (pc.max(pc.utf8_length(column)).as_py() or 0) > MAX_FIELD for column in table.columns):
        return None
    parsed.joiner, parsed.raws = feed.delimiter, None        # a record's text: its cells joined (in DuckDB)
    parsed.lines = (full[1:] + 1).tolist() if full is not None else list(range(2, records + 2))
    parsed.columns = table
    return parsed


# ------------------------------------------------------------------------------------------ workbooks
def _cell(value) -> str | None:
    """An Excel cell as text: dates in ISO form, whole numbers without '.0'."""
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_xlsx(feed: Feed, path: Path) -> Parsed:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise FeedError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    parsed = None
    for line, values in enumerate(rows, start=1):
        cells = [_cell(v) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if not any(c is not None and c.strip() for c in cells):
            continue
        if parsed is None:
            parsed = _start(feed, path, "xlsx", [c or "" for c in cells])
            continue
        cells += [None] * (len(parsed.header) - len(cells))
        parsed.extend([line], [",".join(c or "" for c in cells)], [cells])
    if parsed is None:
        raise FeedError(f"{path.name}: empty workbook, no header")
    return parsed


# ------------------------------------------------------------------------------------------ JSON lines
def _parse_jsonl(feed: Feed, path: Path) -> Parsed:
    text, encoding, cut = decode(path)
    if text.lstrip().startswith("["):
        raise FeedError(f"{path.name}: a JSON array, not JSON lines (one object per line)")
    keys = [c.source for c in feed.columns]
    parsed = Parsed(encoding, keys, {c.name: c.source for c in feed.columns}, [])
    seen: set[str] = set()
    for line, record in enumerate(text.split("\n"), start=1):
        record = record.strip()
        if not record:
            continue
        try:
            obj = json.loads(record)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            parsed.rejects.append((line, f"unreadable row: malformed JSON ({exc})", record[:MAX_FIELD]))
            continue
        cells = [None if obj.get(k) is None else str(obj[k]) for k in keys]
        seen.update(k for k, v in zip(keys, cells) if v is not None)
        parsed.extend([line], [record], [cells])
    if parsed.rejects and not parsed.lines and len(parsed.rejects) == parsed.rows_read:
        raise FeedError(f"{path.name}: no line is a JSON object: not a JSON-lines file")
    missing = [c.source for c in feed.columns if c.required and c.source not in seen]
    if parsed.lines and missing:
        raise FeedError(f"{path.name}: missing key(s) {', '.join(missing)} in every record")
    parsed.extra = sorted({k for r in parsed.raws[:100] for k in json.loads(r)} - set(keys))
    return parsed.cut_off() if cut else parsed


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8 (Arrow's check, without making Python text of them)."""
    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _has_control(text: str | bytes) -> bool:
    """Whether `text` (or UTF-8 bytes) holds a NUL or a record/unit separator (never data; see _problem)."""
    marks = ("\x00", "\x1e", "\x1f") if isinstance(text, str) else (b"\x00", b"\x1e", b"\x1f")
    return any(mark in text for mark in marks)


def _q(text: str) -> str:
    return text.replace("'", "''")
