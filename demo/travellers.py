"""Everyone who crossed the border: residents on the exit-entry list, residents the list missed, and people
from elsewhere living in Wuzhou — one row each, with departure, entry, arrival in the city and measures.

Counts follow `calibration.PLAN` exactly: sets are chosen, never tuned after the fact.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from demo import routes
from demo.calibration import PLAN, REPORT, figures
from demo.people import Identities, other_areas, wuzhou_areas
from demo.places import City, Site
from demo.stories import stories
from demo.timeline import END, REPORT_DAY, START, day_gap, entry_shape, sample_days

D = REPORT_DAY
DAY = np.timedelta64(1, "D")
HOTEL_POLICY = np.datetime64("2020-03-15")     # from here every arrival from abroad: designated hotel
HOME_POLICY = np.datetime64("2020-02-24")      # from here: home quarantine for most arrivals
LONG_STAY_START, LONG_STAY_END = np.datetime64("2015-01-05"), np.datetime64("2019-12-14")
FAR_PORTS = ("上海浦东机场", "北京首都机场")
STUDY = {"马来西亚": ("马来亚大学", "博特拉大学", "泰莱大学"), "英国": ("曼彻斯特大学", "伯明翰大学", "利兹大学"),
         "美国": ("纽约大学", "南加州大学", "加州大学洛杉矶分校"), "澳大利亚": ("悉尼大学", "墨尔本大学"),
         "日本": ("早稻田大学", "大阪大学"), "韩国": ("首尔大学", "延世大学"), "新加坡": ("新加坡国立大学", "南洋理工大学"),
         "泰国": ("朱拉隆功大学", "易三仓大学"), "加拿大": ("多伦多大学", "英属哥伦比亚大学"),
         "意大利": ("米兰理工大学",), "新西兰": ("奥克兰大学",), "法国": ("巴黎萨克雷大学",)}
DEFAULTS = {"story": "", "cls": "", "doc": "", "doc_no": "", "rid": None, "home": "", "address": "",
            "initial": False, "exit": np.datetime64("NaT", "D"), "exit_port": "", "country": "", "city": "",
            "entry": np.datetime64("NaT", "D"), "port": "", "transport": "", "carrier": "", "police": False,
            "arr_mode": "", "arr_at": np.datetime64("NaT", "s"), "arr_place": "", "arr_from": "", "arr_carrier": "",
            "measure": "", "m_at": np.datetime64("NaT", "s"), "site": "", "release": np.datetime64("NaT", "s"),
            "app": False, "student": False, "school": "", "grid_measure": ""}


def _choose(rng, idx: np.ndarray, n: int, weights=None) -> np.ndarray:
    if n > len(idx):
        raise ValueError(f"plan asks for {n} of only {len(idx)} candidates")
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return rng.choice(idx, n, replace=False, p=p)


def _departure_shape(d: np.ndarray) -> np.ndarray:
    w = np.where(d < np.datetime64("2020-01-24"), 8.0, 2.0)
    return np.where(d >= np.datetime64("2020-02-01"), 1.0, w)


def _people(ids: Identities, city: City, rng, n: int, cls: str, doc: np.ndarray, resident: bool,
            ages=(18, 68)) -> pd.DataFrame:
    home = city.homes(rng, n)
    areas = wuzhou_areas(rng, city.district_of(home)) if resident else other_areas(rng, n)
    p = ids.people(n, areas, *ages)
    p["home"], p["address"], p["cls"], p["doc"] = home, city.addresses(rng, home), cls, doc
    p["doc_no"] = np.where(doc == "passport", ids.passports(n), ids.hk_permits(n)) if n else []
    return p


def _destinations(rng, doc: np.ndarray, recent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    permit_place = routes.pick(rng, [(p[0], p[1]) for p in routes.PERMIT_PLACES], len(doc))
    country = np.where(doc == "passport", routes.countries(rng, recent), permit_place)
    return country, routes.cities(rng, country)


def _listed(ids, city, rng, scale: int, story_counts: dict) -> pd.DataFrame:
    """The exit-entry list: residents abroad before 01-20, and everyone leaving after, with returns."""
    parts = []
    for doc in ("passport", "hk_macau_permit"):
        tag = "passport" if doc == "passport" else "permit"
        n_init = PLAN.initial(doc) * scale - story_counts[f"initial_{tag}"]
        n_dep, n_after = (getattr(PLAN, f"departed_{tag}") * scale, getattr(PLAN, f"departed_after_{tag}") * scale)
        p = _people(ids, city, rng, n_init + n_dep + n_after, "A", np.full(n_init + n_dep + n_after, doc), True,
                    (16, 75))
        initial = np.arange(len(p)) < n_init
        recent = initial & (rng.random(len(p)) < (0.25 if doc == "passport" else 0.4))
        span = (LONG_STAY_END - LONG_STAY_START).astype(int)
        long_exit = LONG_STAY_END - (rng.exponential(500, len(p)).astype(int) % span) * DAY
        exit_ = np.where(recent, START - rng.integers(1, 36, len(p)) * DAY, long_exit)
        exit_[n_init:n_init + n_dep] = rng.permutation(sample_days(rng, n_dep, START, D, _departure_shape))
        exit_[n_init + n_dep:] = rng.permutation(sample_days(rng, n_after, D + DAY, END, _departure_shape))
        p["initial"], p["exit"] = initial, exit_.astype("datetime64[D]")
        p["country"], p["city"] = _destinations(rng, p["doc"].to_numpy(), recent | ~initial)
        p["exit_port"] = routes.ports(rng, p["country"].to_numpy())
        p["recent"] = recent
        parts.append(_returns(rng, p, tag, scale, story_counts, n_init, n_dep))
    return pd.concat(parts, ignore_index=True).drop(columns="recent")


def _returns(rng, p: pd.DataFrame, tag: str, scale: int, story_counts: dict, n_init: int, n_dep: int):
    """Entry dates of the listed residents who come back (exact numbers by 03-29 and after)."""
    entry = np.full(len(p), np.datetime64("NaT"), "datetime64[D]")
    exit_ = p["exit"].to_numpy("datetime64[D]")
    n_short = getattr(PLAN, f"short_{tag}") * scale
    n_back = getattr(PLAN, f"returned_{tag}") * scale - story_counts[f"returned_{tag}"] - n_short
    dep = np.arange(n_init, n_init + n_dep)
    short = _choose(rng, dep[exit_[dep] <= D - 7 * DAY], n_short)
    entry[short] = np.minimum(exit_[short] + rng.integers(4, 22, len(short)) * DAY, D)
    back = _choose(rng, np.arange(n_init), n_back, np.where(p["recent"].to_numpy()[:n_init], 6.0, 1.0))
    dates = sample_days(rng, n_back, START, D, entry_shape)
    order = np.argsort(-(exit_[back] - START).astype(float) - rng.normal(0, 40, n_back), kind="stable")
    entry[back[order]] = dates
    abroad = np.flatnonzero(np.isnat(entry) & (exit_ <= D))
    n_later = getattr(PLAN, f"returned_after_{tag}") * scale
    later = _choose(rng, abroad, n_later, np.where(p["recent"].to_numpy()[abroad], 2.0, 1.0))
    entry[later] = rng.permutation(sample_days(rng, n_later, D + DAY, END, entry_shape))
    p["entry"] = entry
    return p


def _unlisted(ids, city, rng, scale: int) -> pd.DataFrame:
    """Residents missing from the list (short trips the list did not catch): police entries only."""
    n_by, n_after = PLAN.unlisted * scale - 1, PLAN.unlisted_after * scale     # the baby is one of them
    doc = np.where(rng.random(n_by + n_after) < 0.55, "passport", "hk_macau_permit")
    p = _people(ids, city, rng, n_by + n_after, "R", doc, True)
    p["country"], p["city"] = _destinations(rng, doc, np.ones(len(p), bool))
    p["entry"] = np.concatenate([sample_days(rng, n_by, START, D, entry_shape),
                                 sample_days(rng, n_after, D + DAY, END, entry_shape)])
    return p


def _others(ids, city, rng, scale: int) -> pd.DataFrame:
    """People from other provinces living in Wuzhou: their entries are known from the tracing app only."""
    n_by, n_after = PLAN.others * scale - 3, PLAN.others_after * scale       # 3 are the company's
    doc = np.where(rng.random(n_by + n_after) < 0.7, "passport", "hk_macau_permit")
    p = _people(ids, city, rng, n_by + n_after, "N", doc, False, (20, 60))
    p["country"], p["city"] = _destinations(rng, doc, rng.random(len(p)) < 0.4)
    arrive = np.concatenate([sample_days(rng, n_by, START, D, entry_shape),
                             sample_days(rng, n_after, D + DAY, END, entry_shape)])
    p["port"] = routes.ports(rng, p["country"].to_numpy())
    lag = _lags(rng, p["port"].to_numpy(), arrive)
    p["entry"] = np.maximum(arrive - lag * DAY, START)
    p["arrive_day"] = arrive
    return p


def _lags(rng, port: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from entry to arrival in Wuzhou: 0-5 via Guangdong/Guangxi, longer via Beijing/Shanghai."""
    near = rng.choice(6, len(port), p=[0.35, 0.33, 0.12, 0.08, 0.06, 0.06])
    far = np.where(day >= HOTEL_POLICY, rng.integers(14, 16, len(port)), rng.integers(1, 4, len(port)))
    return np.where(np.isin(port, FAR_PORTS), far, near)


