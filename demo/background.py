"""Everyday traffic around the loop: hotel guests, rail and air passengers, app users, grid screening of
people back from other provinces, a few local cases, and the police's rumour and enforcement cases.

None of it touches the report's people figures: no border entries, no measures, no abroad rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from demo import routes
from demo.calibration import REPORT
from demo.people import Identities, other_areas, wuzhou_areas
from demo.places import City, Site
from demo.timeline import DAY_HOURS, END, REPORT_DAY, START, allocate, days, iso_week, times_of_day, travel_shape

VISITOR_FROM = ("湖北武汉", "湖北孝感", "广东深圳", "广东广州", "广东佛山", "广东东莞", "湖南长沙", "浙江温州",
                "广西南宁", "广西玉林")
FOREIGN_SURNAMES = ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "TAN", "LIM", "WONG", "ONG", "SOMCHAI")
FOREIGN_GIVEN = ("VAN AN", "THI LAN", "MINH DUC", "WEI MING", "AH KOW", "MEI LING", "QUOC HUY", "SIEW LAN")
RUMOURS = ("在微信群散布“梧州出现新增确诊病例”的不实信息", "编造“某小区封闭”谣言并在抖音传播",
           "转发“喝高度白酒可预防新冠病毒”虚假信息", "在朋友圈发布“某医院发热病人死亡”的不实消息",
           "编造“梧州南站有确诊病例下车”谣言", "散布“超市即将关门”谣言引发抢购")
OTHER_CASES = ("涉嫌销售伪劣口罩，已刑事立案侦查", "隐瞒湖北旅居史，涉嫌妨害传染病防治，已立案侦查",
               "哄抬防疫物资价格，移交市场监管部门", "涉嫌以出售口罩为名实施诈骗，已刑事立案")
DISTRICTS = ("450403", "450405", "450406", "450421", "450422", "450423", "450481")
DISTRICT_SHARE = np.array([0.2, 0.12, 0.12, 0.12, 0.18, 0.08, 0.18])
LOCAL_CASES = ("2020-01-24", "2020-01-27", "2020-01-29", "2020-02-02", "2020-02-06")


def _skewed(rng, n_pool: int, n: int) -> np.ndarray:
    """Pool indices where a few people travel often and most once or twice."""
    return np.minimum((n_pool * rng.random(n) ** 1.6).astype(np.int64), n_pool - 1)


def _daily_times(rng, total: int, lo=START, hi=END, shape=travel_shape, hours=DAY_HOURS) -> np.ndarray:
    d = days(lo, hi)
    return np.sort(times_of_day(rng, np.repeat(d, allocate(total, shape(d))), hours))


class Pools:
    """The ordinary people of the demo: locals, visitors from elsewhere, foreign visitors."""

    def __init__(self, ids: Identities, city: City, rng, scale: int):
        n_local, n_visit = 6000 * scale, 9000 * scale
        home = city.homes(rng, n_local)
        self.locals = ids.people(n_local, wuzhou_areas(rng, city.district_of(home)), 16, 75)
        self.locals["home"], self.locals["address"] = home, city.addresses(rng, home)
        stay = city.homes(rng, n_visit)
        self.visitors = ids.people(n_visit, other_areas(rng, n_visit), 18, 65)
        self.visitors["home"], self.visitors["address"] = stay, city.addresses(rng, stay)
        n_foreign = 120 * scale
        self.foreign = pd.DataFrame({
            "key": ids.keys(n_foreign), "passport": ids.foreign_passports(n_foreign), "phone": ids.mobiles(n_foreign),
            "name": rng.choice(np.array(FOREIGN_SURNAMES, dtype=object), n_foreign) + " "
            + rng.choice(np.array(FOREIGN_GIVEN, dtype=object), n_foreign)})

    def draw(self, rng, n: int, local_share: float) -> pd.DataFrame:
        """n rows of persons, locals with the given share, the rest visitors (repeat travellers included)."""
        local = rng.random(n) < local_share
        a = self.locals.iloc[_skewed(rng, len(self.locals), int(local.sum()))]
        b = self.visitors.iloc[_skewed(rng, len(self.visitors), int((~local).sum()))]
        return pd.concat([a, b], ignore_index=True).iloc[rng.permutation(n)].reset_index(drop=True)


def _maybe(rng, values, share: float) -> np.ndarray:
    return np.where(rng.random(len(values)) < share, np.asarray(values, dtype=object), None)


def hotel(rng, pools: Pools, city: City, lodgings: list[Site], scale: int) -> pd.DataFrame:
    """Guests of ordinary hotels (visitors mostly; a few foreigners on passports, a few front-desk landlines)."""
    seen = _daily_times(rng, 5500 * scale, hours=np.r_[np.zeros(11), np.full(12, 3.0), 1.0])
    n = len(seen)
    guests = pools.draw(rng, n, 0.12)
    foreign = rng.random(n) < 0.03
    f = pools.foreign.iloc[_skewed(rng, len(pools.foreign), n)].reset_index(drop=True)
    w = np.array([3.0 if s.district in ("450403", "450405") else 1.0 for s in lodgings])
    site = [lodgings[i] for i in rng.choice(len(lodgings), n, p=w / w.sum())]
    with_point = rng.random(n) < 0.85
    return pd.DataFrame({
        "_key": np.where(foreign, f["key"], guests["key"]), "_t": seen, "place_code": [s.id for s in site],
        "place": [s.name for s in site], "address": [s.address for s in site],
        "lon": np.where(with_point, [s.lon for s in site], np.nan),
        "lat": np.where(with_point, [s.lat for s in site], np.nan), "seen_at": seen,
        "name": np.where(foreign, f["name"], guests["name"]), "doc_type": np.where(foreign, "passport", "resident_id"),
        "doc_number": np.where(foreign, f["passport"], guests["rid"]),
        "phone": np.where(rng.random(n) < 0.03, "(0774)" + pd.Series(rng.integers(2_000_000, 6_999_999, n)).astype(
            str).to_numpy(dtype=object), _maybe(rng, np.where(foreign, f["phone"], guests["phone"]), 0.8))})


def rail(rng, pools: Pools, city: City, scale: int) -> pd.DataFrame:
    seen = _daily_times(rng, 11000 * scale, hours=np.r_[np.zeros(7), np.full(16, 3.0), 1.0])
    n = len(seen)
    p = pools.draw(rng, n, 0.4)
    origins = list(routes.TRAINS)
    w = np.array([35, 12, 3, 20, 6, 5, 5, 5, 4, 2, 4, 2], float)
    origin = rng.choice(np.array(origins, dtype=object), n, p=w / w.sum())
    district = city.district_of(p["home"].to_numpy())
    station = np.where(rng.random(n) < 0.85, "梧州南站", "梧州站").astype(object)
    for d, (name, share) in routes.HOME_STATION.items():
        station = np.where((district == d) & (rng.random(n) < share), name, station)
    train = np.array([routes.TRAINS[o][rng.integers(len(routes.TRAINS[o]))] for o in origin], dtype=object)
    return pd.DataFrame({
        "_key": p["key"], "_t": seen, "carrier_no": train, "from_place": origin, "place": station, "seen_at": seen,
        "name": p["name"], "doc_type": "resident_id", "doc_number": p["rid"], "phone": _maybe(rng, p["phone"], 0.7)})


def air(rng, pools: Pools, scale: int) -> pd.DataFrame:
    seen = _daily_times(rng, 1800 * scale, hours=np.r_[np.zeros(9), np.full(14, 3.0), 0.0])
    n = len(seen)
    p = pools.draw(rng, n, 0.35)
    origin = rng.choice(np.array(list(routes.FLIGHTS), dtype=object), n)
    flight = np.array([routes.FLIGHTS[o][rng.integers(len(routes.FLIGHTS[o]))] for o in origin], dtype=object)
    return pd.DataFrame({
        "_key": p["key"], "_t": seen, "carrier_no": flight, "from_place": origin, "place": routes.AIRPORT,
        "seen_at": seen, "name": p["name"], "doc_type": "resident_id", "doc_number": p["rid"],
        "phone": _maybe(rng, p["phone"], 0.8)})


def _app_shape(d: np.ndarray) -> np.ndarray:
    """App use grows from the health-code weeks of February."""
    ramp = (d - np.datetime64("2020-02-10")).astype(float) / 30
    return np.clip(ramp, 0.05, 1.0)


def tracing(rng, pools: Pools, city: City, scale: int) -> pd.DataFrame:
    seen = _daily_times(rng, 4000 * scale, shape=_app_shape, hours=np.r_[np.zeros(7), np.full(15, 3.0), 1, 0])
    n = len(seen)
    p = pools.locals.iloc[_skewed(rng, len(pools.locals), n)].reset_index(drop=True)
    lon, lat = city.points(rng, p["home"].to_numpy())
    return pd.DataFrame({
        "_key": p["key"], "_t": seen, "name": p["name"], "resident_id": p["rid"], "phone": p["phone"],
        "seen_at": seen, "lon": lon, "lat": lat, "from_country": None, "entry_date": np.datetime64("NaT"),
        "port": None, "temperature": np.round(np.clip(rng.normal(36.4, 0.25, n), 35.8, 37.2), 1)})


def _screening_shape(d: np.ndarray) -> np.ndarray:
    return np.where(d < np.datetime64("2020-02-25"), 3.0, 0.6)


def grid(rng, pools: Pools, city: City, scale: int, app: pd.DataFrame) -> pd.DataFrame:
    """Screening of people back from other provinces; a visit without an ID number only for someone who
    used the app in an earlier week (so the system knows their name and phone)."""
    seen = _daily_times(rng, 2500 * scale, lo="2020-01-22", shape=_screening_shape, hours=np.r_[
        np.zeros(8), np.full(10, 3.0), np.zeros(6)])
    n = len(seen)
    p = pools.draw(rng, n, 0.6)
    first_use = app.groupby("_key")["_t"].min()
    known_week = iso_week(first_use.reindex(p["key"]).to_numpy("datetime64[s]"))
    no_id = first_use.reindex(p["key"]).notna().to_numpy() & (known_week < iso_week(seen)) & (rng.random(n) < 0.6)
    lon, lat = city.points(rng, p["home"].to_numpy())
    with_point = rng.random(n) < 0.6
    return pd.DataFrame({
        "_key": p["key"], "_t": seen, "seen_at": seen, "name": p["name"],
        "resident_id": np.where(no_id, None, p["rid"]), "phone": p["phone"], "address": p["address"],
        "lon": np.where(with_point, lon, np.nan), "lat": np.where(with_point, lat, np.nan),
        "from_country": rng.choice(np.array(VISITOR_FROM, dtype=object), n), "entry_date": np.datetime64("NaT"),
        "measure": None})


def local_cases(rng, pools: Pools) -> pd.DataFrame:
    """Wuzhou's few local cases of late January and early February (none imported)."""
    n = len(LOCAL_CASES)
    p = pools.locals.iloc[rng.choice(len(pools.locals), n, replace=False)]
    day = np.array(LOCAL_CASES, dtype="datetime64[D]")
    return pd.DataFrame({
        "_key": p["key"].to_numpy(), "_t": day, "case_id": [f"WZ2020-{i:03d}" for i in range(1, n + 1)],
        "name": p["name"].to_numpy(), "doc_type": "resident_id", "doc_number": p["rid"].to_numpy(),
        "confirmed_on": day, "case_kind": "本土", "address": p["address"].to_numpy()})


