"""Notes: rows in the application's state (SQLite), safe to write from many threads, validated, audited; only
police of the person's area write and read them through the neighbourhood page."""
import threading

import pytest

from auth import audit
from auth.state import State
from pages.notes import NoteBook


def test_notes_are_added_and_read_back_newest_first(tmp_path):
    book = NoteBook(State(tmp_path / "app.sqlite"))
    book.add(7, "contact", "电话联系本人，已在家", author="zhang")
    book.add(8, "verification", "核查住址", author="li")
    book.add(7, "verification", "上门核实", author="zhang")
    assert [n["text"] for n in book.for_person(7)] == ["上门核实", "电话联系本人，已在家"]
    assert book.for_person(7)[0]["author"] == "zhang" and book.for_person(9) == []
    assert [r["target"] for r in audit.recent(book.state, action="note.add")] == ["7", "8", "7"]


def test_bad_notes_are_refused(tmp_path):
    book = NoteBook(State(tmp_path / "app.sqlite"))
    with pytest.raises(ValueError):
        book.add(1, "gossip", "x", author="a")
    with pytest.raises(ValueError):
        book.add(1, "contact", "   ", author="a")
    assert book.for_person(1) == []


def test_concurrent_writers_lose_nothing(tmp_path):
    book = NoteBook(State(tmp_path / "app.sqlite"))
    threads = [threading.Thread(target=lambda i=i: [book.add(i, "contact", "x" * 500, "a") for _ in range(20)])
               for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [len(book.for_person(i)) for i in range(8)] == [20] * 8


def test_saving_a_note_from_the_neighbourhood_page(login):
    police = login("police", "450403")
    rows = police.call("cm-grid.rowData", {"cm-community.value": None}).outputs
    assert rows["cm-grid.rowData"] == []
    code = "450403005001"
    people = police.call("cm-grid.rowData", {"cm-community.value": code, "cm-date.date": "2020-03-29"}).outputs
    person = people["cm-grid.rowData"][0]
    state = {"cm-grid.selectedRows": [person], "cm-community.value": code, "cm-date.date": "2020-03-29",
             "cm-note-kind.value": "verification", "cm-note-text.value": "上门核实，情况属实"}
    saved = police.call("cm-note-status.children", {"cm-note-save.n_clicks": 1}, state).outputs
    assert saved["cm-note-text.value"] == "" and "上门核实" in str(saved["cm-notes.children"])
    forged = {**state, "cm-grid.selectedRows": [{"person_id": 999999}]}
    refused = police.call("cm-note-status.children", {"cm-note-save.n_clicks": 2}, forged).outputs
    assert "cm-notes.children" not in refused
    selected = {"cm-grid.selectedRows": [person]}
    where = {"cm-community.value": code, "cm-date.date": "2020-03-29"}
    assert "timeline" in str(police.call("cm-person.children", selected, where).outputs["cm-person.children"])
    assert "上门核实" in str(police.call("cm-notes.children", selected, where).outputs["cm-notes.children"])
    analyst = login("analyst")                                    # analysts see the person masked, no notes
    assert analyst.call("cm-notes.children", selected, where).outputs["cm-notes.children"] == []
    assert "cm-notes.children" not in analyst.call("cm-note-status.children", {"cm-note-save.n_clicks": 3},
                                                   state).outputs
