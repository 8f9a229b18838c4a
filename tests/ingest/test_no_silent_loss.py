"""No silent loss: the demo's real feed files, corrupted the way people and systems do, are either read
record by record (each physical record read once, accepted or rejected with its line and reason) or refused
whole with a clear message and nothing stored."""
from __future__ import annotations

import csv
import io
import json

import pytest

import app
from ingest.channels import FEEDS, feed_named
from ingest.readers import FeedError, parse_file
from ingest.run import files_for_channel, ingest_files

CSV_FEEDS = [f.name for f in FEEDS if f.format == "csv"]


def biggest(demo_feeds, feed_name: str) -> str:
    """The name of the feed's largest demo file."""
    return max(demo_feeds.glob(feed_named(feed_name).pattern), key=lambda p: p.stat().st_size).name


def data_lines(path, encoding) -> int:
    """Records by plain line count (the demo's CSV values hold no line breaks): an oracle beside the parser."""
    return len([line for line in path.read_bytes().decode(encoding).splitlines()[1:] if line.strip()])


def edit_lines(path, encoding, edit) -> None:
    """Rewrite the file's lines (a hand edit): edit(list_of_lines_without_endings) changes it in place."""
    text = path.read_bytes().decode(encoding)
    ending = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(ending)
    edit(lines)
    path.write_bytes(ending.join(lines).encode(encoding))


