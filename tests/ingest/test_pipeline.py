"""One file is one batch: validated, placed, resolved, written whole or not at all."""
import json

import pytest
from openpyxl import Workbook

from ingest import writers
from ingest.channels import feed_for, feed_named
from ingest.run import files_for_channel, ingest_files
from tests.ids import resident_id, with_wrong_check_digit

SEAT = (111.31129, 23.47564)        # Wanxiu district seat (GeoNames), inside the city
ID_A, ID_B = resident_id("450403", "19900101", 11), resident_id("450481", "19851230", 22)
HOTEL_HEADER = "旅馆编码,旅馆名称,旅馆地址,经度,纬度,入住时间,姓名,证件类型,证件号码,联系电话"


def hotel_file(path, rows, encoding="gbk"):
    path.write_text("\n".join([HOTEL_HEADER, *rows]) + "\n", encoding=encoding)
    return path


def good_hotel_rows():
    lon, lat = SEAT
    return [f"H001,西江宾馆,万秀区,{lon},{lat},2020-03-19 10:00,陈 小明,身份证,{ID_A.lower()},+86 138-0774-1234",
            f"H001,西江宾馆,万秀区,{lon},{lat},2020/3/20 9:30,李华,护照,E12345678,138 0774 5678"]


def bad_hotel_rows():
    lon, lat = SEAT
    return [f"H001,西江宾馆,万秀区,{lon},{lat},2020-03-19 11:00,王五,身份证,{with_wrong_check_digit(ID_B)},",
            f"H001,西江宾馆,万秀区,100.0,30.0,2020-03-19 11:00,赵六,身份证,{ID_B},",
            f"H001,西江宾馆,万秀区,{lon},{lat},2020-03-19 11:00,钱七,驾驶证,X1,",
            f"H001,西江宾馆,万秀区,{lon},{lat},2020-03-19 11:00,,身份证,{ID_B},",
            f"H001,西江宾馆,万秀区,{lon},{lat},2020-02-30 11:00,孙八,身份证,{ID_B},",
            "H001,西江宾馆,too,many,fields,here,in,this,row,x,y"]


def count(store, sql):
    return store.reader().execute(sql).fetchone()[0]


def test_gbk_hotel_file_accepts_good_rows_and_keeps_every_rejected_row(city_store, tmp_path):
    path = hotel_file(tmp_path / "hotel_2020w12.csv", good_hotel_rows() + bad_hotel_rows())
    (summary,), errors = ingest_files(city_store, files_for_channel("hotel", [path]), show_progress=False)
    assert errors == []
    assert (summary.rows_read, summary.accepted, summary.rejected) == (8, 2, 6)
    assert summary.accepted + summary.rejected == summary.rows_read
    reasons = dict(city_store.reader().execute("SELECT line, reason FROM rejects ORDER BY line").fetchall())
    assert reasons[4] == "doc_number: check digit wrong"
    assert reasons[5] == "lon/lat: outside the city"
    assert reasons[6].startswith("doc_type: invalid")
    assert reasons[7] == "name: missing"
    assert reasons[8].startswith("seen_at: not a date")
    assert reasons[9].startswith("unreadable row")
    stored = city_store.reader().execute(
        "SELECT p.name, p.phone, s.district_code, s.community_code IS NOT NULL FROM sightings s "
        "JOIN persons p USING (person_id) ORDER BY s.seen_at").fetchall()
    assert stored == [("陈小明", "13807741234", "450403", True), ("李华", "13807745678", "450403", True)]
    assert count(city_store, f"SELECT count(*) FROM documents WHERE doc_number = '{ID_A}'") == 1


def test_same_file_twice_adds_nothing(city_store, tmp_path):
    path = hotel_file(tmp_path / "hotel_a.csv", good_hotel_rows() + bad_hotel_rows())
    ingest_files(city_store, files_for_channel("hotel", [path]), show_progress=False)
    tables = ("persons", "sightings", "rejects", "batches", "documents")
    before = {t: count(city_store, f"SELECT count(*) FROM {t}") for t in tables}
    (again,), _ = ingest_files(city_store, files_for_channel("hotel", [path]), show_progress=False)
    assert again.skipped
    assert {t: count(city_store, f"SELECT count(*) FROM {t}") for t in tables} == before


def test_a_batch_that_fails_halfway_leaves_nothing(city_store, tmp_path, monkeypatch):
    path = hotel_file(tmp_path / "hotel_b.csv", good_hotel_rows() + bad_hotel_rows())
    version = city_store.version()
    original = writers.render

    def failing_render(writer, feed):
        if writer == "sighting":
            raise RuntimeError("disk full (simulated)")
        return original(writer, feed)

    monkeypatch.setattr("ingest.pipeline.render", failing_render)
    with pytest.raises(RuntimeError, match="simulated"):
        ingest_files(city_store, files_for_channel("hotel", [path]), show_progress=False)
    assert city_store.version() == version
    for table in ("persons", "documents", "sightings", "rejects", "batches"):
        assert count(city_store, f"SELECT count(*) FROM {table}") == 0


