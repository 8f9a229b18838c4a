"""Issue 16.1: what an officer types is read as the right matcher, names are found by pinyin (on every name of the
demo city, which the demo generator wrote), and addresses are masked with the road kept and numbers hidden."""
import datetime as dt
import re

import duckdb
import pytest

from queries.pinyin_names import PinyinNames, keys
from queries.runner import _mask
from queries.search_terms import SearchError, Terms, parse


@pytest.mark.parametrize("text,terms", [
    ("D3626 03-19", Terms(carrier="D3626", day=dt.date(2020, 3, 19))),
    ("d3626 2020/3/19", Terms(carrier="D3626", day=dt.date(2020, 3, 19))),
    ("3月19日 D3626", Terms(carrier="D3626", day=dt.date(2020, 3, 19))),
    ("MH376", Terms(carrier="MH376")),
    ("9420", Terms(digits="9420")),
    ("12345x", Terms(digits="12345X")),
    ("E1234567", Terms(digits="E1234567")),
    ("新兴一路", Terms(name_part="新兴一路", place="新兴一路")),
    ("tran ah", Terms(name_part="TRAN AH")),
])
def test_the_text_is_read_as_its_matcher(text, terms):
    assert parse(text, 2020) == terms


@pytest.mark.parametrize("text", ["", "陈", "12", "x", "D3626 02-30", "!!!!"])
def test_too_little_or_nothing_searchable_is_refused(text):
    with pytest.raises(SearchError):
        parse(text, 2020)


def test_every_name_of_the_demo_city_is_found_by_its_pinyin_and_initials(demo_city):
    store, _ = demo_city
    names = [r[0] for r in store.reader().execute("SELECT DISTINCT name FROM persons WHERE name IS NOT NULL").fetchall()]
    index = PinyinNames(names)
    han = [n for n in names if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n)]
    missed = [n for n in han if n not in index.find(keys(n)[-1], limit=10_000) or n not in index.find(keys(n)[0],
                                                                                                         limit=10_000)]
    print(f"\n{len(han):,} Chinese names, {len(index.keys):,} keys, {len(missed)} not found")
    assert han and not missed
    assert "陈子轩" in index.find("chenzx") and "陈子轩" in index.find("Chen Zi Xuan") and "陈子轩" in index.find("zixuan")
    assert index.find("9420") == [] and index.find("") == []


@pytest.mark.parametrize("address,masked", [
    ("广西梧州市万秀区角嘴街道新兴社区新兴一路12号", "广西梧州市万秀区角嘴街道新兴社区新兴一路**号"),
    ("广西梧州市岑溪市大业镇泗龙村2组", "广西梧州市岑溪市大业镇泗龙村**组"),
    ("新圩路37号之2", "新圩路**号之**"),
    ("二环路８８号３栋５０２室", "二环路**号**栋**室"),
    ("民主街113", "民主街**"),
    (None, None),
])
def test_addresses_keep_the_road_and_hide_the_numbers(address, masked):
    sql = f"SELECT {_mask('address', 'p.address', 'p', True)} FROM (SELECT 1 AS person_id, $a AS address) p"
    conn = duckdb.connect()
    assert conn.execute(sql, {"a": address, "reveal_person": None}).fetchone()[0] == masked
    assert conn.execute(sql, {"a": address, "reveal_person": 1}).fetchone()[0] == address     # after an unmask
