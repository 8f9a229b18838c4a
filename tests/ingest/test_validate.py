"""Column kinds normalise good values and reject bad ones with a reason."""
import duckdb
import pytest

from ingest.validate import KINDS, macros
from tests.ids import resident_id, with_wrong_check_digit


@pytest.fixture(scope="module")
def conn():
    c = duckdb.connect()
    c.execute(macros())
    return c


def normalise(conn, kind, value):
    return conn.execute(f"SELECT {KINDS[kind].value.format(x='$v')}", {"v": value}).fetchone()[0]


def reason(conn, kind, value):
    return conn.execute(f"SELECT {KINDS[kind].reason.format(x='$v')}", {"v": value}).fetchone()[0]


def test_resident_id_check_digit_and_lowercase_x(conn):
    good = "11010519491231002X"
    assert normalise(conn, "resident_id", good.lower()) == good
    assert normalise(conn, "resident_id", " 110105 19491231 002x ") == good
    assert normalise(conn, "resident_id", resident_id()) == resident_id()
    bad = with_wrong_check_digit(resident_id())
    assert normalise(conn, "resident_id", bad) is None
    assert reason(conn, "resident_id", bad) == "check digit wrong"
    assert reason(conn, "resident_id", "12345") == "not 18 characters"


@pytest.mark.parametrize("raw, expected", [
    ("+86 138-0774-1234", "13807741234"), ("138 0774 1234", "13807741234"), ("008613807741234", "13807741234"),
    ("8613807741234", "13807741234"), ("(0774)3821234", "07743821234"), ("0774-3821234", "07743821234"),
    ("12345", None), ("2380774123", None)])
def test_phones(conn, raw, expected):
    assert normalise(conn, "phone", raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2020-03-16", "2020-03-16"), ("2020/3/16", "2020-03-16"), ("2020.3.16", "2020-03-16"),
    ("20200316", "2020-03-16"), ("2020年3月16日", "2020-03-16"), ("43906", "2020-03-16"),
    ("2020-02-30", None), ("1999-01-01", None), ("soon", None)])
def test_dates_including_excel_serials(conn, raw, expected):
    value = normalise(conn, "date", raw)
    assert (value.isoformat() if value else None) == expected


def test_datetimes(conn):
    assert str(normalise(conn, "datetime", "2020-03-19 14:05")) == "2020-03-19 14:05:00"
    assert str(normalise(conn, "datetime", "2020-03-19T14:05:30")) == "2020-03-19 14:05:30"
    assert str(normalise(conn, "datetime", "43909.5")) == "2020-03-19 12:00:00"
    assert reason(conn, "datetime", "2030-01-01 00:00") == "out of range"


def test_temperatures_documents_and_plates(conn):
    assert normalise(conn, "temperature", "36.64") == 36.6
    assert normalise(conn, "temperature", "52.3") is None
    assert normalise(conn, "any_doc", "e1234 5678") == "E12345678"
    assert normalise(conn, "any_doc", "C12345678") == "C12345678"
    assert normalise(conn, "any_doc", "not-a-doc") is None
    assert normalise(conn, "plate", "桂D·12345".replace("·", " ")) == "桂D12345"
    assert normalise(conn, "doc_type", "往来港澳通行证") == "hk_macau_permit"
    assert normalise(conn, "name", "陈 小明") == "陈小明"


def test_birth_dates_have_their_own_window(conn):
    assert str(normalise(conn, "birth_date", "1972-06-26")) == "1972-06-26"
    assert normalise(conn, "date", "1972-06-26") is None          # an event date from 1972 is a typo
    assert reason(conn, "birth_date", "1850-01-01") == "out of range"
