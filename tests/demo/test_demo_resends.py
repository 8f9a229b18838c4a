"""Demo feed files re-sent as channel systems re-send them: other bytes, order, encoding, a larger file holding a
stored one, one corrected cell. Records are idempotent by their natural key; a changed record is a correction."""
from __future__ import annotations

import json
import random

import pytest

from tests.demo.resent import counts, csv_rows, ingest, renamed, write_csv, write_text

WEEK = "2020w12"


@pytest.fixture
def checkpoint_store(city_store, demo_feeds):
    """A city store holding the demo's checkpoint list (what check files are validated against)."""
    out, _, _ = demo_feeds
    ingest(city_store, "checkpoint_sites", out / "checkpoints_list.csv")
    return city_store


def test_vehicle_checks_resent_with_crlf_add_nothing(checkpoint_store, demo_feeds, tmp_path):
    out = demo_feeds[0]
    original = out / f"vehicle_checks_{WEEK}.csv"
    first = ingest(checkpoint_store, "vehicle_checks", original)
    before = counts(checkpoint_store)
    text = original.read_bytes().decode("utf-8")
    again = ingest(checkpoint_store, "vehicle_checks",
                   write_text(renamed(tmp_path, original), text.replace("\n", "\r\n"), "utf-8"))
    assert not again.skipped                       # other bytes: not the whole-file fast path
    assert (again.rows_read, again.accepted, again.unchanged) == (first.rows_read, first.accepted, first.accepted)
    assert counts(checkpoint_store) == before


def test_person_checks_resent_with_a_bom_add_no_check_and_no_arrival(checkpoint_store, demo_feeds, tmp_path):
    out = demo_feeds[0]
    original = out / f"person_checks_{WEEK}.csv"
    ingest(checkpoint_store, "person_checks", original)
    before = counts(checkpoint_store)
    assert before["checkpoint_person_checks"] > 10_000
    text = original.read_bytes().decode("utf-8")
    ingest(checkpoint_store, "person_checks", write_text(renamed(tmp_path, original), text, "utf-8-sig"))
    assert counts(checkpoint_store) == before


def test_hotel_file_reordered_adds_no_sighting(city_store, demo_feeds, tmp_path):
    original = demo_feeds[0] / f"hotel_{WEEK}.csv"
    ingest(city_store, "hotel", original)
    before = counts(city_store)
    assert before["sightings"] > 100
    header, rows, encoding = csv_rows(original)
    random.Random(1).shuffle(rows)
    ingest(city_store, "hotel", write_csv(renamed(tmp_path, original), header, rows, encoding))
    assert counts(city_store) == before


def test_gbk_file_resent_as_utf8_and_columns_swapped_adds_nothing(city_store, demo_feeds, tmp_path):
    original = demo_feeds[0] / f"grid_{WEEK}.csv"
    ingest(city_store, "grid", original)
    before = counts(city_store)
    header, rows, encoding = csv_rows(original)
    assert encoding == "gbk"
    order = list(reversed(range(len(header))))
    swapped = renamed(tmp_path, original)
    write_csv(swapped, [header[i] for i in order], [[r[i] for i in order] for r in rows], "utf-8")
    ingest(city_store, "grid", swapped)
    assert counts(city_store) == before


def test_utf8_file_resent_in_gbk_adds_nothing(checkpoint_store, demo_feeds, tmp_path):
    original = demo_feeds[0] / f"vehicle_checks_{WEEK}.csv"
    ingest(checkpoint_store, "vehicle_checks", original)
    before = counts(checkpoint_store)
    ingest(checkpoint_store, "vehicle_checks",
           write_text(renamed(tmp_path, original), original.read_bytes().decode("utf-8"), "gbk"))
    assert counts(checkpoint_store) == before


def test_a_larger_file_holding_a_stored_one_adds_only_the_new_records(checkpoint_store, city_store, demo_feeds,
                                                                       tmp_path, boundaries):
    out = demo_feeds[0]
    week12, week13 = out / "person_checks_2020w12.csv", out / "person_checks_2020w13.csv"
    ingest(checkpoint_store, "person_checks", week12)
    h12, rows12, enc = csv_rows(week12)
    h13, rows13, _ = csv_rows(week13)
    assert h12 == h13
    both = write_csv(tmp_path / "person_checks_both.csv", h12, rows12 + rows13, enc)
    ingest(checkpoint_store, "person_checks", both)
    merged = counts(checkpoint_store)

    from ingest.reference import write_reference
    from store.db import Store
    clean = Store(tmp_path / "clean")
    with clean.writer() as conn:
        write_reference(conn, boundaries)
    ingest(clean, "checkpoint_sites", out / "checkpoints_list.csv")
    ingest(clean, "person_checks", week12)
    ingest(clean, "person_checks", week13)
    assert merged == counts(clean)


