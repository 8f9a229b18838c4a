"""Notes: append-only JSON lines, safe to write from many threads, validated."""
import json
import threading

import pytest

from pages.notes import NoteBook


def test_notes_are_appended_and_read_back_newest_first(tmp_path):
    book = NoteBook(tmp_path / "notes" / "notes.jsonl")
    book.add(7, "450403005001", "contact", "电话联系本人，已在家", author="张警官")
    book.add(8, "450403005001", "verification", "核查住址", author="李")
    book.add(7, "450403005001", "verification", "上门核实", author="张警官")
    assert [n["text"] for n in book.for_person(7)] == ["上门核实", "电话联系本人，已在家"]
    assert book.for_person(9) == []


def test_bad_notes_are_refused(tmp_path):
    book = NoteBook(tmp_path / "n.jsonl")
    with pytest.raises(ValueError):
        book.add(1, None, "gossip", "x", author="a")
    with pytest.raises(ValueError):
        book.add(1, None, "contact", "   ", author="a")


def test_concurrent_writers_never_interleave_lines(tmp_path):
    book = NoteBook(tmp_path / "n.jsonl")
    threads = [threading.Thread(target=lambda i=i: [book.add(i, None, "contact", "x" * 500, "a") for _ in range(20)])
               for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    lines = (tmp_path / "n.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 160 and all(json.loads(line)["text"] == "x" * 500 for line in lines)


def test_a_torn_last_line_is_skipped(tmp_path):
    book = NoteBook(tmp_path / "n.jsonl")
    book.add(1, None, "contact", "ok", author="a")
    with open(book.path, "a", encoding="utf-8") as f:
        f.write('{"person_id": 1, "te')
    assert [n["text"] for n in book.for_person(1)] == ["ok"]


def test_saving_a_note_from_the_neighbourhood_page(client, app_config):
    rows = client.call("cm-grid.rowData", {"cm-community.value": None}).outputs
    assert rows["cm-grid.rowData"] == []
    code = "450403005001"
    people = client.call("cm-grid.rowData", {"cm-community.value": code, "cm-date.date": "2020-03-29"}).outputs
    person = people["cm-grid.rowData"][0]
    state = {"cm-grid.selectedRows": [person], "cm-community.value": code, "cm-date.date": "2020-03-29",
             "cm-note-kind.value": "verification", "cm-note-text.value": "上门核实，情况属实"}
    saved = client.call("cm-note-status.children", {"cm-note-save.n_clicks": 1}, state).outputs
    assert saved["cm-note-text.value"] == "" and "上门核实" in str(saved["cm-notes.children"])
    forged = {**state, "cm-grid.selectedRows": [{"person_id": 999999}]}
    refused = client.call("cm-note-status.children", {"cm-note-save.n_clicks": 2}, forged).outputs
    assert "cm-notes.children" not in refused
    card = client.call("cm-person.children", {"cm-grid.selectedRows": [person]},
                       {"cm-community.value": code, "cm-date.date": "2020-03-29"}).outputs
    assert "timeline" in str(card["cm-person.children"]) and "上门核实" in str(card["cm-notes.children"])
