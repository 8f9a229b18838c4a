"""The export's Excel and Parquet writers (pages/streamed_files.py): files written chunk by chunk that read back
as the frame they were written from — Excel as pandas reads it, through openpyxl and (when installed) calamine,
two independent parsers — with text cells neutralised as in the CSV, and no workbook at all when the rows do
not fit a sheet. (No LibreOffice or Excel here: these readers are the check.)"""
import importlib.util
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pages import streamed_files
from pages.export import neutralised
from pages.people import EXPORT_COLUMNS
from pages.streamed_files import MAX_ROWS, fits_a_sheet, parquet_chunks, xlsx_chunks

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
READERS = ["openpyxl"] + (["calamine"] if importlib.util.find_spec("python_calamine") else [])   # two parsers
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HOSTILE = ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", 'say "hi", ok', "line\nbreak", "a & b < c > d 'q'",
           "ctl\x01\x07x\x0b\x0c\x1fend", " lead", "trail ", "廖楠*", "梧州市万秀区 <东兴社区> & 'x'", None,
           "=HYPERLINK(\"http://x\")", "\ufffebad"]


def hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({
        "name": pd.Series(HOSTILE, dtype="str"),
        "person_id": np.arange(1, n + 1, dtype="int64"),
        "last_temperature": np.r_[np.linspace(-1.5, 1e12, n - 2), np.nan, 36.6],
        "days_in_quarantine": pd.array([3, None] * (n // 2) + [14], dtype="Int64"),
        "exit_date": pd.to_datetime(["2020-03-29", None] * (n // 2) + ["2015-01-06"]).astype("datetime64[us]"),
        "last_checked_at": pd.to_datetime(["2020-03-29 14:35:12", "2020-01-20 07:00:00"] * (n // 2) + [None])
        .astype("datetime64[us]"),
        "verified": [True, False] * (n // 2) + [True],
        "district_code": pd.Series(["450403", None] * (n // 2) + ["-450481"], dtype="str"),
    })


def people_like(n: int, seed: int = 7) -> pd.DataFrame:
    """A frame with the export's columns and dtypes (as loop_people returns them), values drawn at random."""
    rng = np.random.default_rng(seed)
    words = np.array(["岑溪市", "万秀区", "长洲区", "龙圩区", "=cmd|' /C calc'!A0", "a&b<c>", "abroad",
                      "in_quarantine, released", "+86 138", "@x", "-", "plain", "x\x02y"], dtype=object)

    def text(p_missing=0.1):
        values = words[rng.integers(0, len(words), n)].astype(object)
        values[rng.random(n) < p_missing] = None
        return pd.Series(values, dtype="str")

    def when(p_missing, with_time):
        base = np.datetime64("2020-01-20T00:00:00", "us")
        step = rng.integers(0, 100 * 86400, n) * 1_000_000 if with_time else rng.integers(0, 100, n) * 86400_000_000
        values = (base + step.astype("timedelta64[us]")).astype("datetime64[us]")
        values[rng.random(n) < p_missing] = np.datetime64("NaT")
        return values

    columns = {}
    for name in EXPORT_COLUMNS:
        if name == "person_id":
            columns[name] = np.arange(1, n + 1, dtype="int64")
        elif name in ("exit_date", "entry_date", "quarantine_start", "released_on"):
            columns[name] = when(0.3, with_time=False)
        elif name == "last_checked_at":
            columns[name] = when(0.5, with_time=True)
        elif name == "days_in_quarantine":
            columns[name] = pd.array(np.where(rng.random(n) < 0.5, None, rng.integers(0, 20, n)), dtype="Int64")
        elif name == "last_temperature":
            columns[name] = np.where(rng.random(n) < 0.5, np.nan, np.round(rng.normal(36.6, 0.4, n), 1))
        else:
            columns[name] = text()
    return pd.DataFrame(columns)


def workbook(frame: pd.DataFrame, **kwargs) -> bytes:
    return b"".join(xlsx_chunks(frame, prepare=neutralised, **kwargs))


def assert_reads_back(body: bytes, frame: pd.DataFrame, engine: str = "openpyxl") -> None:
    """pandas reads the workbook (openpyxl) as the frame: numbers as numbers, dates and times as datetimes (to
    the millisecond, as openpyxl reads them), missing values as missing, text neutralised as in the CSV,
    characters XML cannot hold dropped."""
    back = pd.read_excel(io.BytesIO(body), engine=engine, sheet_name="people", dtype=object)
    assert list(back.columns) == list(frame.columns) and len(back) == len(frame)
    expected = neutralised(frame)
    for name in frame.columns:
        got, want = back[name], expected[name]
        if pd.api.types.is_datetime64_any_dtype(want):                  # openpyxl reads to the millisecond
            pd.testing.assert_series_equal(pd.to_datetime(got).astype("datetime64[us]"), want.dt.round("ms"),
                                           check_names=False)
        elif pd.api.types.is_bool_dtype(want):
            assert got.tolist() == want.tolist(), name
        elif pd.api.types.is_numeric_dtype(want):
            pd.testing.assert_series_equal(got.astype("float64"), want.astype("float64"), check_names=False)
        else:
            cleaned = want.str.replace(FORBIDDEN, "", regex=True)
            assert got.isna().tolist() == cleaned.isna().tolist(), name
            assert got.dropna().tolist() == cleaned.dropna().tolist(), name


def sheet_xml(body: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("engine", READERS)
def test_a_small_hostile_frame_reads_back_as_written(engine):
    frame = hostile_frame()
    body = workbook(frame, rows=2, most=4)
    assert_reads_back(body, frame, engine)
    back = pd.read_excel(io.BytesIO(body), engine=engine, dtype=object)
    assert back["name"].tolist()[:6] == ["'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert back["name"][9] == "ctlxend" and back["name"][10] == " lead" and back["name"][11] == "trail "
    assert back["district_code"].tolist()[:2] == ["450403", np.nan] and back["district_code"].iloc[-1] == "'-450481"
    assert isinstance(back["person_id"][0], int) and back["verified"][0] is True


@pytest.mark.parametrize("engine", READERS)
def test_a_medium_frame_of_the_export_columns_reads_back_as_written(engine):
    frame = people_like(5000)
    body = workbook(frame, rows=100, most=1600)
    assert_reads_back(body, frame, engine)
    assert len(zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")) > 4 * len(body)   # deflated


def test_the_package_is_a_workbook_with_one_sheet_a_header_and_date_formats():
    frame = hostile_frame()
    package = zipfile.ZipFile(io.BytesIO(workbook(frame)))
    assert package.testzip() is None
    assert [i.filename for i in package.infolist()] == [
        "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
        "xl/worksheets/sheet1.xml"]
    for info in package.infolist():
        ET.fromstring(package.read(info))                           # each part is well-formed XML
    book = ET.fromstring(package.read("xl/workbook.xml"))
    assert [s.get("name") for s in book.iter(f"{{{NS['m']}}}sheet")] == ["people"]
    styles = package.read("xl/styles.xml").decode()
    assert 'formatCode="yyyy-mm-dd"' in styles and 'formatCode="yyyy-mm-dd hh:mm"' in styles
    sheet = ET.fromstring(package.read("xl/worksheets/sheet1.xml"))
    assert sheet.find("m:dimension", NS).get("ref") == f"A1:H{len(frame) + 1}"
    rows = sheet.findall("m:sheetData/m:row", NS)
    assert [r.get("r") for r in rows] == [str(i) for i in range(1, len(frame) + 2)]
    assert [c.get("r") for c in rows[0]] == [f"{c}1" for c in "ABCDEFGH"]
    second = {c.get("r"): c for c in rows[2]}                   # a row with missing values: no cells for them
    assert "D3" not in second and "E3" not in second and "H3" not in second
    assert second["B3"].get("t") is None and second["B3"].find("m:v", NS).text == "2"           # a number
    assert second["F3"].get("s") == "2" and float(second["F3"].find("m:v", NS).text) == pytest.approx(
        43850 + 7 / 24)                                         # 2020-01-20 07:00 as a serial, date-time style
    assert rows[1].find("m:c[@r='E2']", NS).get("s") == "1"                         # a date: date style
    assert rows[1].find("m:c[@r='E2']/m:v", NS).text == "43919"                    # 2020-03-29, a whole day
    assert second["A3"].get("t") == "inlineStr" and second["G3"].get("t") == "b"


def test_text_is_escaped_and_stripped_of_what_xml_forbids():
    frame = pd.DataFrame({"name": pd.Series(["a & b < c > \"d\" 'e'", "bad\x00\x1b\ufffe", "_x0041_", " x"],
                                            dtype="str")})
    xml = sheet_xml(workbook(frame))
    assert "<t>a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;</t>" in xml
    assert "<t>bad</t>" in xml and "\x00" not in xml and "\x1b" not in xml
    assert "<t>_x005F_x0041_</t>" in xml                        # Excel shows _x0041_ as is, not as "A"
    assert '<t xml:space="preserve"> x</t>' in xml               # leading space kept
    if "calamine" in READERS:                                     # a reader that unescapes as Excel does
        back = pd.read_excel(io.BytesIO(workbook(frame)), engine="calamine", dtype=object)["name"].tolist()
        assert back == ["a & b < c > \"d\" 'e'", "bad", "_x0041_", " x"]


def test_dates_excel_cannot_hold_as_dates_are_iso_text():
    frame = pd.DataFrame({"day": pd.to_datetime(["1899-01-01", None, "1900-03-01"]).astype("datetime64[us]")})
    back = pd.read_excel(io.BytesIO(workbook(frame)), engine="openpyxl", dtype=object)["day"].tolist()
    assert back[0] == "1899-01-01" and pd.isna(back[1]) and pd.Timestamp(back[2]) == pd.Timestamp("1900-03-01")


def test_chunks_leave_as_rows_are_written_and_the_first_before_any_row():
    frame = people_like(3000)
    chunks = list(xlsx_chunks(frame, prepare=neutralised, rows=100, most=400))
    assert len(chunks) >= 3000 // 400 and chunks[0].startswith(b"PK")
    assert b"sheet1.xml" not in chunks[0] and zipfile.ZipFile(io.BytesIO(b"".join(chunks))).testzip() is None
    assert max(len(c) for c in chunks[1:-1]) < len(b"".join(chunks)) / 3


def test_an_empty_frame_is_a_header_row():
    frame = people_like(0)
    back = pd.read_excel(io.BytesIO(workbook(frame)), engine="openpyxl")
    assert list(back.columns) == list(EXPORT_COLUMNS) and back.empty


def test_rows_beyond_a_sheet_are_refused_before_anything_is_written(monkeypatch):
    assert fits_a_sheet(pd.DataFrame({"a": range(3)}))
    monkeypatch.setattr(streamed_files, "MAX_ROWS", 3)
    assert fits_a_sheet(pd.DataFrame({"a": range(2)})) and not fits_a_sheet(pd.DataFrame({"a": range(3)}))
    with pytest.raises(ValueError):
        xlsx_chunks(pd.DataFrame({"a": range(3)}))            # raised by the call: not a generator cut short
    assert MAX_ROWS == 1_048_576


def test_zip64_only_for_a_sheet_that_could_pass_the_zip_limit(monkeypatch):
    """Excel reads a streamed ZIP64 entry badly, so it is only asked for where zipfile would otherwise fail."""
    frame = people_like(2000)
    version = lambda body: zipfile.ZipFile(io.BytesIO(body)).getinfo("xl/worksheets/sheet1.xml").extract_version
    assert version(workbook(frame)) == 20
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 50_000)         # as if this sheet were over 2 GiB
    body = workbook(frame)
    assert version(body) == 45
    assert_reads_back(body, frame)


def test_parquet_streams_row_groups_and_reads_back_equal():
    frame = people_like(5000)
    chunks = list(parquet_chunks(frame, rows=1000))
    assert chunks[0] == b"PAR1" and len(chunks) == 1 + 5 + 1
    body = b"".join(chunks)
    assert pq.ParquetFile(io.BytesIO(body)).metadata.num_row_groups == 5
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(body)), frame)
    empty = b"".join(parquet_chunks(frame.head(0)))
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(empty)), frame.head(0))