def test_one_corrected_cell_replaces_the_value_and_keeps_the_history(checkpoint_store, demo_feeds, tmp_path):
    original = demo_feeds[0] / f"vehicle_checks_{WEEK}.csv"
    first = ingest(checkpoint_store, "vehicle_checks", original)
    before = counts(checkpoint_store)
    header, rows, encoding = csv_rows(original)
    col = header.index("车辆类型")
    target = next(i for i, r in enumerate(rows) if r[col] == "小型汽车" and r[header.index("乘员数")] == "1")
    rows[target][col] = "货车"
    plate, at = rows[target][header.index("车牌号")], rows[target][header.index("检查时间")]
    again = ingest(checkpoint_store, "vehicle_checks", write_csv(renamed(tmp_path, original), header, rows, encoding))
    assert (again.corrected, again.unchanged) == (1, first.accepted - 1)
    assert counts(checkpoint_store) == {**before, "corrections": 1}
    conn = checkpoint_store.reader()
    stored = conn.execute("SELECT vehicle_type, batch_id FROM checkpoint_vehicle_checks WHERE plate = ?"
                          " AND checked_at = CAST(? AS TIMESTAMP)", [plate, at]).fetchall()
    assert stored == [("货车", again.batch_id)]
    feed, key, changed, before_batch, batch = conn.execute(
        "SELECT feed, key, changed, before_batch_id, batch_id FROM corrections").fetchone()
    assert (feed, before_batch, batch) == ("vehicle_checks", first.batch_id, again.batch_id)
    assert plate in key
    assert json.loads(changed) == [{"column": "vehicle_type", "before": "小型汽车", "after": "货车"}]


def test_a_corrected_hotel_stay_moves_its_sighting_without_adding_one(city_store, demo_feeds, tmp_path):
    original = demo_feeds[0] / f"hotel_{WEEK}.csv"
    ingest(city_store, "hotel", original)
    before = counts(city_store)
    header, rows, encoding = csv_rows(original)
    target = next(i for i, r in enumerate(rows) if r[header.index("联系电话")])
    rows[target][header.index("旅馆名称")] = rows[target][header.index("旅馆名称")] + "（更正）"
    again = ingest(city_store, "hotel", write_csv(renamed(tmp_path, original), header, rows, encoding))
    assert again.corrected == 1
    assert counts(city_store) == {**before, "corrections": 1}
    places = city_store.reader().execute("SELECT place FROM sightings WHERE batch_id = ?", [again.batch_id]).fetchall()
    assert [p for (p,) in places] == [rows[target][header.index("旅馆名称")]]


def test_a_check_in_resent_with_a_corrected_time_moves_the_quarantine_without_adding_one(city_store, demo_feeds,
                                                                                          tmp_path):
    """Check-ins are keyed by the person and the day (`seen_at:day`): a clerk's corrected time is a correction,
    not a second quarantine of the same person."""
    out = demo_feeds[0]
    ingest(city_store, "quarantine_sites", out / "qsites_list.csv")
    original = out / f"qcheckin_{WEEK}.csv"
    first = ingest(city_store, "quarantine_checkins", original)
    before = counts(city_store)
    header, rows, encoding = csv_rows(original)
    col = header.index("开始时间")
    target = next(i for i, r in enumerate(rows) if r[header.index("隔离方式")] == "集中隔离" and r[col][11:13] < "23")
    corrected = f"{rows[target][col][:11]}23{rows[target][col][13:]}"
    rows[target][col] = corrected
    again = ingest(city_store, "quarantine_checkins", write_csv(renamed(tmp_path, original), header, rows, encoding))
    assert (again.corrected, again.unchanged) == (1, first.accepted - 1)
    assert counts(city_store) == {**before, "corrections": 1}
    starts = city_store.reader().execute("SELECT strftime(start_at, '%Y-%m-%d %H:%M:%S') FROM quarantines"
                                         " WHERE batch_id = ?", [again.batch_id]).fetchall()
    assert starts == [(corrected,)]


def test_two_rows_of_one_key_in_a_file_the_last_wins_the_earlier_is_rejected(checkpoint_store, demo_feeds,
                                                                               tmp_path):
    original = demo_feeds[0] / f"vehicle_checks_{WEEK}.csv"
    header, rows, encoding = csv_rows(original)
    rows = rows[:50]
    changed = list(rows[10])
    changed[header.index("乘员数")] = "7"
    path = write_csv(tmp_path / "vehicle_checks_dup.csv", header, rows + [changed], encoding)
    summary = ingest(checkpoint_store, "vehicle_checks", path)
    assert (summary.rows_read, summary.accepted, summary.rejected) == (51, 50, 1)
    conn = checkpoint_store.reader()
    assert conn.execute("SELECT line, reason FROM rejects WHERE batch_id = ?", [summary.batch_id]).fetchall() == [
        (12, "key: repeated by line 52 of this file")]
    plate = rows[10][header.index("车牌号")]
    assert conn.execute("SELECT occupants FROM checkpoint_vehicle_checks WHERE plate = ?", [plate]).fetchall() == [(7,)]