def enc(path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def count(store, sql):
    return store.reader().execute(sql).fetchone()[0]


# ------------------------------------------------------------------------------------------ two readers
@pytest.mark.parametrize("name", CSV_FEEDS)
def test_plain_files_read_by_split_give_what_the_csv_module_gives(demo_feeds, monkeypatch, name):
    """A file with no quote anywhere and every line as wide as the header is read by Arrow's CSV reader (many
    times faster); the csv module's reading of the same file is the oracle."""
    feed = feed_named(name)
    plain = [parse_file(feed, path) for path in sorted(demo_feeds.glob(feed.pattern))]
    monkeypatch.setattr("ingest.readers._parse_plain_csv", lambda *args: None)
    by_csv = [parse_file(feed, path) for path in sorted(demo_feeds.glob(feed.pattern))]
    assert plain and any(p.columns is not None for p in plain)
    for fast, oracle in zip(plain, by_csv):
        assert (fast.header, fast.mapping, fast.lines, fast.rejects) == (
            oracle.header, oracle.mapping, oracle.lines, oracle.rejects)
        assert fast.values == oracle.values and fast.rows_read == oracle.rows_read
        assert (fast.raws is None) == (oracle.raws is None)


VEHICLES = "卡点编号,检查时间,车牌号,车辆类型,乘员数"
HAND_MADE = {   # plain files as people leave them; each must read as the csv module reads it
    "blank lines between and after": f"{VEHICLES}\nK1,2020-03-01 08:00,桂D1,小型汽车,2\n\n\nK1,2020-03-01 09:00,"
                                     "桂D2,货车,1\n\n",
    "no newline at the end": f"{VEHICLES}\nK1,2020-03-01 08:00,桂D1,小型汽车,2",
    "CRLF and empty cells": f"{VEHICLES}\r\nK1,2020-03-01 08:00,桂D1,,\r\n,,,,\r\n",
    "blank lines before the header": f"\n\n{VEHICLES}\nK1,2020-03-01 08:00,桂D1,小型汽车,2\n",
    "header only": f"{VEHICLES}\n",
    "spaces kept": f"{VEHICLES}\n K1 ,2020-03-01 08:00, 桂D1,小型汽车 ,2\n",
    "a line too wide": f"{VEHICLES}\nK1,2020-03-01 08:00,桂D1,小型汽车,2,9\nK1,2020-03-01 09:00,桂D2,货车,1\n",
    "a line too narrow": f"{VEHICLES}\nK1,2020-03-01 08:00,桂D1\nK1,2020-03-01 09:00,桂D2,货车,1\n",
    "a line of spaces": f"{VEHICLES}\nK1,2020-03-01 08:00,桂D1,小型汽车,2\n   \n",
    "the header repeated": f"{VEHICLES}\nK1,2020-03-01 08:00,桂D1,小型汽车,2\n{VEHICLES}\n",
    "a value too long": f"{VEHICLES}\nK1,2020-03-01 08:00,{'桂' * 4001},小型汽车,2\n",
}


@pytest.mark.parametrize("case", list(HAND_MADE))
def test_hand_made_plain_files_read_as_the_csv_module_reads_them(tmp_path, monkeypatch, case):
    path = tmp_path / "vehicle_checks_hand.csv"
    path.write_bytes(HAND_MADE[case].encode("utf-8"))
    feed = feed_named("vehicle_checks")

    def outcome():
        try:
            read = parse_file(feed, path)
        except FeedError as refused:
            return str(refused)
        return read.header, read.lines, read.rejects, read.values, read.rows_read, read.texts()

    fast = outcome()
    monkeypatch.setattr("ingest.readers._parse_plain_csv", lambda *args: None)
    assert fast == outcome()


# ------------------------------------------------------------------------------------------ quoting
@pytest.mark.parametrize("name", CSV_FEEDS)
def test_an_unterminated_quote_refuses_the_whole_file(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed, encoding = feed_named(name), enc(path)
    assert parse_file(feed, path).rows_read == data_lines(path, encoding)
    edit_lines(path, encoding, lambda lines: lines.__setitem__(3, '"' + lines[3]))
    with pytest.raises(FeedError, match="opened on line 4 is never closed"):
        parse_file(feed, path)


def test_a_stray_quote_that_closes_lines_later_refuses_the_file(feed_copy, demo_feeds):
    path = feed_copy(biggest(demo_feeds, "hotel"))
    feed, encoding = feed_named("hotel"), enc(path)

    def edit(lines):
        lines[3] = '"' + lines[3]
        lines[9] = lines[9] + '"'
    edit_lines(path, encoding, edit)
    with pytest.raises(FeedError, match="runs from line 4 to line 10"):
        parse_file(feed, path)


def test_vehicle_checks_with_an_unterminated_quote_store_nothing(city_store, feed_copy, demo_feeds):
    bad = feed_copy(biggest(demo_feeds, "vehicle_checks"))
    edit_lines(bad, enc(bad), lambda lines: lines.__setitem__(2, lines[2].replace(",", ',"', 1)))
    summaries, errors = ingest_files(city_store, files_for_channel("checkpoints", [bad]), show_progress=False)
    assert summaries == [] and len(errors) == 1 and "never closed" in errors[0]
    assert count(city_store, "SELECT count(*) FROM batches") == 0
    assert count(city_store, "SELECT count(*) FROM rejects") == 0


# ------------------------------------------------------------------------------------------ cut off
@pytest.mark.parametrize("name", CSV_FEEDS)
def test_a_truncated_last_line_is_one_record_rejected(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed = feed_named(name)
    whole = parse_file(feed, path)
    data = path.read_bytes().rstrip(b"\r\n")
    last_start = data.rindex(b"\n") + 1
    path.write_bytes(data[:data.index(feed.delimiter.encode(), last_start) + 2])
    cut = parse_file(feed, path)
    last = max(whole.lines + [r[0] for r in whole.rejects])
    assert cut.rows_read == whole.rows_read
    assert set(cut.lines) == set(whole.lines) - {last}
    assert [r[1] for r in cut.rejects if r[0] == last][0].endswith("(missing cells, cut off?)")


@pytest.mark.parametrize("name", ["hotel", "vehicle_checks", "abroad"])
def test_a_file_cut_inside_a_character_rejects_its_last_record(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed = feed_named(name)
    whole = parse_file(feed, path)
    data = path.read_bytes().rstrip(b"\r\n")
    last_non_ascii = max(i for i in range(data.rindex(b"\n"), len(data)) if data[i] >= 0x80)
    path.write_bytes(data[:last_non_ascii])             # the last character of the last line loses its last byte
    cut = parse_file(feed, path)
    assert cut.rows_read == whole.rows_read
    assert len(cut.lines) == len(whole.lines) - 1
    assert cut.rejects[-1][1].startswith("unreadable row")


# ------------------------------------------------------------------------------------------ bytes
@pytest.mark.parametrize("name", CSV_FEEDS)
def test_mixed_line_endings_read_like_the_original(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed = feed_named(name)
    whole = parse_file(feed, path)
    crlf = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    first_break = crlf.index(b"\r\n", crlf.index(b"\r\n") + 2)
    path.write_bytes(crlf[:first_break] + crlf[first_break + 1:])       # one line edited on Unix
    mixed = parse_file(feed, path)
    assert (mixed.lines, mixed.values, len(mixed.rejects)) == (whole.lines, whole.values, len(whole.rejects))


@pytest.mark.parametrize("name, encoding", [("hotel", "utf-8-sig"), ("hotel", "utf-8"),
                                            ("vehicle_checks", "gbk"), ("rail", "utf-8-sig")])
def test_re_encoded_files_read_the_same_values(feed_copy, demo_feeds, name, encoding):
    path = feed_copy(biggest(demo_feeds, name))
    feed = feed_named(name)
    whole = parse_file(feed, path)
    path.write_bytes(path.read_bytes().decode(whole.encoding).encode(encoding))
    again = parse_file(feed, path)
    assert (again.lines, again.values) == (whole.lines, whole.values)


def test_invalid_utf8_after_the_first_megabyte_refuses_the_file_naming_the_line(
        city_store, feed_copy, demo_feeds):
    path = feed_copy("abroad_initial.jsonl")
    data = bytearray(path.read_bytes())
    assert len(data) > 2 << 20
    where = data.index("中国".encode(), 2 << 20) if "中国".encode() in data[2 << 20:] else \
        next(i for i in range(2 << 20, len(data)) if data[i] >= 0xE0)
    data[where] = 0xFF
    path.write_bytes(bytes(data))
    line = data.count(b"\n", 0, where) + 1
    with pytest.raises(FeedError, match=f"invalid byte sequence.*first on line {line}"):
        parse_file(feed_named("abroad"), path)
    summaries, errors = ingest_files(city_store, [(feed_named("abroad"), path)], show_progress=False)
    assert summaries == [] and f"line {line}" in errors[0]
    assert count(city_store, "SELECT count(*) FROM batches") == 0


@pytest.mark.parametrize("name", CSV_FEEDS)
def test_nul_bytes_and_over_long_values_are_rejected_with_their_line(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed, encoding = feed_named(name), enc(path)
    whole = parse_file(feed, path)

    def edit(lines):
        cells = lines[2].split(feed.delimiter)
        cells[-1] = cells[-1][:1] + "\x00" + cells[-1][1:]
        lines[2] = feed.delimiter.join(cells)
        lines[4] = lines[4] + "x" * 5000
    edit_lines(path, encoding, edit)
    edited = parse_file(feed, path)
    reasons = dict((line, reason) for line, reason, _ in edited.rejects)
    assert reasons[3].startswith("unreadable row: NUL byte in ")
    assert reasons[5].startswith("unreadable row: ") and "longer than 4000 characters" in reasons[5]
    assert edited.rows_read == whole.rows_read
    assert "\x00" not in "".join(v or "" for column in edited.values.values() for v in column)


@pytest.mark.parametrize("name", ["hotel", "vehicle_checks"])
def test_record_and_unit_separators_are_rejected_with_their_line(feed_copy, demo_feeds, name):
    """U+001E / U+001F separate a stored record's values (ingest.records): a value holding one is no data."""
    path = feed_copy(biggest(demo_feeds, name))
    feed, encoding = feed_named(name), enc(path)
    whole = parse_file(feed, path)

    def edit(lines):
        for index, char in ((2, "\x1f"), (3, "\x1e")):
            cells = lines[index].split(feed.delimiter)
            cells[-1] = cells[-1][:1] + char + cells[-1][1:]
            lines[index] = feed.delimiter.join(cells)
    edit_lines(path, encoding, edit)
    edited = parse_file(feed, path)
    reasons = dict((line, reason) for line, reason, _ in edited.rejects)
    assert reasons[3].startswith("unreadable row: control character U+001F in ")
    assert reasons[4].startswith("unreadable row: control character U+001E in ")
    assert edited.rows_read == whole.rows_read and len(edited.rejects) == len(whole.rejects) + 2


# ------------------------------------------------------------------------------------------ shape
def test_two_files_concatenated_reject_the_repeated_header(feed_copy, demo_feeds, tmp_path):
    first, second = sorted(demo_feeds.glob("rail_2020w1*.csv"))[:2]
    feed = feed_named("rail")
    path = tmp_path / "rail_joined.csv"
    path.write_bytes(first.read_bytes() + second.read_bytes())
    joined = parse_file(feed, path)
    header_line = data_lines(first, enc(first)) + 2
    assert joined.rows_read == parse_file(feed, first).rows_read + parse_file(feed, second).rows_read + 1
    assert (header_line, "unreadable row: the header line repeated") in [r[:2] for r in joined.rejects]


@pytest.mark.parametrize("name", CSV_FEEDS)
def test_surplus_and_missing_cells_are_rejected(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed, encoding = feed_named(name), enc(path)

    def edit(lines):
        lines[1] = lines[1] + feed.delimiter + "surplus"
        lines[2] = lines[2].rsplit(feed.delimiter, 1)[0]
    edit_lines(path, encoding, edit)
    reasons = {line: reason for line, reason, _ in parse_file(feed, path).rejects}
    assert reasons[2].endswith("(surplus cells)") and reasons[3].endswith("(missing cells, cut off?)")


@pytest.mark.parametrize("name", CSV_FEEDS)
def test_reordered_columns_read_the_same_values(feed_copy, demo_feeds, name):
    path = feed_copy(biggest(demo_feeds, name))
    feed, encoding = feed_named(name), enc(path)
    whole = parse_file(feed, path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([list(reversed(r)) for r in rows])
    path.write_bytes(out.getvalue().encode(encoding))
    again = parse_file(feed, path)
    assert again.values == whole.values and len(again.rejects) == len(whole.rejects)


def test_a_renamed_header_refuses_the_file_naming_both_names(feed_copy, demo_feeds):
    path = feed_copy(biggest(demo_feeds, "hotel"))
    encoding = enc(path)
    edit_lines(path, encoding, lambda lines: lines.__setitem__(0, lines[0].replace("联系电话", "手机号码")))
    with pytest.raises(FeedError, match="declared column.*联系电话 absent.*not declared.*手机号码"):
        parse_file(feed_named("hotel"), path)
    edit_lines(path, encoding, lambda lines: lines.__setitem__(0, lines[0].replace("入住时间", "入住日期")))
    with pytest.raises(FeedError, match="missing column.*入住时间"):
        parse_file(feed_named("hotel"), path)


# ------------------------------------------------------------------------------------------ JSON lines, XLSX
@pytest.mark.parametrize("content, message", [
    (b"", "no records"), (b"\n  \n\r\n\t\n", "no records"),
    (None, "a JSON array, not JSON lines"), (b"not json\n{also not\n", "no line is a JSON object")])
def test_empty_blank_and_array_json_lines_are_refused(city_store, demo_feeds, tmp_path, content, message):
    path = tmp_path / "tracing_2020w12.jsonl"
    if content is None:
        records = [json.loads(line) for line in (demo_feeds / biggest(demo_feeds, "tracing")).read_text().splitlines()]
        content = json.dumps(records, ensure_ascii=False, indent=1).encode()
    path.write_bytes(content)
    summaries, errors = ingest_files(city_store, files_for_channel("tracing_app", [path]), show_progress=False)
    assert summaries == [] and message in errors[0]
    assert count(city_store, "SELECT count(*) FROM batches") == 0


@pytest.mark.parametrize("damage", ["cut in half", "a CSV named .xlsx", "empty"])
def test_a_broken_workbook_is_refused(feed_copy, demo_feeds, damage):
    path = feed_copy(biggest(demo_feeds, "air"))
    if damage == "cut in half":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes((demo_feeds / biggest(demo_feeds, "rail")).read_bytes())
    with pytest.raises(FeedError, match="not a readable XLSX workbook"):
        parse_file(feed_named("air"), path)


# ------------------------------------------------------------------------------------------ the command
def test_one_failed_file_does_not_stop_the_others_and_the_exit_status_says_so(
        city_store, feed_copy, demo_feeds, capsys):
    good = feed_copy(biggest(demo_feeds, "hotel"))
    bad = feed_copy(good.name, "hotel_broken.csv")
    edit_lines(bad, enc(bad), lambda lines: lines.__setitem__(5, '"' + lines[5]))
    mixed = feed_copy(good.name, "hotel_mixed.csv")
    mixed.write_bytes(mixed.read_bytes().replace(b"\n", b"\r\n", 3))
    status = app.main(["--store", str(city_store.root), "ingest", "--channel", "hotel", str(bad), str(good),
                       str(mixed)])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAILED hotel_broken.csv: " in out and "never closed" in out and "Traceback" not in out
    batches = city_store.reader().execute("SELECT file_name, rows_read, rows_accepted + rows_rejected"
                                          " FROM batches ORDER BY batch_id").fetchall()
    expected = data_lines(good, enc(good))
    assert [b[0] for b in batches] == [good.name, mixed.name]
    assert all(read == expected == total for _, read, total in batches)
