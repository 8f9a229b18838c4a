"""A generated scenario with known truth, written as channel feed files and ingested through the real path.

People (all registered residents of 万秀区 on the exit-entry list unless said otherwise), as of AS_OF:
    clean      entered 03-16, rail 03-17 10:00, hotel 03-17 13:00, released 03-31            -> return alert only
    never      entered 03-10, nothing after                                                   -> leak arrival
    slow       entered 03-16, rail 03-17 09:00, hotel 03-17 20:00 (11 h later),
               released 03-31                                                                  -> return + leak quarantine
    overdue    entered 03-12, rail 03-13 10:00, hotel 03-13 12:00, never released             -> return + leak release
    home       entered 03-20, rail 03-21 08:00, home 03-21 10:00, daily temps but none 03-25,
               released 04-04 15:00                                                  -> return + leak temperature
    fever      like clean (entered 03-16, rail 03-17 11:00, hotel 03-17 14:00, released 03-31),
               37.8 °C on 03-20                                                                -> return + fever
    abroad     still abroad                                                                     -> nothing
    domestic   not on the list, arrives by rail 03-17 (no border entry)                         -> nothing
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from ingest.channels import feed_named
from ingest.run import ingest_files
from tests.ids import resident_id

AS_OF = dt.date(2020, 4, 5)
DISTRICT, TOWNSHIP = "450403", "450403005"
ADDRESS = "广西梧州市万秀区角嘴街道新兴社区新兴一路{n}号"
SEAT = (111.31129, 23.47564)
PEOPLE = ("clean", "never", "slow", "overdue", "home", "fever", "abroad", "domestic")
IDS = {key: resident_id("450403", f"1990{i + 1:02d}15", 100 + i) for i, key in enumerate(PEOPLE)}
NAMES = {"clean": "陈明远", "never": "李未归", "slow": "王迟到", "overdue": "赵超期", "home": "刘居家",
         "fever": "黄发热", "abroad": "周在外", "domestic": "吴国内"}
ENTRIES = {"clean": "2020-03-16", "never": "2020-03-10", "slow": "2020-03-16", "overdue": "2020-03-12",
           "home": "2020-03-20", "fever": "2020-03-16"}
RAIL = {"clean": "2020-03-17 10:00", "slow": "2020-03-17 09:00", "overdue": "2020-03-13 10:00",
        "home": "2020-03-21 08:00", "fever": "2020-03-17 11:00", "domestic": "2020-03-17 12:00"}
CHECKINS = {"clean": ("集中隔离", "2020-03-17 13:00"), "slow": ("集中隔离", "2020-03-17 20:00"),
            "overdue": ("集中隔离", "2020-03-13 12:00"), "home": ("居家隔离", "2020-03-21 10:00"),
            "fever": ("集中隔离", "2020-03-17 14:00")}
RELEASES = {"clean": "2020-03-31 10:00", "slow": "2020-03-31 21:00", "fever": "2020-03-31 10:30",
            "home": "2020-04-04 15:00"}


@dataclass(frozen=True)
class Truth:
    person: dict[str, int]            # key -> person_id in the store
    returnees: frozenset[str]
    leaks: frozenset[str]             # expected leak ids
    fevers: frozenset[str]            # expected fever alert ids


def _csv(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def write_feeds(folder: Path, tag: str = "s") -> list[tuple]:
    folder.mkdir(parents=True, exist_ok=True)
    listed = [k for k in PEOPLE if k != "domestic"]
    abroad = folder / f"abroad_{tag}.jsonl"
    abroad.write_text("".join(json.dumps({
        "name": NAMES[k], "sex": "男", "resident_id": IDS[k], "doc_type": "护照", "doc_number": f"E{90000000 + i}",
        "exit_date": "2020-01-05", "country": "马来西亚", "city": "吉隆坡", "phone": f"1380774{i:04d}",
        "hukou_address": ADDRESS.format(n=10 + i), "verification": "已核实"}, ensure_ascii=False) + "\n"
        for i, k in enumerate(listed)), encoding="utf-8")
    police = _csv(folder / f"police_entries_{tag}.csv", "姓名,公民身份号码,证件类型,证件号码,入境日期,入境口岸,交通方式,航班车次,出发国家地区,联系电话",
                  [f"{NAMES[k]},{IDS[k]},身份证,{IDS[k]},{d},广州白云机场,飞机,MH376,马来西亚," for k, d in ENTRIES.items()],
                  encoding="gbk")
    rail = _csv(folder / f"rail_{tag}.csv", "车次,出发站,到达站,到达时间,姓名,证件类型,证件号码,手机",
                [f"D3626,广州南,梧州南站,{t},{NAMES[k]},身份证,{IDS[k]}," for k, t in RAIL.items()])
    lon, lat = SEAT
    sites = _csv(folder / f"qsites_{tag}.csv", "场所编号,场所名称,类型,房间数,地址,经度,纬度",
                 [f"QT1,测试隔离酒店,酒店,3,广西梧州市万秀区角嘴街道新兴社区新兴一路1号,{lon},{lat}"])
    checkins = _csv(folder / f"qcheckin_{tag}.csv",
                    "姓名,证件类型,证件号码,联系电话,隔离方式,场所编号,居家地址,经度,纬度,开始时间,接送地点,接送时间,转运专班,车牌号",
                    [f"{NAMES[k]},身份证,{IDS[k]},,{kind},{'QT1' if kind == '集中隔离' else ''},"
                     f"{ADDRESS.format(n=40) if kind == '居家隔离' else ''},,,{t},梧州南站,{t},万秀区转运专班,桂D12345"
                     for k, (kind, t) in CHECKINS.items()])
    book = Workbook()
    sheet = book.active
    sheet.append(["证件号码", "姓名", "检测时间", "体温", "症状"])
    day = dt.date(2020, 3, 21)
    while day <= dt.date(2020, 4, 4):
        if day != dt.date(2020, 3, 25):
            sheet.append([IDS["home"], NAMES["home"], f"{day} 08:30", 36.5, "无"])
        day += dt.timedelta(days=1)
    sheet.append([IDS["fever"], NAMES["fever"], "2020-03-20 08:00", 37.8, "发热"])
    sheet.append([IDS["fever"], NAMES["fever"], "2020-03-21 08:00", 36.6, "无"])
    sheet.append([IDS["clean"], NAMES["clean"], "2020-03-20 08:00", 37.2, "无"])      # below the threshold
    temps = folder / f"qtemps_{tag}.xlsx"
    book.save(temps)
    releases = _csv(folder / f"qrelease_{tag}.csv", "证件号码,姓名,解除时间",
                    [f"{IDS[k]},{NAMES[k]},{t}" for k, t in RELEASES.items()])
    return [(feed_named(name), path) for name, path in (
        ("abroad", abroad), ("police_entries", police), ("quarantine_sites", sites), ("rail", rail),
        ("quarantine_checkins", checkins), ("quarantine_temps", temps), ("quarantine_releases", releases))]


def build(store, folder: Path) -> Truth:
    """Ingest the scenario's feeds into `store` (one batch per file); the truth to check against."""
    summaries, errors = ingest_files(store, write_feeds(folder), show_progress=False)
    assert errors == [], errors
    assert all(s.rejected == 0 for s in summaries), [(s.file, s.reasons) for s in summaries]
    conn = store.reader()
    person = {}
    for key in PEOPLE:
        row = conn.execute("SELECT person_id FROM documents WHERE doc_number = ?", [IDS[key]]).fetchone()
        person[key] = row[0] if row else None
    p = person
    leaks = {f"leak:arrival:{p['never']}:2020-03-10", f"leak:quarantine:{p['slow']}:2020-03-17",
             f"leak:release:{p['overdue']}:2020-03-13", f"leak:temperature:{p['home']}:2020-03-25"}
    return Truth(person, frozenset({"clean", "slow", "overdue", "home", "fever"}), frozenset(leaks),
                 frozenset({f"fever:{p['fever']}:2020-03-20"}))