def _arrivals(rng, t: pd.DataFrame, scale: int, story_counted: int) -> None:
    """Who arrives when: natural lags, some stay away or come late, then the exact count by 03-29."""
    generic = (t["story"] == "").to_numpy()
    resident = t["cls"].isin(["A", "R"]).to_numpy() & generic
    entry = t["entry"].to_numpy("datetime64[D]")
    has_entry = ~np.isnat(entry)
    lag = np.full(len(t), -1)
    idx = np.flatnonzero(resident & has_entry)
    lag[idx] = _lags(rng, t["port"].to_numpy()[idx], entry[idx])
    u = rng.random(len(t))
    late = resident & has_entry & (u < 0.04) & (entry <= np.datetime64("2020-03-20"))
    lag[late] = rng.integers(35, 51, late.sum())
    lag[resident & has_entry & (u >= 0.04) & (u < 0.14)] = -1          # stays away (in Guangdong, elsewhere)
    others = (t["cls"] == "N").to_numpy() & generic
    arrive = np.full(len(t), np.datetime64("NaT"), "datetime64[D]")
    ok = lag >= 0
    arrive[ok] = entry[ok] + lag[ok] * DAY
    arrive[others] = t["arrive_day"].to_numpy("datetime64[D]")[others]
    arrive[arrive > END] = np.datetime64("NaT")

    entered = resident & has_entry & (entry <= D)
    counted = entered & (arrive <= D) & (day_gap(arrive, entry) <= 30)
    need = PLAN.arrived_residents * scale - story_counted - int(counted.sum())
    if need < 0:
        arrive[_choose(rng, np.flatnonzero(counted), -need)] = np.datetime64("NaT")
    elif need > 0:
        pick = _choose(rng, np.flatnonzero(entered & ~counted), need)
        room = (D - entry[pick]).astype(int)
        arrive[pick] = entry[pick] + np.minimum(rng.integers(0, 3, need), room) * DAY
    t["arrive_day"] = arrive


