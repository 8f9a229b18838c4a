"""Issue 16.1 at scale 100: the search's index finds exactly what a scan finds. Checked against a plain scan on
text we did not write — the 47,111 Chinese phrases pypinyin ships (MIT licence), with rare characters beyond the
basic plane, Latin, full-width digits and emoji mixed in by hand — and against DuckDB's own contains / ends_with
on the demo city's store."""
import random

import pyarrow as pa
import pytest
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from queries.person_search import index
from queries.runner import Scope, run
from queries.search_index import Containing, Endings

RARE = [chr(c) for c in sorted(pinyin_dict) if c > 0xFFFF][:200]       # CJK extension B and beyond
HAND_MADE = ["陈子轩", "陈子", "子轩陈子", "子轩陈", "路路", "路口路", "口路口", "路路路路", "TRAN VAN AH", "Tran van ah",
             "新兴一路１２号", "新兴一路12号", "🙂新兴🙂", "aa", "aaa", "a", "", "e\u0301te\u0301", "王𠀋𠀋王"]


def owners(texts: list[str], seed: int = 7) -> pa.Table:
    """Texts grouped as the store's index query gives them: each distinct text with its sorted person ids (a
    text may belong to several people)."""
    rng = random.Random(seed)
    people: dict[str, list[int]] = {}
    for person, text in enumerate(texts):
        people.setdefault(text, []).append(person)
        if rng.random() < 0.1:
            people[text].append(len(texts) + person)                 # a second person with the same text
    return pa.table({"text": list(people), "people": [sorted(v) for v in people.values()]})


@pytest.fixture(scope="module")
def phrases():
    rng = random.Random(2020)
    texts = list(phrases_dict)
    texts += [rng.choice(texts) + r for r in RARE] + [r + r + rng.choice(texts) for r in RARE[:50]] + HAND_MADE
    return texts, owners(texts)


def scan(listed: list[tuple[str, list[int]]], test) -> set[int]:
    """The people of the texts that pass `test`, one text at a time: what the index must find."""
    return {p for text, ids in listed if test(text) for p in ids}


def listing(table: pa.Table) -> list[tuple[str, list[int]]]:
    return list(zip(table["text"].to_pylist(), table["people"].to_pylist()))


def test_every_part_of_real_phrases_is_found_exactly_as_a_scan_finds_it(phrases):
    texts, table = phrases
    found = Containing(table)
    rng = random.Random(16)
    parts = [t[i:i + n] for t in rng.sample([t for t in texts if len(t) >= 2], 400)
             for n in (2, 3, len(t)) for i in [rng.randrange(0, len(t) - min(n, len(t)) + 1)]]
    parts += ["不识", "一不", "𠀋王", "🙂新", "１２号", "TRAN", "VAN AH", "aa", "路路", "路路路", "e\u0301t", "没有这个词语吧",
              "zz", RARE[0] * 2, "陈子轩", "路路路", "口路口路"]     # the last three: every pair is in a text, not in order
    listed = listing(table)
    wrong = [p for p in parts if len(p) >= 2 and set(found.find(p).tolist()) != scan(listed, lambda t: p in t)]
    assert not wrong, wrong[:10]
    assert len(found.find("路路")) and not len(found.find("没有这个词语吧"))
    with pytest.raises(ValueError):
        found.find("路")


def test_whole_texts_and_housemates_are_found(phrases):
    texts, table = phrases
    found = Containing(table)
    picked = random.Random(3).sample(texts, 30) + ["没有", ""]
    assert set(found.equal(picked).tolist()) == scan(listing(table), lambda t: t in picked)
    assert len(found.equal([])) == 0
    people = table["people"].to_pylist()
    some = [ids[0] for ids in people[:: len(people) // 25]]
    sharing = {p for ids in people if set(ids) & set(some) for p in ids}
    assert set(found.sharing(some + [-5, 10 ** 9]).tolist()) == sharing


def test_numbers_are_found_by_their_last_characters_whatever_their_length():
    rng = random.Random(19)
    numbers = [f"{rng.randrange(10 ** 17):017d}" + rng.choice("0123456789X") for _ in range(3000)]
    numbers += [f"1{rng.randrange(10 ** 10):010d}" for _ in range(3000)] + ["E1234567", "G7654321", "1234", "X"]
    rows = pa.table({"text": [n[::-1] for n in numbers], "person_id": list(range(len(numbers)))})
    ends = Endings(rows)
    for end in [n[-k:] for n in rng.sample(numbers, 200) for k in (4, 6, len(n))] + ["4567", "234X", "99999999"]:
        assert set(ends.find(end).tolist()) == {i for i, n in enumerate(numbers) if n.endswith(end)}, end
    assert len(ends.find("1" * 40)) == 0 and len(ends.find("X")) == sum(n.endswith("X") for n in numbers)


def test_the_index_of_the_demo_store_agrees_with_duckdb(demo_city):
    store, _ = demo_city
    conn = store.reader()
    found = index(conn)
    rng = random.Random(5)
    names = [r[0] for r in conn.execute("SELECT name FROM persons WHERE length(name) >= 2 ORDER BY person_id")
             .fetchall()]
    addresses = [r[0] for r in conn.execute("SELECT address FROM persons WHERE length(address) >= 2"
                                            " ORDER BY person_id").fetchall()]
    numbers = [r[0] for r in conn.execute("SELECT doc_number FROM documents UNION ALL SELECT phone FROM persons"
                                          " WHERE phone IS NOT NULL ORDER BY 1").fetchall()]

    def part(text):
        n = rng.randint(2, min(6, len(text)))
        start = rng.randrange(len(text) - n + 1)
        return text[start:start + n]

    def people(sql, value):
        return {r[0] for r in conn.execute(sql, [value]).fetchall()}

    for name in map(part, rng.sample(names, 60)):
        assert set(found.names.find(name.upper()).tolist()) == people(
            "SELECT person_id FROM persons WHERE contains(upper(name), ?)", name.upper()), name
    for address in map(part, rng.sample(addresses, 60)):
        assert set(found.addresses.find(address).tolist()) == people(
            "SELECT person_id FROM persons WHERE contains(address, ?)", address), address
    for end in (n[-rng.randint(4, 8):].upper() for n in rng.sample(numbers, 60)):
        assert set(found.numbers.find(end).tolist()) == people(
            "SELECT person_id FROM documents WHERE ends_with(upper(doc_number), $1) UNION"
            " SELECT person_id FROM persons WHERE ends_with(upper(phone), $1)", end), end


def test_households_through_the_index_are_those_a_scan_finds(demo_city):
    store, _ = demo_city
    conn = store.reader()
    found = index(conn)
    dwellings = [r[0] for r in conn.execute(
        "SELECT min(person_id) FROM persons WHERE address LIKE '%号%' GROUP BY address HAVING count(*) > 1"
        " ORDER BY 1 LIMIT 150").fetchall()]
    alone = [r[0] for r in conn.execute("SELECT person_id FROM persons ORDER BY hash(person_id) LIMIT 150").fetchall()]
    ids = sorted(set(dwellings + alone))
    district = conn.execute("SELECT min(code) FROM districts").fetchone()[0]
    members = {}
    for scope in (Scope("analyst"), Scope("police", district)):
        scanned = run(conn, "households", scope, persons=ids, neighbours=None)
        looked_up = run(conn, "households", scope, persons=ids, neighbours=found.addresses.sharing(ids).tolist())
        assert scanned.equals(looked_up)
        members[scope.role] = scanned["member_id"].notna().sum()
    assert members["analyst"] > len(dwellings) and members["police"] > 0   # households with members were listed
