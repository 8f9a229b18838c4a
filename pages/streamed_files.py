"""Excel and Parquet files written while they are sent: generators of bytes for an HTTP response. Each chunk of
rows is encoded and handed on before the next is read, so the first bytes leave at once and memory is bounded
by a chunk, not by the file.

Excel: the .xlsx is written here as a ZIP (Python's zipfile writes to an unseekable `Sink`, sizes in data
descriptors) holding one sheet of inline strings. Each chunk's XML is built column by column with Arrow's
string kernels (no Python loop per cell): numbers as numeric cells, text as escaped inline strings, dates and
times as Excel serial numbers with a date or date-time format, missing values as absent cells."""
from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384     # an Excel sheet's, its header row included
SHEET_ROWS = (1000, 32000)                    # a sheet's first chunk in rows, doubling up to the last
PARQUET_ROWS = 65_536                         # rows per Parquet row group (one chunk each)
ZIP_LEVEL = 1               # deflate: level 1 packs the people sheet's XML 8x, 3x as fast as level 6 (10x)
SHEET = "people"
EPOCH = np.datetime64("1899-12-30")           # Excel's day 0 (1900 date system)
EXCEL_DAYS = (61, 2_958_466)                  # serials Excel reads as the right date: 1900-03-01 to 9999-12-31
STYLE = {"date": 1, "datetime": 2, "header": 3}                         # cellXfs in xl/styles.xml
FORBIDDEN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"             # not characters in XML 1.0
SPECIAL = FORBIDDEN[:-1] + r"&<>\"'\r]|_x[0-9A-Fa-f]{4}_|^[ \t\n\r]|[ \t\n\r]$"   # text that needs more than tags

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PARTS = {
    "[Content_Types].xml": HEAD + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": HEAD + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": HEAD + (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": HEAD + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": HEAD + (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


class Sink:
    """A write-only file keeping what is written until `take()`: zipfile and ParquetWriter write into it (it
    has no tell or seek, so they write as to a pipe), a generator yields what they wrote so far."""

    closed = False

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(self._parts[-1])

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def fits_a_sheet(frame: pd.DataFrame) -> bool:
    """Whether the frame's rows, below a header row, and its columns fit one Excel sheet."""
    return len(frame) + 1 <= MAX_ROWS and frame.shape[1] <= MAX_COLUMNS


def xlsx_chunks(frame: pd.DataFrame, prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                rows: int = SHEET_ROWS[0], most: int = SHEET_ROWS[1]) -> Iterator[bytes]:
    """The frame as an .xlsx workbook (one sheet, SHEET, with a header row), in chunks of bytes: the package's
    small parts first, then the sheet `rows` rows at a time, twice as many each time up to `most`. `prepare`
    (e.g. formula neutralising) is applied to each chunk of rows before it is written. Raises ValueError, before
    anything is written, when the frame does not fit a sheet (fits_a_sheet): never a truncated file."""
    if not fits_a_sheet(frame):
        raise ValueError(f"{len(frame):,} rows x {frame.shape[1]} columns do not fit an Excel sheet")
    return _xlsx(frame, prepare or (lambda chunk: chunk), rows, most)


def _xlsx(frame, prepare, rows, most):
    sink = Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as package:
        for name, text in PARTS.items():
            package.writestr(name, text)
        yield sink.take()
        kinds = [_kind(frame[c]) for c in frame.columns]
        letters = [_letter(i) for i in range(frame.shape[1])]
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=_over_2gb(frame, kinds)) as sheet:
            start, chunk = 0, prepare(frame.iloc[:rows])
            sheet.write(_sheet_start(frame, chunk, kinds, letters).encode())
            while len(chunk):
                for piece in _rows_xml(chunk, kinds, letters, start + 2):
                    sheet.write(piece)
                if data := sink.take():
                    yield data
                start, rows = start + len(chunk), min(2 * rows, most)
                chunk = prepare(frame.iloc[start:start + rows]) if start < len(frame) else frame.iloc[:0]
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()


def parquet_chunks(frame: pd.DataFrame, rows: int = PARQUET_ROWS) -> Iterator[bytes]:
    """The frame as a Parquet file (as DataFrame.to_parquet writes it, without the index), in chunks of bytes:
    its first four at once, then one row group of `rows` rows at a time, then the footer."""
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    sink = Sink()
    with pq.ParquetWriter(sink, schema) as writer:
        yield sink.take()                                  # the file's magic number: the download has begun
        for start in range(0, len(frame), rows):
            writer.write_table(pa.Table.from_pandas(frame.iloc[start:start + rows], schema=schema,
                                                    preserve_index=False))
            if data := sink.take():
                yield data
    yield sink.take()


# ------------------------------------------------------------------------------------------ the sheet's XML
def _kind(column: pd.Series) -> str:
    """How a column's cells are written: number, bool, date, datetime (dates with a time of day) or text."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = column.dropna()
        return "date" if (stamps == stamps.dt.normalize()).all() else "datetime"
    if dtype == object:                                       # Python values: what they all are, if one thing
        return {"boolean": "bool", "integer": "number", "floating": "number", "mixed-integer-float": "number",
                "decimal": "number", "date": "date", "datetime": "datetime",
                }.get(pd.api.types.infer_dtype(column, skipna=True), "text")
    return "text"


def _letter(i: int) -> str:
    """The column letters of the 0-based column `i` (A, ..., Z, AA, ...)."""
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def _escaped(text) -> tuple[pa.Array | pa.ChunkedArray, pa.Array | str]:
    """Arrow strings as XML element text (& < > and quotes escaped, characters XML 1.0 forbids dropped, a carriage
    return as a reference, Excel's own _xHHHH_ escape escaped) and the <t> tag each needs: xml:space="preserve"
    where leading or trailing white space would otherwise be dropped. Untouched when nothing needs it."""
    if not pc.any(pc.match_substring_regex(text, SPECIAL)).as_py():
        return text, "<t>"
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"),
                     ("\r", "&#13;")):
        text = pc.replace_substring(text, old, new)
    text = pc.replace_substring_regex(pc.replace_substring_regex(text, FORBIDDEN, ""),
                                      r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1")
    spaced = pc.match_substring_regex(text, r"^(?:[ \t\n]|&#13;)|(?:[ \t\n]|&#13;)$")
    return text, pc.if_else(spaced, '<t xml:space="preserve">', "<t>")


def _text(column: pd.Series, cast: bool = True) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow strings (missing values null), as `string` (the kernels that join the cells take one
    width of offsets) unless not `cast`."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    try:
        values = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = None
    if values is None or not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pa.array(column.map(str, na_action="ignore").astype(object), type=pa.string(), from_pandas=True)
    return values.cast(pa.string()) if cast and values.type != pa.string() else values


def _text_cells(letter: str, rows, column: pd.Series, style: str = ""):
    text, tag = _escaped(_text(column))
    return pc.binary_join_element_wise(f'<c r="{letter}', rows, f'"{style} t="inlineStr"><is>', tag, text,
                                       "</t></is></c>", "")


def _cells(letter: str, kind: str, rows, column: pd.Series):
    """The column's cells as XML (null where a value is missing: no cell)."""
    if kind == "text":
        return _text_cells(letter, rows, column)
    if kind in ("number", "bool"):
        try:
            values = pa.array(column, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):      # beyond int64, complex
            return _text_cells(letter, rows, column)
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, values.type))   # inf: no cell
        if kind == "bool":
            values = pc.cast(values, pa.int8())
        return pc.binary_join_element_wise(f'<c r="{letter}', rows, '" t="b"><v>' if kind == "bool" else '"><v>',
                                           pc.cast(values, pa.string()), "</v></c>", "")
    stamps = pd.to_datetime(column)
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)                                  # the time as shown where it was
    serial = (stamps.to_numpy("datetime64[us]") - EPOCH) / np.timedelta64(1, "D")
    if kind == "date":
        serial = np.floor(serial)
    values = pa.array(serial, from_pandas=True)                                # NaT: null
    numbers = pc.cast(pc.cast(values, pa.int64()) if kind == "date" else values, pa.string())
    cells = pc.binary_join_element_wise(f'<c r="{letter}', rows, f'" s="{STYLE[kind]}"><v>', numbers,
                                        "</v></c>", "")
    outside = (serial < EXCEL_DAYS[0]) | (serial >= EXCEL_DAYS[1])            # NaN: False
    if outside.any():                          # dates Excel cannot show as dates: ISO text instead
        iso = stamps.dt.strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S").where(outside)
        cells = pc.if_else(pa.array(outside), _text_cells(letter, rows, iso), cells)
    return cells