def _route(rng, t: pd.DataFrame, city: City, checkpoints: list[Site]) -> None:
    """How each generic arrival comes: rail, air or by road through a checkpoint; time and place."""
    rows = np.flatnonzero(~np.isnat(t["arrive_day"].to_numpy("datetime64[D]")) & (t["story"] == "").to_numpy())
    day = t["arrive_day"].to_numpy("datetime64[D]")[rows]
    port = t["port"].to_numpy()[rows]
    district = city.district_of(t["home"].to_numpy()[rows])
    far = np.isin(port, FAR_PORTS)
    road_ok = (day >= np.datetime64("2020-01-28")) & (t["cls"].to_numpy()[rows] != "N")
    mode = np.where(far, np.where(rng.random(len(rows)) < 0.7, "air", "rail"),
                    np.where(road_ok & (rng.random(len(rows)) < 0.38), "car", "rail"))
    at = (day.astype("datetime64[s]") + (rng.integers(7 * 60, 21 * 60, len(rows)) * 60).astype("timedelta64[s]"))
    origin = np.array([routes.PORT_CITY[p] for p in port], dtype=object)
    rail_from = np.where(far, "广州南", origin)
    station = np.where(rng.random(len(rows)) < 0.85, "梧州南站", "梧州站").astype(object)
    for d, (name, share) in routes.HOME_STATION.items():
        station = np.where((district == d) & (rng.random(len(rows)) < share), name, station)
    place, source, carrier = station.copy(), rail_from.copy(), np.empty(len(rows), dtype=object)
    for i in range(len(rows)):
        if mode[i] == "rail":
            trains = routes.TRAINS[rail_from[i]]
            carrier[i] = trains[rng.integers(len(trains))]
        elif mode[i] == "air":
            flights = routes.FLIGHTS[origin[i]]
            place[i], source[i], carrier[i] = routes.AIRPORT, origin[i], flights[rng.integers(len(flights))]
        else:
            site = _checkpoint(rng, checkpoints, district[i], day[i])
            place[i], source[i], carrier[i] = site.id, routes.ROAD_FROM.get(origin[i], "广东广州"), ""
    cols = {"arr_mode": mode, "arr_at": at, "arr_place": place, "arr_from": source, "arr_carrier": carrier}
    for col, values in cols.items():
        t.loc[t.index[rows], col] = values