def police_cases(rng, scale: int) -> pd.DataFrame:
    """Rumour cases with exactly the report's totals by 03-29, a few more in April, and criminal cases
    (other kinds) whose people are not counted among the administrative penalties."""
    n = REPORT["rumours"] * scale
    outcomes = np.repeat([0, 1, 2], [REPORT["educated"] * scale, REPORT["detained"] * scale, REPORT["fined"] * scale])
    outcomes = rng.permutation(outcomes)
    case = np.concatenate([rng.permutation(n), rng.integers(0, n, len(outcomes) - n)])
    counts = np.zeros((n, 3), np.int64)
    np.add.at(counts, (case, outcomes), 1)
    shape = lambda d: np.where(d < np.datetime64("2020-02-20"), 3.0, 1.0)  # noqa: E731
    day = np.concatenate([_daily_times(rng, n, START, REPORT_DAY, shape, DAY_HOURS),
                          _daily_times(rng, 4 * scale, REPORT_DAY + 1, END, shape, DAY_HOURS)])
    counts = np.vstack([counts, np.tile([1, 0, 0], (4 * scale, 1))])
    m = 12 * scale
    other_day = _daily_times(rng, m, START, END, shape, DAY_HOURS)
    kinds = np.r_[np.full(len(day), "网络谣言"), np.full(m, "其他涉疫")]
    summary = np.r_[rng.choice(np.array(RUMOURS, dtype=object), len(day)),
                    rng.choice(np.array(OTHER_CASES, dtype=object), m)]
    when = np.r_[day, other_day].astype("datetime64[D]")
    districts = rng.choice(np.array(DISTRICTS, dtype=object), len(when), p=DISTRICT_SHARE)
    order = np.argsort(when, kind="stable")
    serial = np.empty(len(when), np.int64)
    serial[order] = np.arange(1, len(when) + 1)
    return pd.DataFrame({
        "_key": pd.array([pd.NA] * len(when), dtype="Int64"), "_t": when,
        "case_id": [f"WZGA2020{s:05d}" for s in serial], "handled_on": when, "district_code": districts,
        "case_kind": kinds, "educated": np.r_[counts[:, 0], np.zeros(m, np.int64)],
        "detained": np.r_[counts[:, 1], np.zeros(m, np.int64)], "fined": np.r_[counts[:, 2], np.zeros(m, np.int64)],
        "summary": summary})
