"""Feed files as the channels send them: each feed's headers, format and encoding (see ingest.channels),
with the usual mess of real exports — several date styles, GBK or UTF-8 (with or without BOM), Excel date
cells or serial numbers, "+86 138-..." phones, a space inside a name, a lower-case x in an ID.

`render` turns a week's canonical rows into the values a file holds; `write_*` put them on disk.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ingest.channels import Feed

DOC_NAMES = {"resident_id": ("身份证", "居民身份证"), "passport": ("护照", "普通护照"),
             "hk_macau_permit": ("往来港澳通行证", "港澳通行证"), "home_return_permit": ("回乡证", "港澳居民来往内地通行证")}
DATE_STYLES = ("iso", "slash", "compact")
DATETIME_STYLES = ("iso", "slash", "T")
ODD_DATES = ("cn", "dot")                 # the odd row someone typed by hand
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00")
FIXED_ZIP_TIME = (2020, 5, 1, 0, 0, 0)
TIME_KINDS = ("date", "datetime")


@dataclass(frozen=True)
class Style:
    """How one file is written."""
    encoding: str = "utf-8"     # utf-8 | utf-8-sig | gbk
    dates: str = "iso"
    datetimes: str = "iso"
    excel_serial: bool = False
    newline: str = "\n"


def choose_style(feed: Feed, rng: np.random.Generator) -> Style:
    if feed.encoding == "gbk":
        encoding = rng.choice(["gbk", "utf-8-sig", "utf-8"], p=[0.7, 0.15, 0.15])
    else:
        encoding = rng.choice(["utf-8", "utf-8-sig"], p=[0.8, 0.2]) if feed.format == "csv" else "utf-8"
    return Style(encoding=str(encoding), dates=str(rng.choice(DATE_STYLES, p=[0.6, 0.25, 0.15])),
                 datetimes=str(rng.choice(DATETIME_STYLES, p=[0.6, 0.25, 0.15])),
                 excel_serial=bool(rng.random() < 0.5), newline="\r\n" if encoding == "gbk" else "\n")


def _parts(values) -> tuple[np.ndarray, ...]:
    values = np.asarray(values, "datetime64[s]")
    ts = pd.DatetimeIndex(np.where(np.isnat(values), np.datetime64("2000-01-01T00:00:00"), values))
    return tuple(np.asarray(x, np.int64) for x in (ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second))


def _cat(*parts) -> np.ndarray:
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out.astype(object)


def format_times(values, style: str, with_time: bool) -> np.ndarray:
    """Date or date-time strings in one of the styles channels use ('' for missing)."""
    values = np.asarray(values, "datetime64[s]")
    if not len(values):
        return np.empty(0, dtype=object)
    y, m, d, hh, mm, ss = _parts(values)
    z2 = lambda x: np.char.zfill(x.astype(str), 2)  # noqa: E731
    date = {"iso": _cat(y, "-", z2(m), "-", z2(d)), "slash": _cat(y, "/", m, "/", d),
            "compact": _cat(y, z2(m), z2(d)), "T": _cat(y, "-", z2(m), "-", z2(d)),
            "cn": _cat(y, "年", m, "月", d, "日"), "dot": _cat(y, ".", m, ".", d)}[style]
    if with_time:
        clock = _cat(z2(hh), ":", z2(mm)) if style in ("slash", "cn", "dot") else _cat(z2(hh), ":", z2(mm), ":", z2(ss))
        if style == "cn":
            clock = _cat(hh, ":", z2(mm))
        date = _cat(date, "T" if style == "T" else " ", clock)
    return np.where(np.isnat(values), "", date).astype(object)


def excel_values(values, serial: bool) -> list:
    """Excel cells: real date-time cells, or serial day numbers (None for missing)."""
    values = np.asarray(values, "datetime64[s]")
    if serial:
        days = (values - EXCEL_EPOCH).astype(np.int64) / 86400.0
        return [None if np.isnat(v) else (int(x) if x.is_integer() else round(float(x), 8))
                for v, x in zip(values, days)]
    return [None if np.isnat(v) else v.astype(dt.datetime) for v in values]


def messy_phone(phone: str, rng: np.random.Generator) -> str:
    a, b, c = phone[:3], phone[3:7], phone[7:]
    forms = (f"+86 {a}-{b}-{c}", f"{a} {b} {c}", f"0086 {phone}", f"86-{phone}", f"(+86){phone}", f"{a}-{b}-{c}")
    return forms[rng.integers(len(forms))]


def _text(values) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    return s.where(s.notna() & (s.astype(str) != "nan"), None).to_numpy(dtype=object)


def render(feed: Feed, frame: pd.DataFrame, style: Style, rng: np.random.Generator) -> pd.DataFrame:
    """The week's canonical rows as the file's values, one column per feed column (by source header).

    CSV gets strings; XLSX gets date cells or serials for times; JSON lines keep numbers as numbers."""
    out = {}
    n = len(frame)
    for col in feed.columns:
        values = frame[col.name].to_numpy() if col.name in frame else np.full(n, None, dtype=object)
        if col.kind in TIME_KINDS:
            with_time = col.kind == "datetime"
            if feed.format == "xlsx":
                out[col.source] = excel_values(values, style.excel_serial)
                continue
            style_name = style.datetimes if with_time else style.dates
            text = format_times(values, style_name, with_time)
            odd = np.flatnonzero(rng.random(n) < 0.03)
            if len(odd):
                text[odd] = format_times(np.asarray(values, "datetime64[s]")[odd], ODD_DATES[rng.integers(2)],
                                         with_time)
            out[col.source] = np.where(text == "", None, text)
        elif col.kind in ("lon", "lat"):
            v = np.asarray(values, float)
            out[col.source] = [None if np.isnan(x) else (round(float(x), 6) if feed.format == "jsonl" else f"{x:.6f}")
                               for x in v]
        elif col.kind == "temperature":
            v = np.asarray(values, float)
            out[col.source] = [None if np.isnan(x) else (float(x) if feed.format == "jsonl" else f"{x:.1f}")
                               for x in v]
        elif col.kind == "count":
            out[col.source] = [str(int(x)) for x in values]
        elif col.kind == "doc_type":
            names = np.array([DOC_NAMES[v][0] if v in DOC_NAMES else v for v in values], dtype=object)
            if feed.name != "abroad":
                alt = np.array([DOC_NAMES[v][1] if v in DOC_NAMES else v for v in values], dtype=object)
                names = np.where(rng.random(n) < 0.25, alt, names)
            out[col.source] = names
        else:
            out[col.source] = _text(values)
    _mess(feed, out, n, rng)
    return pd.DataFrame(out, index=frame.index, dtype=object)


def _mess(feed: Feed, out: dict, n: int, rng: np.random.Generator) -> None:
    """Valid but untidy values: phones, a space in a name, lower-case x and spaces in ID numbers."""
    for col in feed.columns:
        if col.kind not in ("phone", "name", "resident_id", "doc_number", "any_doc"):
            continue
        values = np.array(out[col.source], dtype=object)
        present = np.array([isinstance(v, str) and v != "" for v in values], bool)
        if col.kind == "phone":
            for i in np.flatnonzero(present & (rng.random(n) < 0.08)):
                if len(values[i]) == 11 and values[i].startswith("1"):
                    values[i] = messy_phone(values[i], rng)
        elif col.kind == "name":
            for i in np.flatnonzero(present & (rng.random(n) < 0.02)):
                if "\u4e00" <= values[i][0] <= "\u9fff":
                    values[i] = values[i][0] + " " + values[i][1:]
        elif col.kind in ("resident_id", "doc_number", "any_doc"):
            for i in np.flatnonzero(present & (rng.random(n) < 0.5)):
                if values[i].endswith("X"):
                    values[i] = values[i][:-1] + "x"
            for i in np.flatnonzero(present & (rng.random(n) < 0.005)):
                if len(values[i]) == 18:
                    values[i] = f"{values[i][:6]} {values[i][6:14]} {values[i][14:]}"
        out[col.source] = values


def write_csv(path: Path, feed: Feed, df: pd.DataFrame, style: Style) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=feed.delimiter, quotechar=feed.quote, lineterminator=style.newline)
    w.writerow([c.source for c in feed.columns])
    w.writerows(df[[c.source for c in feed.columns]].itertuples(index=False, name=None))
    path.write_bytes(buf.getvalue().encode(style.encoding))


def write_big_csv(path: Path, feed: Feed, table: pa.Table, style: Style) -> None:
    """A large CSV of plain values (no commas or quotes in them) written by Arrow."""
    with path.open("wb") as fh:
        header = feed.delimiter.join(c.source for c in feed.columns) + "\n"
        fh.write(header.encode(style.encoding))
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False, quoting_style="none",
                                                       delimiter=feed.delimiter))


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'),
    "_rels/.rels": (f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Target="xl/workbook.xml" '
                    f'Type="{_REL}/officeDocument"/></Relationships>'),
    "xl/workbook.xml": (f'<workbook {_NS} xmlns:r="{_REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
                        '</sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
        '</Relationships>'),
    "xl/styles.xml": (
        f'<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill>'
        '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" '
        'fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def _xml_cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):         # a real date cell: the serial number with a date format
        return f'<c r="{ref}" s="1"><v>{(value - dt.datetime(1899, 12, 30)).total_seconds() / 86400!r}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{float(value) if isinstance(value, float) else int(value)!r}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_xlsx(path: Path, feed: Feed, df: pd.DataFrame) -> None:
    """A one-sheet XLSX workbook streamed as XML (openpyxl reads it; writing through openpyxl runs at ~17k
    cells/s, too slow for millions of temperature rows). Fixed zip times: same data, same bytes."""
    columns = [c.source for c in feed.columns]
    letters = [chr(ord("A") + i) for i in range(len(columns))]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in XLSX_PARTS.items():
            book.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), '<?xml version="1.0" encoding="UTF-8"?>' + xml,
                          compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with book.open(info, "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
            rows = [columns, *df[columns].itertuples(index=False, name=None)]
            for start in range(0, len(rows), 20_000):
                chunk = [f'<row r="{r}">' + "".join(_xml_cell(f"{col}{r}", v) for col, v in zip(letters, row))
                         + "</row>" for r, row in enumerate(rows[start:start + 20_000], start=start + 1)]
                sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")


def write_jsonl(path: Path, feed: Feed, df: pd.DataFrame) -> None:
    keys = [c.source for c in feed.columns]
    lines = [json.dumps(dict(zip(keys, row)), ensure_ascii=False)
             for row in df[keys].itertuples(index=False, name=None)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
