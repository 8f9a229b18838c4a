"""Feeds are data: config/feeds.toml is checked with errors naming the feed and the line, and following a
changed export is an edit of that file alone."""
from __future__ import annotations

import re
import shutil

import pytest

import app
from ingest.channels import DEFAULT_FEEDS_FILE, FEEDS_ENV, FeedsFileError, feed_for, load_feeds
from ingest.readers import parse_file


@pytest.fixture
def feeds_copy(tmp_path):
    """A private copy of the feeds file, and a way to edit it: edit(old, new, count=1) -> the edited line."""
    path = tmp_path / "feeds.toml"
    shutil.copy(DEFAULT_FEEDS_FILE, path)

    def edit(old: str, new: str, after: str = "") -> int:
        text = path.read_text(encoding="utf-8")
        at = text.index(old, text.index(after) if after else 0)
        path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
        return text.count("\n", 0, at) + 1
    return path, edit


def line_of(path, text: str, after: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content.count("\n", 0, content.index(text, content.index(after) if after else 0)) + 1


def test_the_feeds_file_declares_every_feed_the_demo_writes(demo_feeds):
    feeds = load_feeds(DEFAULT_FEEDS_FILE)
    assert len({f.name for f in feeds}) == len(feeds) == 17
    for path in demo_feeds.iterdir():
        if path.is_file():
            feed = next(f for f in feeds if re.fullmatch(f.pattern.replace(".", r"\.").replace("*", ".*"), path.name))
            assert parse_file(feed, path).rows_read > 0


@pytest.mark.parametrize("old, new, after, message", [
    ('kind = "plate"', 'kind = "licence_plate"', 'name = "vehicle_checks"',
     "column 'plate': unknown kind 'licence_plate'"),
    ('"vehicle_check"]', '"vehicle_checks"]', 'name = "vehicle_checks"', "unknown writer 'vehicle_checks'"),
    ('{ header = "车牌号", name = "plate", kind = "plate", required = true },', 'writes', 'name = "vehicle_checks"',
     "writer 'vehicle_check' needs column(s) plate"),
    ('time_column = "checked_at"', 'time_column = "checked"', 'name = "vehicle_checks"',
     "time_column 'checked' is not a column"),
    ('key = ["checkpoint_id", "checked_at", "plate"]', 'key = ["checkpoint_id", "plate_no"]',
     'name = "vehicle_checks"', "key column 'plate_no' is not a column"),
    ('kind = "plate", required = true }', 'kind = "plate", required = true, formats = ["%Y"] }',
     'name = "vehicle_checks"', "column 'plate': formats are for the kinds date, datetime, birth_date"),
    ('kind = "datetime", required = true }', 'kind = "datetime", required = true, formats = ["dd.mm.yyyy"] }',
     'name = "vehicle_checks"', "column 'checked_at': 'dd.mm.yyyy' is not a date pattern"),
    ('name = "person_checks"', 'name = "vehicle_checks"', "联合检测站：车辆检查", "a feed of this name is declared earlier"),
    ('format = "csv"', 'format = "tsv"', 'name = "hotel"', "unknown format 'tsv'"),
    ('delimiter = ","', 'delimiter = ",;"', 'name = "hotel"', "delimiter must be one character"),
    ('escape = "\\""', 'escpae = "\\""', 'name = "hotel"', "unknown key 'escpae'"),
    ('required = true }', 'requird = true }', 'name = "hotel"', "column key(s) requird unknown"),
])
def test_errors_name_the_feed_and_the_line(feeds_copy, old, new, after, message):
    path, edit = feeds_copy
    if new == "writes":                          # a column removed: the writer that needs it is the culprit
        edit(old, "", after)
        line = line_of(path, "writes = ", after)
    else:
        edit(old, new, after)
        line = line_of(path, new.split("\n")[-1], after)
    feed = re.search(r'name = "(\w+)"', new if "name =" in new else after).group(1)
    with pytest.raises(FeedsFileError) as caught:
        load_feeds(path)
    assert f"{path}:{line}: feed {feed!r}: {message}" in str(caught.value)


def test_a_missing_required_key_and_broken_toml_are_reported(feeds_copy):
    path, edit = feeds_copy
    start = edit('pattern = "hotel*.csv"\n', '', 'name = "hotel"') - 5     # the [[feed]] line of hotel
    with pytest.raises(FeedsFileError, match=rf"{path}:{start}: feed 'hotel': missing required key 'pattern'"):
        load_feeds(path)
    path.write_text('[[feed]]\nname = "x\ncolumns = []\n', encoding="utf-8")
    with pytest.raises(FeedsFileError, match=r"not valid TOML: .*line 2"):
        load_feeds(path)


def test_the_command_line_refuses_an_invalid_feeds_file(feeds_copy, monkeypatch, capsys):
    path, edit = feeds_copy
    monkeypatch.setenv(FEEDS_ENV, str(DEFAULT_FEEDS_FILE))
    edit('kind = "plate"', 'kind = "nonsense"', 'name = "vehicle_checks"')
    assert app.main(["--feeds", str(path), "figures", "--store", "/nonexistent"]) == 2
    assert "unknown kind 'nonsense'" in capsys.readouterr().err


def test_following_a_changed_export_is_an_edit_of_the_feeds_file_alone(
        city_store, feeds_copy, feed_copy, demo_feeds, monkeypatch, capsys):
    """The hotel system now exports ';'-separated files and calls the phone column 手机号码."""
    path, edit = feeds_copy
    monkeypatch.setenv(FEEDS_ENV, str(DEFAULT_FEEDS_FILE))
    original = feed_copy(max(demo_feeds.glob("hotel*.csv"), key=lambda p: p.stat().st_size).name)
    changed = original.with_name("hotel_new_export.csv")
    text = original.read_bytes().decode("gb18030")
    changed.write_bytes(text.replace(",", ";").replace("联系电话", "手机号码", 1).encode("gb18030"))

    assert app.main(["--store", str(city_store.root), "ingest", "--channel", "hotel", str(changed)]) == 1
    assert "FAILED hotel_new_export.csv: missing column(s) 旅馆编码" in capsys.readouterr().out

    edit('{ header = "联系电话"', '{ header = "手机号码"', 'name = "hotel"')
    edit('delimiter = ","', 'delimiter = ";"', 'name = "hotel"')
    feeds = load_feeds(path)
    assert feed_for("hotel", changed.name, feeds).column("phone").source == "手机号码"
    assert app.main(["--feeds", str(path), "--store", str(city_store.root), "ingest", "--channel", "hotel",
                     str(changed)]) == 0
    reader = city_store.reader()
    read, accepted = reader.execute("SELECT rows_read, rows_accepted FROM batches").fetchone()
    assert read == len(text.strip().splitlines()) - 1 and accepted > 0.9 * read
    assert reader.execute("SELECT count(*) FROM persons WHERE phone IS NOT NULL").fetchone()[0] > 0.5 * accepted


def test_a_changed_date_format_is_an_edit_of_the_feeds_file_alone(city_store, feeds_copy, feed_copy, demo_feeds):
    """The hotel system now writes check-in times day first with dots (19.03.2020 10:45), which no usual pattern
    reads: every row is rejected until the feeds file names the sender's pattern."""
    path, edit = feeds_copy
    original = feed_copy(max(demo_feeds.glob("hotel*.csv"), key=lambda p: p.stat().st_size).name)
    changed = original.with_name("hotel_dayfirst.csv")
    text = original.read_bytes().decode("gb18030")
    dayfirst, changed_rows = re.subn(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})(:\d{2})?", r"\3.\2.\1 \4", text)
    assert changed_rows > 100
    changed.write_bytes(dayfirst.encode("gb18030"))

    before = parse_and_check(load_feeds(DEFAULT_FEEDS_FILE), changed)
    assert before["bad_times"] >= changed_rows
    edit('name = "seen_at", kind = "datetime", required = true }',
         'name = "seen_at", kind = "datetime", required = true, formats = ["%d.%m.%Y %H:%M"] }', 'name = "hotel"')
    after = parse_and_check(load_feeds(path), changed)
    assert before["bad_times"] - after["bad_times"] == changed_rows
    assert after["accepted"] - before["accepted"] >= 0.9 * changed_rows
    assert after["first_seen"].strftime("%d.%m.%Y %H:%M") in dayfirst


def parse_and_check(feeds, path) -> dict:
    """Read and validate `path` as its hotel feed on an in-memory DuckDB, as `feeds check` does."""
    import duckdb

    from ingest.pipeline import check_rows, prepare
    from ingest.readers import load_raw

    feed = feed_for("hotel", path.name, feeds)
    conn = duckdb.connect()
    prepare(conn)
    load_raw(conn, feed, path)
    check_rows(conn, feed)
    bad_times = conn.execute("SELECT count(*) FROM checked WHERE reason LIKE '%seen_at: not a date/time%'").fetchone()[0]
    accepted, first = conn.execute("SELECT count(*), min(seen_at) FROM checked WHERE reason = ''").fetchone()
    return {"accepted": accepted, "bad_times": bad_times, "first_seen": first}
