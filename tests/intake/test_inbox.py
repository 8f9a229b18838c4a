"""The inbox: real files dropped in a channel's folder, ingested one batch each, filed with a receipt."""
import json
import os
import time

from intake.inbox import Inbox
from tests.ingest.test_pipeline import bad_hotel_rows, good_hotel_rows, hotel_file


def receipt_of(stored_as):
    return json.loads(open(str(stored_as) + ".receipt.json", encoding="utf-8").read())


def aged(path, seconds=5):
    """As if the writer finished `seconds` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def batches(store):
    return store.reader().execute("SELECT count(*) FROM batches").fetchone()[0]


def test_a_dropped_file_is_one_batch_filed_in_done_with_its_receipt(city_store, tmp_path):
    box = Inbox(tmp_path / "inbox", city_store)
    aged(hotel_file(tmp_path / "inbox" / "hotel" / "hotel_2020w12.csv", good_hotel_rows() + bad_hotel_rows()))
    (receipt,) = box.run_once()
    assert receipt["status"] == "ingested" and receipt["feed"] == "hotel"
    assert (receipt["rows_read"], receipt["accepted"], receipt["rejected"]) == (8, 2, 6)
    assert sum(receipt["reasons"].values()) == 6 and len(receipt["rejects"]) == 6
    assert {r["line"] for r in receipt["rejects"]} == set(range(4, 10))
    assert receipt["batch_id"] == city_store.reader().execute("SELECT max(batch_id) FROM batches").fetchone()[0]
    assert not (tmp_path / "inbox" / "hotel" / "hotel_2020w12.csv").exists()
    stored = tmp_path / "inbox" / "hotel" / "done"
    assert [p.name.split("-", 1)[1] for p in stored.iterdir() if p.suffix == ".csv"] == ["hotel_2020w12.csv"]
    on_disk = receipt_of(receipt["stored_as"])
    assert on_disk["sha256"] == receipt["sha256"] and on_disk["batch_id"] == receipt["batch_id"]


def test_the_same_file_dropped_again_is_skipped_and_adds_nothing(city_store, tmp_path):
    box = Inbox(tmp_path / "inbox", city_store)
    first = aged(hotel_file(tmp_path / "inbox" / "hotel" / "hotel_2020w12.csv", good_hotel_rows()))
    content = first.read_bytes()
    box.run_once()
    before = batches(city_store)
    again = tmp_path / "inbox" / "hotel" / "hotel_2020w12_resent.csv"
    again.write_bytes(content)
    assert box.run_once() == []                              # just written: not quiet yet
    aged(again)
    (receipt,) = box.run_once()
    assert receipt["status"] == "skipped" and receipt["batch_id"] is None
    assert batches(city_store) == before
    assert (tmp_path / "inbox" / "hotel" / "done").exists()


def test_a_half_written_file_is_never_picked_up(city_store, tmp_path):
    box = Inbox(tmp_path / "inbox", city_store, settle_s=1.0)
    folder = tmp_path / "inbox" / "hotel"
    part = aged(hotel_file(folder / "hotel_2020w12.csv.part", good_hotel_rows()), 60)   # old, but still .part
    rows = good_hotel_rows()
    growing = folder / "hotel_2020w13.csv"
    growing.write_text(rows[0] + "\n", encoding="gbk")                                 # being written now
    assert box.run_once() == []
    assert part.exists() and growing.exists() and batches(city_store) == 0
    os.replace(part, folder / "hotel_2020w12.csv")                                     # the writer's rename
    aged(folder / "hotel_2020w12.csv")
    (receipt,) = box.run_once()
    assert receipt["file"] == "hotel_2020w12.csv" and receipt["status"] == "ingested"
    assert growing.exists()                                                            # still not quiet


def test_a_bad_file_goes_to_failed_with_the_reason_and_nothing_is_written(city_store, tmp_path):
    box = Inbox(tmp_path / "inbox", city_store)
    folder = tmp_path / "inbox" / "hotel"
    aged(hotel_file(folder / "unknown_export.csv", good_hotel_rows()))       # no hotel feed has this name
    empty = folder / "hotel_2020w14.csv"
    empty.write_bytes(b"")
    aged(empty)
    receipts = {r["file"]: r for r in box.run_once()}
    assert receipts["unknown_export.csv"]["status"] == "failed"
    assert "no hotel feed matches" in receipts["unknown_export.csv"]["error"]
    assert receipts["hotel_2020w14.csv"]["status"] == "failed" and receipts["hotel_2020w14.csv"]["error"]
    failed = folder / "failed"
    assert sorted(p.name.split("-", 1)[1] for p in failed.iterdir()) == sorted(
        ["unknown_export.csv", "unknown_export.csv.receipt.json", "hotel_2020w14.csv", "hotel_2020w14.csv.receipt.json"])
    assert batches(city_store) == 0
    assert receipt_of(receipts["unknown_export.csv"]["stored_as"])["status"] == "failed"


def test_the_watcher_takes_a_file_renamed_from_part(city_store, tmp_path):
    import threading
    box = Inbox(tmp_path / "inbox", city_store, settle_s=0.2)
    stop, seen = threading.Event(), []
    thread = threading.Thread(target=box.watch, args=(stop.is_set, 0.05, seen.append))
    thread.start()
    try:
        folder = tmp_path / "inbox" / "hotel"
        part = hotel_file(folder / "hotel_2020w12.csv.part", good_hotel_rows())
        os.replace(part, folder / "hotel_2020w12.csv")
        deadline = time.time() + 60
        while not seen and time.time() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert [r["status"] for r in seen] == ["ingested"]