def test_a_release_resent_with_a_corrected_time_moves_the_release(city_store, demo_feeds, tmp_path):
    """Releases are keyed by the person and the day (`released_at:day`): a corrected time the same day corrects
    the quarantine's release (before: a new record, rejected as 'no open quarantine', the old time kept)."""
    out = demo_feeds[0]
    ingest(city_store, "quarantine_sites", out / "qsites_list.csv")
    for path in sorted(out.glob("qcheckin_*.csv")):
        ingest(city_store, "quarantine_checkins", path)
    original = sorted(out.glob("qrelease_*.csv"))[-1]
    first = ingest(city_store, "quarantine_releases", original)
    before = counts(city_store)
    header, rows, encoding = csv_rows(original)
    col, doc = header.index("解除时间"), header.index("证件号码")
    stored = dict(city_store.reader().execute(
        "SELECT d.doc_number, strftime(q.released_at, '%Y-%m-%d %H:%M:%S') FROM quarantines q"
        " JOIN documents d USING (person_id) WHERE q.released_at IS NOT NULL").fetchall())
    target = next(i for i, r in enumerate(rows)
                  if stored.get(r[doc]) == r[col][:19].replace("T", " ") and r[col][11:13] < "23")   # ISO times
    rows[target][col] = f"{rows[target][col][:11]}23{rows[target][col][13:19]}"
    corrected = rows[target][col].replace("T", " ")
    again = ingest(city_store, "quarantine_releases", write_csv(renamed(tmp_path, original), header, rows, encoding))
    assert (again.corrected, again.rejected) == (1, first.rejected)
    assert counts(city_store) == {**before, "corrections": 1}
    released = city_store.reader().execute(
        "SELECT strftime(q.released_at, '%Y-%m-%d %H:%M:%S') FROM quarantines q JOIN documents d USING (person_id)"
        " WHERE d.doc_number = ?", [rows[target][doc]]).fetchall()
    assert released == [(corrected,)]


def test_an_ingest_recomputes_the_homes_of_the_people_it_changed_and_only_theirs(city_store, demo_feeds, tmp_path):
    """The ingest lists the people it changed (store/derived.sql recomputes only theirs): after hotel stays corrected
    to other hotels, where people belong is what recomputing everyone's gives, and the corrections moved some."""
    original = demo_feeds[0] / f"hotel_{WEEK}.csv"
    ingest(city_store, "hotel", original)
    homes = "SELECT * FROM person_homes ORDER BY person_id"
    before = city_store.reader().execute(homes).fetchall()
    header, rows, encoding = csv_rows(original)
    hotel = slice(header.index("旅馆名称"), header.index("纬度") + 1)     # the hotel code is part of the key
    moved = [[*row[:hotel.start], *rows[(i + 1) % len(rows)][hotel], *row[hotel.stop:]] for i, row in enumerate(rows)]
    again = ingest(city_store, "hotel", write_csv(renamed(tmp_path, original), header, moved, encoding))
    assert again.corrected > 100
    after = city_store.reader().execute(homes).fetchall()
    with city_store.writer():                    # a write that cannot list its people recomputes everyone's
        pass
    assert city_store.reader().execute(homes).fetchall() == after
    assert len(set(after) - set(before)) > 50


def test_an_ingest_recomputes_the_loop_spans_of_the_people_it_changed_and_only_theirs(city_store, demo_feeds):
    """Entries of people on the abroad list end their time abroad: the spans the ingest recomputed for the people it
    listed are those recomputing everyone's gives (store/derived.sql), and some people's time abroad now ends."""
    out = demo_feeds[0]
    for path in sorted(out.glob("abroad_*.jsonl")):
        ingest(city_store, "abroad", path)
    spans = "SELECT * FROM loop_spans ORDER BY ALL"
    ended = "SELECT count(*) FROM loop_spans WHERE population = 'abroad' AND until_day IS NOT NULL"
    assert city_store.reader().execute(ended).fetchone()[0] == 0
    for path in sorted(out.glob("police_entries_*.csv")):
        ingest(city_store, "police_entries", path)
    after = city_store.reader().execute(spans).fetchall()
    with city_store.writer():                    # a write that cannot list its people recomputes everyone's
        pass
    assert city_store.reader().execute(spans).fetchall() == after
    assert city_store.reader().execute(ended).fetchone()[0] > 50