def _checkpoint(rng, checkpoints: list[Site], district: str, day) -> Site:
    open_ = [s for s in checkpoints if s.open_on(day)]
    near = [s for s in open_ if s.district == district] or open_
    return near[rng.integers(len(near))]


def _measures(rng, t: pd.DataFrame, scale: int, story_measured: int, sites: dict[str, list[str]]) -> None:
    """Quarantine and service measures, with exactly the report's number in place by 03-29."""
    generic = (t["story"] == "").to_numpy()
    arr = t["arr_at"].to_numpy("datetime64[s]")
    day = arr.astype("datetime64[D]")
    lag = day_gap(day, t["entry"].to_numpy("datetime64[D]"))
    fresh = generic & ~np.isnat(arr) & (lag <= 30)
    u = rng.random(len(t))
    kind = np.full(len(t), "", dtype=object)
    kind[fresh & (day >= HOTEL_POLICY) & (lag <= 20)] = "hotel"
    kind[fresh & (day >= HOME_POLICY) & (day < HOTEL_POLICY) & (u < 0.7)] = "home"
    kind[fresh & (day < HOME_POLICY) & (u < 0.12)] = "grid"
    by_d = fresh & (day <= D)
    need = REPORT["measures"] * scale - story_measured - int((by_d & (kind != "")).sum())
    for k in (("grid", "home") if need < 0 else ("home", "grid")):
        if need == 0:
            break
        if need < 0:
            pool = np.flatnonzero(by_d & (kind == k))
            drop = _choose(rng, pool, min(-need, len(pool)))
            kind[drop], need = "", need + len(drop)
        else:
            window = (day >= HOME_POLICY) if k == "home" else (day < HOME_POLICY)
            pool = np.flatnonzero(by_d & (kind == "") & window)
            add = _choose(rng, pool, min(need, len(pool)))
            kind[add], need = k, need - len(add)
    if need:
        raise ValueError(f"measure plan off by {need}: change the entry shape")
    hotel, home, grid = kind == "hotel", kind == "home", kind == "grid"
    minutes = np.where(hotel, rng.integers(45, 120, len(t)), rng.integers(60, 150, len(t)))
    m_at = np.full(len(t), np.datetime64("NaT"), "datetime64[s]")
    m_at[hotel | home] = arr[hotel | home] + (minutes[hotel | home] * 60).astype("timedelta64[s]")
    visit = day + rng.integers(1, 4, len(t)) * DAY
    m_at[grid] = visit[grid].astype("datetime64[s]") + (rng.integers(9 * 60, 17 * 60, grid.sum()) * 60).astype(
        "timedelta64[s]")
    release = m_at.astype("datetime64[D]") + 14 * DAY
    release_at = release.astype("datetime64[s]") + (rng.integers(9 * 60, 11 * 60, len(t)) * 60).astype(
        "timedelta64[s]")
    release_at[~(hotel | home) | (release > END)] = np.datetime64("NaT")
    district = t["home"].str.slice(0, 6).to_numpy()
    site = np.array([sites[d][rng.integers(len(sites[d]))] for d in district], dtype=object)
    text = np.where(home, "居家隔离医学观察：社区医生每日上门测温", "居家健康观察14天：每日两次体温报告")
    g = generic
    t.loc[g, "measure"] = kind[g]
    t.loc[g, "m_at"] = m_at[g]
    t.loc[g, "release"] = release_at[g]
    t.loc[g, "site"] = np.where(hotel, site, "")[g]
    t.loc[g, "grid_measure"] = np.where(home | grid, text, "")[g]


