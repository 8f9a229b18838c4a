"""The closed loop as feed rows: exit-entry list, police entries, the tracing app, rail/air/checkpoint
arrivals, the university registry, grid visits, quarantine check-ins, temperatures and releases.

Each function returns a frame of one feed: canonical column names (see ingest.channels), `_key` (the true
person) and `_t` (the event time that decides the weekly file).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from demo.places import City, Site
from demo.timeline import END, START

MIN = np.timedelta64(60, "s")
DAY = np.timedelta64(1, "D")
TEAMS = {"450403": "万秀区", "450405": "长洲区", "450406": "龙圩区", "450421": "苍梧县", "450422": "藤县",
         "450423": "蒙山县", "450481": "岑溪市"}
POLICE = {"450403": "梧州市公安局万秀分局", "450405": "梧州市公安局长洲分局", "450406": "梧州市公安局龙圩分局",
          "450421": "苍梧县公安局", "450422": "藤县公安局", "450423": "蒙山县公安局", "450481": "岑溪市公安局"}


def _minutes(rng, n: int, lo: int, hi: int) -> np.ndarray:
    return rng.integers(lo, hi, n) * MIN


def _at(day, rng, lo_hour: float, hi_hour: float) -> np.ndarray:
    day = np.asarray(day, "datetime64[D]")
    return day.astype("datetime64[s]") + _minutes(rng, len(day), int(lo_hour * 60), int(hi_hour * 60))


def _docs(rng, t: pd.DataFrame, travel_share: float) -> tuple[np.ndarray, np.ndarray]:
    """(doc_type, doc_number) per row: the resident ID, or sometimes the travel document it is linked to."""
    travel = (t["rid"].isna() | ((rng.random(len(t)) < travel_share) & t["cls"].isin(["A", "R"]))).to_numpy()
    doc_type = np.where(travel, t["doc"].to_numpy(), "resident_id")
    return doc_type, np.where(travel, t["doc_no"].to_numpy(), t["rid"].to_numpy())


def abroad(rng, t: pd.DataFrame, city: City) -> pd.DataFrame:
    """Exit-entry list rows: the initial list (exit before 01-20) and weekly new departures.

    birth_date stays empty: the contract declares it a `date`, whose window (2015..2021) no birth date
    of an adult fits; the resident ID carries the birth date anyway."""
    a = t[t["cls"] == "A"]
    n = len(a)
    exit_ = a["exit"].to_numpy("datetime64[D]")
    initial = exit_ < START
    u = rng.random(n)
    status = np.where(u < (np.where(initial, 0.7, 0.6)), "已核实", np.where(u < 0.92, "未核实", "联系不上"))
    verified_day = np.where(initial, START - rng.integers(1, 15, n) * DAY, exit_ + rng.integers(1, 4, n) * DAY)
    verified_at = _at(verified_day, rng, 8.5, 18)
    verified_at[status == "未核实"] = np.datetime64("NaT")
    home = a["home"].to_numpy()
    township = city.c.loc[home, "township_name"].str.replace("街道", "").to_numpy(dtype=object)
    by = np.array([POLICE[h[:6]] for h in home], dtype=object) + township + "派出所"
    entry = a["entry"].to_numpy("datetime64[D]")
    planned = np.where(~np.isnat(entry) & (rng.random(n) < 0.5), entry + rng.integers(-10, 10, n) * DAY,
                       np.datetime64("2020-06-30") + rng.integers(0, 360, n) * DAY)
    planned[(rng.random(n) < 0.3) | (a["story"] == "student").to_numpy()] = np.datetime64("NaT")
    return pd.DataFrame({
        "_key": a["key"], "_t": exit_, "name": a["name"], "sex": a["sex"],
        "resident_id": a["rid"], "doc_type": a["doc"], "doc_number": a["doc_no"], "exit_date": exit_,
        "exit_port": a["exit_port"], "country": a["country"], "city": a["city"], "planned_return": planned,
        "phone": np.where((rng.random(n) < 0.85) | a["arr_at"].notna().to_numpy(), a["phone"], None),
        "address": a["address"],
        "verification_status": status, "verified_by": np.where(status == "已核实", by, None),
        "verified_at": verified_at})


def police_entries(rng, t: pd.DataFrame) -> pd.DataFrame:
    p = t[t["police"]]
    n = len(p)
    with_id = ((p["cls"] == "R") | (rng.random(n) < 0.9)).to_numpy()
    return pd.DataFrame({
        "_key": p["key"], "_t": p["entry"], "name": p["name"], "resident_id": np.where(with_id, p["rid"], None),
        "doc_type": p["doc"], "doc_number": p["doc_no"], "entry_date": p["entry"], "port": p["port"],
        "transport": p["transport"], "carrier_no": p["carrier"], "from_country": p["country"],
        "phone": np.where(rng.random(n) < 0.8, p["phone"], None)})


def tracing(rng, t: pd.DataFrame, city: City, hotels: dict[str, Site]) -> pd.DataFrame:
    """App reports after arrival: the first with the entry, then every day or two for up to two weeks."""
    p = t[t["app"] & t["arr_at"].notna()]
    reports = rng.integers(2, 8, len(p))
    rows = np.repeat(np.arange(len(p)), reports)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(reports) - reports, reports)
    first = k == 0
    arr = p["arr_at"].to_numpy("datetime64[s]")[rows]
    day = arr.astype("datetime64[D]") + (k * 2 - rng.integers(0, 2, len(rows)) * (k > 0)) * DAY
    seen = np.where(first, arr + _minutes(rng, len(rows), 30, 180), _at(day, rng, 8, 22))
    keep = seen <= END.astype("datetime64[s]") + np.timedelta64(86399, "s")
    release = p["release"].to_numpy("datetime64[s]")[rows]
    in_hotel = (p["measure"].to_numpy()[rows] == "hotel") & (np.isnat(release) | (seen < release))
    lon, lat = city.points(rng, p["home"].to_numpy()[rows])
    site = p["site"].to_numpy()[rows]
    lon = np.where(in_hotel, [hotels[s].lon if s else 0.0 for s in site], lon)
    lat = np.where(in_hotel, [hotels[s].lat if s else 0.0 for s in site], lat)
    with_entry = first | (rng.random(len(rows)) < 0.3)
    g = p.iloc[rows]
    out = pd.DataFrame({
        "_key": g["key"].to_numpy(), "_t": seen, "name": g["name"].to_numpy(), "resident_id": g["rid"].to_numpy(),
        "phone": g["phone"].to_numpy(), "seen_at": seen, "lon": lon, "lat": lat,
        "from_country": np.where(with_entry, g["country"].to_numpy(), None),
        "entry_date": np.where(with_entry, g["entry"].to_numpy("datetime64[D]"), np.datetime64("NaT")),
        "port": np.where(with_entry, g["port"].to_numpy(), None),
        "temperature": np.round(np.clip(rng.normal(36.5, 0.22, len(rows)), 35.8, 37.2), 1)})
    return out[keep]


def arrivals(rng, t: pd.DataFrame, mode: str) -> pd.DataFrame:
    """Rail or air passenger rows of arrivals from abroad (to a station or the airport)."""
    p = t[t["arr_mode"] == mode]
    doc_type, doc_number = _docs(rng, p, 0.08)
    return pd.DataFrame({
        "_key": p["key"], "_t": p["arr_at"], "carrier_no": p["arr_carrier"], "from_place": p["arr_from"],
        "place": p["arr_place"], "seen_at": p["arr_at"], "name": p["name"], "doc_type": doc_type,
        "doc_number": doc_number, "phone": np.where(rng.random(len(p)) < 0.75, p["phone"], None)})


def road_arrivals(rng, t: pd.DataFrame) -> pd.DataFrame:
    """Person checks of arrivals by road at a checkpoint (merged into the checkpoint's weekly file)."""
    p = t[t["arr_mode"] == "car"]
    return pd.DataFrame({
        "_key": p["key"], "_t": p["arr_at"], "checkpoint_id": p["arr_place"], "checked_at": p["arr_at"],
        "name": p["name"], "resident_id": p["rid"],
        "temperature": np.round(np.clip(rng.normal(36.4, 0.25, len(p)), 35.8, 37.2), 1),
        "from_place": p["arr_from"]})


def university(rng, t: pd.DataFrame) -> pd.DataFrame:
    p = t[t["student"]]
    seen = p["arr_at"].to_numpy("datetime64[s]").astype("datetime64[D]").astype("datetime64[s]")
    year = pd.DatetimeIndex(p["birth"]).year.to_numpy() + 18
    return pd.DataFrame({
        "_key": p["key"], "_t": seen, "student_no": [f"S{y}{k % 100000:05d}" for y, k in zip(year, p["key"])],
        "name": p["name"], "resident_id": p["rid"], "school": p["school"], "from_country": p["country"],
        "seen_at": seen, "phone": p["phone"], "address": p["address"]})


def grid(rng, t: pd.DataFrame, city: City) -> pd.DataFrame:
    """Door-to-door visits: measures for home observation, screening visits for the others.

    A visit without an ID number never carries a measure, and is only written for listed residents, whose
    phone the exit-entry list gave (so it can be matched on name + phone)."""
    arrived = t[t["arr_at"].notna()]
    measure = arrived["grid_measure"].to_numpy() != ""
    kind = arrived["measure"].to_numpy()
    arr = arrived["arr_at"].to_numpy("datetime64[s]")
    visit = np.where(kind == "grid", arrived["m_at"].to_numpy("datetime64[s]"),
                     _at(arr.astype("datetime64[D]") + DAY, rng, 9, 17.5))
    after_hotel = kind == "hotel"
    release = arrived["release"].to_numpy("datetime64[s]")
    visit[after_hotel] = _at(release[after_hotel].astype("datetime64[D]") + rng.integers(1, 4, after_hotel.sum())
                             * DAY, rng, 9, 17.5)
    keep = (measure | (rng.random(len(arrived)) < 0.55)) & ~np.isnat(visit) & (visit.astype("datetime64[D]") <= END)
    keep &= arrived["cls"].to_numpy() != "X"
    g, visit, measure = arrived[keep], visit[keep], measure[keep]
    no_id = ~measure & (g["cls"] == "A").to_numpy() & (g["story"] == "").to_numpy() & (rng.random(len(g)) < 0.25)
    lon, lat = city.points(rng, g["home"].to_numpy())
    with_point = rng.random(len(g)) < 0.6
    return pd.DataFrame({
        "_key": g["key"].to_numpy(), "_t": visit, "seen_at": visit, "name": g["name"].to_numpy(),
        "resident_id": np.where(no_id, None, g["rid"].to_numpy()), "phone": g["phone"].to_numpy(),
        "address": g["address"].to_numpy(), "lon": np.where(with_point, lon, np.nan),
        "lat": np.where(with_point, lat, np.nan), "from_country": g["country"].to_numpy(),
        "entry_date": g["entry"].to_numpy("datetime64[D]"),
        "measure": np.where(measure, g["grid_measure"].to_numpy(), None)})


def checkins(rng, t: pd.DataFrame, city: City, names: dict[str, str]) -> pd.DataFrame:
    """Quarantine check-ins with the transfer from the arrival point (`names`: place id -> name)."""
    p = t[t["measure"].isin(["hotel", "home"])]
    n = len(p)
    hotel = (p["measure"] == "hotel").to_numpy()
    doc_type, doc_number = _docs(rng, p, 0.1)
    lon, lat = city.points(rng, p["home"].to_numpy())
    with_point = ~hotel & (rng.random(n) < 0.5)
    transfer = hotel | (rng.random(n) < 0.6)
    arr = p["arr_at"].to_numpy("datetime64[s]")
    m_at = p["m_at"].to_numpy("datetime64[s]")
    transfer_at = arr + np.minimum(_minutes(rng, n, 10, 40), m_at - arr)
    district = p["home"].str.slice(0, 6).to_numpy()
    team = np.array([TEAMS[d] for d in district], dtype=object) + "转运专班"
    plate = "桂D" + pd.Series(rng.integers(10000, 99999, n)).astype(str).to_numpy(dtype=object)
    place = np.array([names.get(x, x) for x in p["arr_place"]], dtype=object)
    return pd.DataFrame({
        "_key": p["key"], "_t": m_at, "name": p["name"], "doc_type": doc_type, "doc_number": doc_number,
        "phone": p["phone"], "quarantine_kind": np.where(hotel, "集中隔离", "居家隔离"),
        "site_id": np.where(hotel, p["site"], None), "address": np.where(hotel, None, p["address"]),
        "lon": np.where(with_point, lon, np.nan), "lat": np.where(with_point, lat, np.nan), "seen_at": m_at,
        "transfer_from": np.where(transfer, place, None),
        "transfer_at": np.where(transfer, transfer_at, np.datetime64("NaT")),
        "transfer_team": np.where(transfer, team, None), "vehicle": np.where(transfer, plate, None)})


def temperatures(rng, t: pd.DataFrame) -> pd.DataFrame:
    """A reading at check-in, then two a day until release: normal but for a few transient fevers and days
    without a report at home (`_incidents`; 零境外输入病例: no case follows)."""
    p = t[t["measure"].isin(["hotel", "home"])]
    start = p["m_at"].to_numpy("datetime64[s]")
    slots = 31
    rows = np.repeat(np.arange(len(p)), slots)
    k = np.tile(np.arange(slots), len(p))
    day = start[rows].astype("datetime64[D]") + ((k + 1) // 2) * DAY
    at = np.where(k == 0, start[rows] + _minutes(rng, len(rows), 10, 30),
                  day.astype("datetime64[s]") + (np.where(k % 2 == 1, 8 * 60, 15 * 60)
                                                 + rng.integers(0, 90, len(rows))) * MIN)
    end = np.where(np.isnat(p["release"].to_numpy("datetime64[s]")), (END + DAY).astype("datetime64[s]"),
                   p["release"].to_numpy("datetime64[s]"))
    keep = (at > start[rows]) & (at < end[rows])
    rows, at = rows[keep], at[keep]
    g = p.iloc[rows]
    travel = (g["cls"] == "X").to_numpy() | ((rng.random(len(g)) < 0.05) & (g["cls"] == "A").to_numpy())
    temperature = np.round(np.clip(rng.normal(36.5, 0.2, len(g)), 35.9, 37.2), 1)
    fever, missed = _incidents(g, at, start[rows])
    temperature[fever] = np.round(37.5 + (g["key"].to_numpy()[fever] % 8) / 10, 1)
    keep = ~missed
    return pd.DataFrame({
        "_key": g["key"].to_numpy(), "_t": at,
        "doc_number": np.where(travel, g["doc_no"].to_numpy(), g["rid"].to_numpy()), "name": g["name"].to_numpy(),
        "checked_at": at, "temperature": temperature,
        "symptoms": np.where(fever, "发热", "无")})[keep]


def _incidents(g: pd.DataFrame, at: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which readings are fevers and which were never sent (masks over the readings), chosen from the person's key
    (no random draw: the other feeds stay as they were; never a story's person): about one in 40 people in
    quarantine has a fever on the afternoon of day 3 (transient: no case follows), and about one in 25 of those at
    home sends nothing on day 5."""
    key = np.where(g["story"].fillna("").eq(""), g["key"].to_numpy(), -1)
    day = (at.astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)
    afternoon = at.astype("datetime64[h]").astype(np.int64) % 24 >= 12
    fever = (key % 40 == 7) & (day == 3) & afternoon
    missed = (key % 25 == 3) & (g["measure"] == "home").to_numpy() & (day == 5)
    return fever, missed


def releases(rng, t: pd.DataFrame) -> pd.DataFrame:
    p = t[t["release"].notna()]
    return pd.DataFrame({"_key": p["key"], "_t": p["release"], "doc_number": p["rid"].fillna(p["doc_no"]),
                         "name": p["name"], "released_at": p["release"]})


def quarantine_lodging(rng, t: pd.DataFrame, hotels: dict[str, Site]) -> pd.DataFrame:
    """Half of the designated hotels' guests also show up in the lodging registration system."""
    p = t[(t["measure"] == "hotel") & (rng.random(len(t)) < 0.5)]
    site = [hotels[s] for s in p["site"]]
    seen = p["m_at"].to_numpy("datetime64[s]") + _minutes(rng, len(p), 3, 25)
    doc_type, doc_number = _docs(rng, p, 0.05)
    return pd.DataFrame({
        "_key": p["key"], "_t": seen, "place_code": [s.district + "9" + s.id[-3:] for s in site],
        "place": [s.name for s in site], "address": [s.address for s in site], "lon": [s.lon for s in site],
        "lat": [s.lat for s in site], "seen_at": seen, "name": p["name"], "doc_type": doc_type,
        "doc_number": doc_number, "phone": p["phone"]})