def _rows_xml(chunk: pd.DataFrame, kinds: list[str], letters: list[str], first: int) -> list[pa.Buffer]:
    """The chunk's <row> elements, the first numbered `first`, as buffers of UTF-8 to write in turn."""
    rows = pc.cast(pa.array(np.arange(first, first + len(chunk), dtype=np.int64)), pa.string())
    cells = [_cells(letter, kind, rows, chunk[name])
             for name, kind, letter in zip(chunk.columns, kinds, letters)]
    xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "",
                                      null_handling="replace", null_replacement="")
    return [_joined(piece) for piece in (xml.chunks if isinstance(xml, pa.ChunkedArray) else [xml])]


def _joined(strings: pa.Array) -> pa.Buffer:
    """All the strings of an Arrow string array, end to end: the slice of its data buffer they occupy."""
    if len(strings) == 0:
        return pa.py_buffer(b"")
    _, offsets, data = strings.buffers()
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[[strings.offset, strings.offset + len(strings)]]
    return data.slice(int(bounds[0]), int(bounds[1] - bounds[0]))


def _sheet_start(frame: pd.DataFrame, sample: pd.DataFrame, kinds: list[str], letters: list[str]) -> str:
    """The sheet's XML up to its first data row: the used range, a frozen header row, column widths (from the
    header and a sample of the rows) and the header row."""
    end = f"{letters[-1]}{len(frame) + 1}" if letters else "A1"
    widths = []
    for i, (name, kind) in enumerate(zip(frame.columns, kinds)):
        width = {"date": 10, "datetime": 16, "number": 10}.get(kind, 6)
        if kind == "text" and len(sample):
            text = _text(sample[name])
            chars, size = pc.utf8_length(text), pc.binary_length(text)
            wide = pc.max(pc.add(chars, pc.divide(pc.subtract(size, chars), 2))).as_py()      # CJK: 2 wide
            width = min(int(wide or 0), 60)
        widths.append(f'<col min="{i + 1}" max="{i + 1}" width="{max(width, len(str(name))) + 2}" customWidth="1"/>')
    names = pd.Series([str(c) for c in frame.columns], dtype=object)
    header = _text_cells("", pa.array([f"{letter}1" for letter in letters], type=pa.string()), names,
                         f' s="{STYLE["header"]}"')
    return (HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><dimension ref="A1:{end}"/>'
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{''.join(widths)}</cols>" if widths else "")
            + '<sheetData><row r="1">' + "".join(header.to_pylist()) + "</row>")


def _over_2gb(frame: pd.DataFrame, kinds: list[str]) -> bool:
    """Whether the sheet's XML could pass 2 GiB, where zipfile needs ZIP64 (which Excel reads badly when
    streamed, so it is only asked for then). An upper bound: each row and each cell with a value at its longest
    markup, each text byte escaped at its longest (6 bytes) or, when that bound is too high, as long as its escape
    really is."""
    def bound(exact: bool) -> int:
        total = (1 << 20) + len(frame) * 32 + int(frame.count().sum()) * 80     # the header, <row>s, cells' markup
        for name, kind in zip(frame.columns, kinds):
            if kind == "text":
                text = _text(frame[name], cast=False)
                total += int(pc.sum(pc.binary_length(text)).as_py() or 0) * (1 if exact else 6)
                if exact:
                    total += 6 * int(pc.sum(pc.count_substring_regex(text, SPECIAL)).as_py() or 0)
        return total
    return bound(exact=False) > zipfile.ZIP64_LIMIT and bound(exact=True) > zipfile.ZIP64_LIMIT
