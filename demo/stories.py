"""The report's stories, as travellers with fixed dates and places (synthetic names and numbers).

- 陈子轩, a student in Kuala Lumpur from 新兴一路 (新兴社区, 角嘴街道, 万秀区): entry at 广州白云机场 on 03-16,
  动车 to 梧州南站 on 03-19, met by the transfer team, 14 days in a designated hotel, released 04-02.
- 黎女士 (Hong Kong, 回乡证), her husband 韦先生 and their baby boy born 02-10: entry at 福田口岸 on 03-17,
  动车 to 岑溪站 the same day, approved home quarantine in 归义镇 with daily temperatures.
- 15 employees of 领冠电子(梧州)有限公司 back from a study trip in Japan, hotel quarantine 03-06 .. 03-20.
"""
from __future__ import annotations

import numpy as np

from demo.people import Identities, other_areas, wuzhou_areas
from demo.places import City

STUDENT_HOME = "450403005002"        # 新兴社区, 角嘴街道, 万秀区
FAMILY_HOME = "450481111001"         # 新圩社区, 归义镇
HOME_MEASURE = "居家隔离：每日体温检测、代购生活用品"


def _ts(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


def _person(ids: Identities, name: str, male: bool, birth: str, area: str | None) -> dict:
    b = np.array([np.datetime64(birth)])
    rid = ids.resident_ids(np.array([area]), b, np.array([male]))[0] if area else None
    return {"key": int(ids.keys(1)[0]), "name": name, "sex": "男" if male else "女", "birth": b[0], "rid": rid,
            "phone": ids.mobiles(1)[0]}


def stories(ids: Identities, city: City, rng: np.random.Generator, sites: dict[str, str]) -> list[dict]:
    """Traveller records of the stories; `sites` maps hotel names to site ids."""
    out = []
    student = _person(ids, "陈子轩", True, "2000-05-12", "450403")
    out.append(student | {
        "story": "student", "cls": "A", "doc": "passport", "doc_no": ids.passports(1)[0], "home": STUDENT_HOME,
        "address": "广西梧州市万秀区角嘴街道新兴社区新兴一路12号", "initial": True,
        "exit": np.datetime64("2019-08-28"), "exit_port": "广州白云机场", "country": "马来西亚", "city": "吉隆坡",
        "entry": np.datetime64("2020-03-16"), "port": "广州白云机场", "transport": "飞机", "carrier": "MH376",
        "police": True, "arr_mode": "rail", "arr_at": _ts("2020-03-19T15:42"), "arr_place": "梧州南站",
        "arr_from": "广州南", "arr_carrier": "D3626", "measure": "hotel", "m_at": _ts("2020-03-19T16:48"),
        "site": sites["梧州江滨商务酒店"], "release": _ts("2020-04-02T10:00"), "app": True, "student": True,
        "school": "马来亚大学"})

    family_address = "广西梧州市岑溪市归义镇新圩社区新圩路37号"
    common = {"story": "family", "home": FAMILY_HOME, "address": family_address,
              "entry": np.datetime64("2020-03-17"), "port": "福田口岸", "transport": "步行", "carrier": "",
              "country": "中国香港", "city": "香港", "arr_mode": "rail", "arr_at": _ts("2020-03-17T18:26"),
              "arr_place": "岑溪站", "arr_from": "深圳北", "arr_carrier": "D7455", "measure": "home",
              "m_at": _ts("2020-03-17T19:40"), "release": _ts("2020-03-31T10:00")}
    husband = _person(ids, "韦志明", True, "1989-07-03", "450481")
    out.append(husband | common | {
        "cls": "A", "doc": "hk_macau_permit", "doc_no": ids.hk_permits(1)[0], "initial": True,
        "exit": np.datetime64("2019-11-20"), "exit_port": "罗湖口岸", "police": True, "app": True,
        "grid_measure": HOME_MEASURE})
    baby = _person(ids, "韦俊熙", True, "2020-02-10", "450481")
    out.append(baby | common | {
        "phone": husband["phone"], "cls": "R", "doc": "hk_macau_permit", "doc_no": ids.hk_permits(1)[0],
        "police": True, "grid_measure": HOME_MEASURE})
    wife = _person(ids, "黎慧珊", False, "1992-10-21", None)
    out.append(wife | common | {
        "cls": "X", "doc": "home_return_permit",
        "doc_no": ids.home_return_permits(1, np.array([False]))[0] + "01", "police": False})

    n = 15
    resident = np.arange(n) < 12
    districts = rng.choice(np.array(["450403", "450405", "450406", "450421"], dtype=object), n)
    homes = np.array([city.homes(rng, 1, d)[0] for d in districts], dtype=object)
    addresses = city.addresses(rng, homes)
    male = rng.random(n) < 0.6
    births = ids.births(n, 24, 48)
    areas = np.where(resident, wuzhou_areas(rng, districts), other_areas(rng, n))
    rids = ids.resident_ids(areas, births, male)
    names, phones, passports = ids.names(male), ids.mobiles(n), ids.passports(n)
    for i in range(n):
        out.append({
            "key": int(ids.keys(1)[0]), "name": names[i], "sex": "男" if male[i] else "女", "birth": births[i],
            "rid": rids[i], "phone": phones[i], "story": "company", "cls": "A" if resident[i] else "N",
            "doc": "passport", "doc_no": passports[i], "home": homes[i], "address": addresses[i],
            "initial": bool(resident[i]), "exit": np.datetime64("2020-01-10") if resident[i] else np.datetime64("NaT"),
            "exit_port": "广州白云机场", "country": "日本", "city": "大阪", "entry": np.datetime64("2020-03-05"),
            "port": "广州白云机场", "transport": "飞机", "carrier": "CZ390", "police": bool(resident[i]),
            "arr_mode": "rail", "arr_at": _ts("2020-03-06T11:34"), "arr_place": "梧州南站", "arr_from": "广州南",
            "arr_carrier": "D3618", "measure": "hotel", "m_at": _ts("2020-03-06T12:50"),
            "site": sites["长洲岛度假酒店"], "release": _ts("2020-03-20T09:30"), "app": not resident[i] or i % 3 == 0})
    return out
