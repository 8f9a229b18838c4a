"""Identity resolution through the real ingest: bands, contradicting documents, the trained model."""
import datetime as dt
import json
import random

from pypinyin import lazy_pinyin

from ingest.channels import feed_named
from ingest.run import ingest_files
from tests.ids import resident_id

ADDRESS = "广西梧州市万秀区角嘴街道新兴社区新兴一路12号"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌玲兰燕宇浩婷鹏飞"


def abroad_row(name, rid, passport, birth=None, exit_date="2020-01-15"):
    return json.dumps({"name": name, "resident_id": rid, "birth_date": birth, "doc_type": "护照",
                       "doc_number": passport, "exit_date": exit_date, "country": "马来西亚",
                       "hukou_address": ADDRESS}, ensure_ascii=False)


def entries_file(path, rows):
    path.write_text("姓名,公民身份号码,证件类型,证件号码,入境日期,入境口岸\n"
                    + "".join(f"{n},{r},护照,{p},2020-03-15,梧州西江机场\n" for n, r, p in rows), encoding="gbk")
    return path


def shared_passport(store, folder):
    """Ingest two departures on one passport under another name and birth date; returns the summaries."""
    first, second = folder / "abroad_1.jsonl", folder / "abroad_2.jsonl"
    first.write_text(abroad_row("陈小明", resident_id("450403", "19900101", 11), "E12345679") + "\n", encoding="utf-8")
    second.write_text(abroad_row("王大力", resident_id("450403", "19651230", 22), "E12345679",
                                 exit_date="2020-02-03") + "\n", encoding="utf-8")
    summaries, errors = ingest_files(store, [(feed_named("abroad"), first), (feed_named("abroad"), second)],
                                     show_progress=False)
    assert errors == []
    return summaries


def test_a_shared_document_with_another_name_and_birth_date_goes_to_review(city_store, tmp_path):
    summaries = shared_passport(city_store, tmp_path)
    assert summaries[1].persons_new == 1 and summaries[1].persons_matched == 0 and summaries[1].review_pairs == 1
    reader = city_store.reader()
    assert reader.execute("SELECT count(DISTINCT person_id) FROM abroad").fetchone()[0] == 2
    pair = reader.execute("SELECT person_id, candidate_person_id, reasons FROM identity_review").fetchall()
    persons = dict(reader.execute("SELECT name, person_id FROM persons").fetchall())
    assert pair == [(persons["王大力"], persons["陈小明"], "same document, name and birth date contradict")]


def _people(n, rng):
    start = dt.date(1950, 1, 1)
    people = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        birth = (start + dt.timedelta(days=rng.randrange(18000))).strftime("%Y%m%d")
        people.append((name, birth, resident_id("450403", birth, i % 1000), f"E{10_000_000 + i * 37:08d}"))
    return people


def _noisy(person, i, rng):
    """The same person as a border entry: passport pinyin name and one clerk's mistake of four kinds."""
    name, birth, rid, passport = person
    pinyin = [s.upper() for s in lazy_pinyin(name)]
    passport_name = f"{pinyin[0]} {''.join(pinyin[1:])}"
    kind = i % 4
    if kind == 1:          # one digit of the passport mistyped, no resident ID given
        digit = str((int(passport[-2]) + 1) % 10)
        return passport_name, rid, passport[:-2] + digit + passport[-1]
    if kind == 2:          # birth date's day digits transposed: another valid resident ID, other passport
        swapped = birth[:6] + birth[7] + birth[6]
        if swapped != birth and swapped[6:] <= "28":
            return passport_name, resident_id("450403", swapped, i % 1000), f"G{passport[1:]}"
    if kind == 3:          # given name before surname
        return f"{''.join(pinyin[1:])} {pinyin[0]}", "", passport
    return passport_name, "", passport


def test_trained_model_links_pinyin_names_mistyped_documents_and_transposed_dates(city_store, tmp_path):
    rng = random.Random(15)
    people = _people(1200, rng)
    abroad = tmp_path / "abroad_all.jsonl"
    abroad.write_text("".join(abroad_row(n, r, p, b) + "\n" for n, b, r, p in people), encoding="utf-8")
    entries = entries_file(tmp_path / "police_entries_all.csv", [_noisy(p, i, rng) for i, p in enumerate(people)])
    summaries, errors = ingest_files(city_store, [(feed_named("abroad"), abroad),
                                                  (feed_named("police_entries"), entries)], show_progress=False)
    assert errors == [] and [s.rejected for s in summaries] == [0, 0]
    reader = city_store.reader()
    assert reader.execute("SELECT count(*) FROM identity_model").fetchone()[0] == 1
    left = dict(reader.execute("SELECT line, person_id FROM abroad").fetchall())
    right = dict(reader.execute("SELECT DISTINCT line, person_id FROM sightings WHERE channel = 'police'").fetchall())
    same = [left[i + 1] == right[i + 2] for i in range(len(people))]     # JSON lines from 1, CSV after a header
    merged_pairs = {(a, b) for a in left.values() for b in right.values() if a == b}
    assert len(merged_pairs) == sum(same)        # every merge is a true pair: no two people became one
    assert sum(same) / len(people) >= 0.97
    fuzzy = [i for i in range(len(people)) if i % 4 in (1, 2)]
    assert sum(same[i] for i in fuzzy) / len(fuzzy) >= 0.9