def test_wrong_file_gets_a_clear_error_and_stores_nothing(city_store, tmp_path):
    path = tmp_path / "hotel_c.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    summaries, errors = ingest_files(city_store, files_for_channel("hotel", [path]), show_progress=False)
    assert summaries == [] and len(errors) == 1
    assert "missing column(s) 旅馆编码" in errors[0]
    assert count(city_store, "SELECT count(*) FROM batches") == 0
    with pytest.raises(ValueError, match="no hotel feed matches"):
        feed_for("hotel", "rail_2020w12.csv")


def test_utf8_with_bom_reads_like_gbk(city_store, tmp_path):
    path = hotel_file(tmp_path / "hotel_bom.csv", good_hotel_rows(), encoding="utf-8-sig")
    (summary,), _ = ingest_files(city_store, files_for_channel("hotel", [path]), show_progress=False)
    assert (summary.accepted, summary.rejected) == (2, 0)


def test_identity_is_resolved_across_channels(city_store, tmp_path):
    abroad = tmp_path / "abroad_initial.jsonl"
    record = {"name": "陈小明", "sex": "男", "resident_id": ID_A, "doc_type": "护照", "doc_number": "E12345679",
              "exit_date": "2019-09-01", "country": "马来西亚", "city": "吉隆坡", "phone": "13807741234",
              "hukou_address": "广西梧州市万秀区角嘴街道新兴社区新兴一路12号", "verification": "已核实"}
    abroad.write_text(json.dumps(record, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    lon, lat = SEAT
    rail = tmp_path / "rail_2020w12.csv"
    rail.write_text("车次,出发站,到达站,到达时间,姓名,证件类型,证件号码,手机\n"
                    "D3626,广州南,梧州南站,2020-03-19 15:20,陈小明,护照,E12345679,\n", encoding="utf-8")
    grid = tmp_path / "grid_2020w12.csv"
    grid.write_text("排查日期,姓名,身份证号,手机,现住址,经度,纬度,来自国家地区,入境日期,服务措施\n"
                    f"2020-03-20,陈小明,,138-0774-1234,新兴一路12号,{lon},{lat},马来西亚,2020-03-16,\n"
                    f"2020-03-20,陈小明,,138-0774-1235,新兴一路12号,{lon},{lat},马来西亚,2020-03-16,\n",
                    encoding="gbk")
    files = [(feed_named("abroad"), abroad), (feed_named("rail"), rail), (feed_named("grid"), grid)]
    summaries, errors = ingest_files(city_store, files, show_progress=False)
    assert errors == []
    assert [(s.accepted, s.rejected) for s in summaries] == [(1, 1), (1, 0), (2, 0)]
    assert summaries[0].persons_new == 1 and summaries[1].persons_matched == 1
    # the grid row with the same name and phone is the same person; one digit off goes to review
    assert summaries[2].persons_matched == 1 and summaries[2].persons_new == 1 and summaries[2].review_pairs == 1
    reader = city_store.reader()
    assert reader.execute("SELECT count(*), count(DISTINCT person_id) FROM sightings").fetchone() == (3, 2)
    assert reader.execute("SELECT community_code FROM abroad").fetchone()[0] == "450403005002"
    assert reader.execute("SELECT place_kind, place FROM arrivals").fetchall() == [("rail_station", "梧州南站")]
    review = reader.execute("SELECT score, reasons FROM identity_review").fetchall()
    assert review == [(0.5, "same name, phone one digit apart")]


def test_xlsx_with_excel_serial_dates(city_store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["航班号", "始发地", "到达机场", "到达时间", "旅客姓名", "证件类型", "证件号码", "联系电话"])
    sheet.append(["GS7571", "西安", "梧州西江机场", 43909.75, "李华", "身份证", ID_B, 13807745678])
    sheet.append(["GS7571", "西安", "不存在机场", 43909.75, "王五", "身份证", ID_A, None])
    path = tmp_path / "air_2020w12.xlsx"
    book.save(path)
    (summary,), _ = ingest_files(city_store, files_for_channel("transport", [path]), show_progress=False)
    assert (summary.accepted, summary.rejected) == (1, 1)
    reader = city_store.reader()
    assert str(reader.execute("SELECT arrived_at FROM arrivals").fetchone()[0]) == "2020-03-19 18:00:00"
    assert reader.execute("SELECT reason FROM rejects").fetchone()[0] == "place: unknown arrival point"
