"""Read demo feed files back (straight from disk, no database), with their line numbers and ground truth."""
from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from ingest.channels import Feed, feed_named

_PARTS = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$"


def encoding_of(path: Path) -> str:
    head = path.read_bytes()
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gbk"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_of(path: Path, feed: Feed) -> list[str]:
    if feed.format == "csv":
        return path.read_text(encoding=encoding_of(path)).splitlines()[0].split(feed.delimiter)
    if feed.format == "xlsx":
        book = load_workbook(path, read_only=True)
        return [str(c) for c in next(book.worksheets[0].iter_rows(values_only=True))]
    return list(json.loads(path.read_text(encoding="utf-8").splitlines()[0]))


def read(path: Path, feed: Feed) -> pd.DataFrame:
    """All rows as text, canonical column names, plus `file` and `line` (ingest's numbering)."""
    names = {c.source: c.name for c in feed.columns}
    if feed.format == "csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding_of(path),
                         sep=feed.delimiter, quotechar=feed.quote)
        df["line"] = np.arange(2, len(df) + 2)
    elif feed.format == "xlsx":
        rows = list(load_workbook(path, read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True))
        width = len(rows[0])
        df = pd.DataFrame([[_cell(v) for v in r] + [""] * (width - len(r)) for r in rows[1:]],
                          columns=[str(h) for h in rows[0]])
        df["line"] = np.arange(2, len(df) + 2)
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        df = pd.DataFrame([{k: "" if v is None else str(v) for k, v in r.items()} for r in records])
        df["line"] = np.arange(1, len(df) + 1)
    df = df.rename(columns=names)
    df["file"] = path.name
    return df


def accepted(feeds: Path, files, feed_name: str, truth: pd.DataFrame) -> pd.DataFrame:
    """The rows of a feed that ingest should accept, with the true person key, in ingest order."""
    feed = feed_named(feed_name)
    parts = [read(f.path, feed).assign(order=i) for i, f in enumerate(files) if f.feed == feed_name]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.merge(truth, on=["file", "line"], how="left", validate="one_to_one")
    return rows[rows["expect"] == "accept"].reset_index(drop=True)


def times(text: pd.Series) -> pd.Series:
    """Dates and date-times in any of the channels' styles (Excel serials included) as timestamps."""
    s = text.fillna("").astype(str).str.strip()
    serial = s.str.fullmatch(r"[1-9][0-9]{4}(\.[0-9]+)?")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    days = pd.to_numeric(s[serial]).astype(float)
    out[serial] = (np.datetime64("1899-12-30T00:00:00") + np.round(days.to_numpy() * 86400).astype(
        "timedelta64[s]"))
    t = s[~serial].str.replace(r"[/.]", "-", regex=True).str.replace("T", " ").str.replace("年", "-")
    t = t.str.replace("月", "-").str.replace("日", "")
    t = t.where(~t.str.fullmatch(r"\d{8}"), t.str.slice(0, 4) + "-" + t.str.slice(4, 6) + "-" + t.str.slice(6, 8))
    parts = t.str.extract(_PARTS).fillna("0").astype(int)
    parts.columns = ["year", "month", "day", "hour", "minute", "second"]
    ok = parts["year"] > 0
    out[~serial & ok.reindex(s.index, fill_value=False)] = pd.to_datetime(parts[ok], errors="coerce")
    return out