def _entry_channels(rng, t: pd.DataFrame) -> None:
    """Police entries for residents (a few only via the app), the app for people from elsewhere."""
    generic = (t["story"] == "").to_numpy()
    cls = t["cls"].to_numpy()
    has_entry = ~np.isnat(t["entry"].to_numpy("datetime64[D]"))
    arr = t["arr_at"].to_numpy("datetime64[s]").astype("datetime64[D]")
    entry = t["entry"].to_numpy("datetime64[D]")
    fresh = (day_gap(arr, entry) <= 30) & ((arr <= D) | (entry > D))
    app_only = generic & (cls == "A") & fresh & (rng.random(len(t)) < 0.08)
    police = generic & np.isin(cls, ["A", "R"]) & has_entry & ~app_only
    app = generic & (((cls == "N") & has_entry) | app_only | (~np.isnat(arr) & (rng.random(len(t)) < 0.55)))
    t.loc[generic, "police"] = police[generic]
    t.loc[generic, "app"] = app[generic]


def _ports(rng, t: pd.DataFrame) -> None:
    rows = np.flatnonzero(~np.isnat(t["entry"].to_numpy("datetime64[D]")) & (t["story"] == "").to_numpy())
    country = t["country"].to_numpy()[rows]
    port = np.where(t["port"].to_numpy()[rows] == "", routes.ports(rng, country), t["port"].to_numpy()[rows])
    t.loc[t.index[rows], "port"] = port
    t.loc[t.index[rows], "transport"] = [routes.TRANSPORT.get(p, "飞机") for p in port]
    t.loc[t.index[rows], "carrier"] = routes.carriers(rng, country, port)


def _students(rng, t: pd.DataFrame) -> None:
    age = day_gap(np.datetime64("2020-03-01"), t["birth"].to_numpy("datetime64[D]")) / 365.25
    country = t["country"].to_numpy()
    pick = ((t["story"] == "").to_numpy() & (t["cls"] == "A").to_numpy() & (t["doc"] == "passport").to_numpy()
            & (age >= 18) & (age < 27) & np.isin(country, list(STUDY)) & ~np.isnat(t["arr_at"].to_numpy())
            & (rng.random(len(t)) < 0.6))
    t.loc[pick, "student"] = True
    t.loc[pick, "school"] = [STUDY[c][rng.integers(len(STUDY[c]))] for c in country[pick]]


def build(ids: Identities, city: City, rng, scale: int, sites: list[Site], checkpoints: list[Site]) -> pd.DataFrame:
    """The travellers table (one row per person), checked against the report before it is returned."""
    PLAN.check()
    by_district: dict[str, list[str]] = {}
    for s in sites:
        by_district.setdefault(s.district, []).append(s.id)
    story = pd.DataFrame(stories(ids, city, rng, {s.name: s.id for s in sites}))
    count = {"initial_passport": int(((story.cls == "A") & (story.doc == "passport")).sum()),
             "initial_permit": int(((story.cls == "A") & (story.doc == "hk_macau_permit")).sum())}
    count["returned_passport"], count["returned_permit"] = count["initial_passport"], count["initial_permit"]
    parts = [story, _listed(ids, city, rng, scale, count), _unlisted(ids, city, rng, scale),
             _others(ids, city, rng, scale)]
    t = pd.concat(parts, ignore_index=True)
    for col, value in DEFAULTS.items():
        if col not in t:
            t[col] = value
        elif isinstance(value, str):
            t[col] = t[col].fillna(value)
        elif isinstance(value, bool):
            t[col] = t[col].fillna(value).astype(bool)
    _ports(rng, t)
    story_counted = int(((story.cls != "N") & (story.cls != "X")).sum())
    _arrivals(rng, t, scale, story_counted)
    _route(rng, t, city, checkpoints)
    _measures(rng, t, scale, int((story["measure"] != "").sum()), by_district)
    _entry_channels(rng, t)
    _students(rng, t)
    t = t.drop(columns="arrive_day")
    got, want = figures(t), {k: REPORT[k] * scale for k in ("abroad_passport", "abroad_permit", "entered",
                                                           "arrived", "measures")}
    if got != want:
        raise AssertionError(f"the travellers do not reproduce the report: {got} != {want}")
    return t
