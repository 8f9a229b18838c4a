"""A small synthetic city for query, layer, page and browser tests: real boundaries, a few hundred journeys.

Every row of a person carries the person's residence codes, except five border entries of people with no known
residence (no area codes): the city counts them, no district does.
"""
from __future__ import annotations

import datetime as dt
import json
import random

import pandas as pd
import pytest

from ingest.reference import write_reference
from store.db import Store

DISTRICTS = ("450403", "450405", "450481")          # 万秀区, 长洲区, 岑溪市
COUNTRIES = ("马来西亚", "日本", "泰国", "英国", "美国", "中国香港")
PORTS = ("广州白云机场", "深圳湾口岸", "南宁吴圩机场")
ARRIVAL_PLACES = ("梧州南站", "梧州站", "梧州西江机场")
DAY0 = dt.datetime(2020, 1, 20)
END = dt.datetime(2020, 4, 30, 23)


def _t(rng: random.Random, start: dt.datetime, days: float) -> dt.datetime:
    return start + dt.timedelta(days=rng.uniform(0, days), hours=rng.randint(7, 20))


def _rows(boundaries, seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    comm = boundaries.communities
    comm = comm[comm["district_code"].isin(DISTRICTS)]
    pick = comm.groupby("township_code").head(3).groupby("district_code").head(9)   # 3 townships x 3 per district
    places = pick.assign(pt=pick.geometry.representative_point())
    rows: dict[str, list[dict]] = {k: [] for k in (
        "persons", "documents", "abroad", "border_entries", "arrivals", "transfers", "quarantines",
        "health_checks", "service_measures", "sightings", "checkpoints", "checkpoint_vehicle_checks",
        "checkpoint_person_checks", "quarantine_sites", "batches", "rejects", "cases", "enforcement_cases")}
    for pid in range(1, 361):
        home = places.iloc[pid % len(places)]
        codes = {"community_code": home["code"], "township_code": home["township_code"],
                 "district_code": home["district_code"]}
        resident = pid % 10 != 0
        rows["persons"].append({"person_id": pid, "name": rng.choice("张王李陈刘黄") + rng.choice("小大明华") + "梧",
                                "sex": "M", "phone": f"138{pid:08d}", "is_registered_resident": resident,
                                "address": f"住址{pid}", "lon": home["pt"].x, "lat": home["pt"].y,
                                "first_channel": "exit_entry", "first_batch_id": 1, **codes})
        rows["documents"].append({"doc_type": "resident_id", "doc_number": f"450403199001{pid:05d}X"[:18],
                                  "person_id": pid, "batch_id": 1})
        doc = "passport" if pid % 3 else "hk_macau_permit"
        rows["documents"].append({"doc_type": doc, "doc_number": f"E{pid:08d}", "person_id": pid, "batch_id": 1})
        exit_at = _t(rng, dt.datetime(2019, 12, 1), 100)
        if resident:
            rows["abroad"].append({"person_id": pid, "doc_type": doc, "doc_number": f"E{pid:08d}",
                                   "exit_date": exit_at.date(), "country": rng.choice(COUNTRIES),
                                   "verification_status": "verified", "batch_id": 1, "line": pid, **codes})
        if pid % 2 and pid % 7 != 0:
            continue                                     # still abroad
        entry = _t(rng, max(exit_at, DAY0), 70)
        if entry > END:
            continue
        rows["border_entries"].append({"person_id": pid, "entry_date": entry.date(), "port": rng.choice(PORTS),
                                       "from_country": rng.choice(COUNTRIES), "channel": "police",
                                       "batch_id": 2, "line": pid, **codes})
        if pid % 29 == 0:                                # left again after coming back
            rows["abroad"].append({"person_id": pid, "doc_type": doc, "doc_number": f"E{pid:08d}",
                                   "exit_date": (entry + dt.timedelta(days=20)).date(), "country": "日本",
                                   "verification_status": "pending", "batch_id": 1, "line": 1000 + pid, **codes})
            continue
        if pid % 11 == 0:
            continue                                     # entered, never arrived
        arrived = entry + dt.timedelta(days=rng.choice([0, 1, 2, 40 if pid % 13 == 0 else 3]))
        rows["arrivals"].append({"person_id": pid, "arrived_at": arrived, "place_kind": "rail_station",
                                 "place": rng.choice(ARRIVAL_PLACES), "channel": "transport",
                                 "batch_id": 3, "line": pid, **codes})
        if pid % 5 == 0:
            continue                                     # arrived, not (yet) in quarantine
        kind = "home" if pid % 9 == 0 else "hotel"
        start = arrived + dt.timedelta(hours=3)
        released = start + dt.timedelta(days=14, hours=1) if pid % 4 else None
        released = released if released and released < END else None
        rows["transfers"].append({"person_id": pid, "transfer_at": arrived, "from_place": "梧州南站",
                                  "to_kind": kind, "to_site_id": "Q1" if kind == "hotel" else None,
                                  "team": "转运一组", "batch_id": 4, "line": pid, **codes})
        rows["quarantines"].append({"person_id": pid, "kind": kind, "site_id": "Q1" if kind == "hotel" else None,
                                    "start_at": start, "planned_end": (start + dt.timedelta(days=14)).date(),
                                    "released_at": released, "batch_id": 4, "line": pid, **codes})
        rows["service_measures"].append({"person_id": pid, "measure": "集中隔离医学观察", "started_at": start,
                                         "channel": "quarantine", "batch_id": 4, "line": pid, **codes})
        for day in range(3):
            rows["health_checks"].append({"person_id": pid, "checked_at": start + dt.timedelta(days=day, hours=5),
                                          "temperature": 36.5 + day / 10, "channel": "quarantine",
                                          "batch_id": 5, "line": pid * 10 + day, **codes})
        rows["sightings"].append({"person_id": pid, "channel": "tracing_app", "feed": "tracing", "seen_at": start,
                                  "lon": home["pt"].x, "lat": home["pt"].y, "batch_id": 6, "line": pid, **codes})
    for pid in range(361, 366):      # entries the police platform sent for people with no known residence
        rows["persons"].append({"person_id": pid, "name": "赵无址", "is_registered_resident": True,
                                "first_channel": "police", "first_batch_id": 2})
        rows["border_entries"].append({"person_id": pid, "entry_date": dt.date(2020, 2, pid - 340), "port": PORTS[0],
                                       "channel": "police", "batch_id": 2, "line": pid})
    for i, (_, c) in enumerate(places.iloc[:4].iterrows()):
        cid = f"CP{i + 1}"
        rows["checkpoints"].append({"checkpoint_id": cid, "name": f"检测站{i + 1}", "road": "G321",
                                    "lon": c["pt"].x, "lat": c["pt"].y, "community_code": c["code"],
                                    "township_code": c["township_code"], "district_code": c["district_code"],
                                    "batch_id": 7})
        for n in range(400 * (i + 1)):
            at = _t(rng, DAY0, 100)
            rows["checkpoint_vehicle_checks"].append({"checkpoint_id": cid, "checked_at": at, "plate": f"桂D{n:05d}",
                                                      "occupants": 2, "batch_id": 8, "line": n})
            if n % 3 == 0:
                rows["checkpoint_person_checks"].append({"checkpoint_id": cid, "checked_at": at, "temperature": 36.6,
                                                         "batch_id": 9, "line": n})
    site = places.iloc[1]
    rows["quarantine_sites"].append({"site_id": "Q1", "name": "隔离酒店一", "kind": "hotel", "capacity": 200,
                                     "lon": site["pt"].x, "lat": site["pt"].y, "community_code": site["code"],
                                     "township_code": site["township_code"], "district_code": site["district_code"],
                                     "batch_id": 10})
    for n, (district, day, kind, people) in enumerate(
            [("450403", 3, "online_rumour", (2, 1, 0)), ("450403", 9, "online_rumour", (1, 0, 1)),
             ("450405", 9, "online_rumour", (3, 0, 0)), ("450403", 24, "online_rumour", (0, 1, 1)),
             ("450403", 12, "price_gouging", (0, 0, 1))]):          # the last one is not a rumour case
        rows["enforcement_cases"].append({"case_id": f"E{n}", "handled_on": DAY0.date() + dt.timedelta(days=day),
                                          "kind": kind, "district_code": district, "educated": people[0],
                                          "detained": people[1], "fined": people[2], "summary": "…", "batch_id": 11,
                                          "line": n + 2})
    rows["batches"], rows["rejects"] = _provenance()
    rows["corrections"] = _corrections()
    return rows


def _corrections() -> list[dict]:
    """Re-sent hotel stays with other values: batch 3 corrected two of batch 1's records (one the hotel, one the
    hotel and the phone), batch 5 one of batch 3's; a grid record's address corrected by batch 23."""
    hotel, grid = [("place",), ("phone", "place")], [("address",)]
    rows = []
    for batch, before, changed in [(3, 1, hotel[0]), (3, 1, hotel[1]), (5, 3, hotel[0]), (23, 21, grid[0])]:
        rows.append({"feed": "grid" if batch == 23 else "hotel", "key": f"K{len(rows)}", "before_fields": "{}",
                     "changed": json.dumps([{"column": c, "before": "张三", "after": "李四"} for c in changed]),
                     "before_batch_id": before, "before_line": 2, "batch_id": batch, "line": 2 + len(rows),
                     "corrected_at": DAY0 + dt.timedelta(days=batch, minutes=2)})
    return rows


def _provenance() -> tuple[list[dict], list[dict]]:
    """Batches of three channels: two daily, one that stopped sending after 03-10."""
    batches, rejects, bid = [], [], 0
    for channel, feed, last in (("hotel", "hotel", 40), ("grid", "grid", 40), ("university", "university", 20)):
        for day in range(0, last, 2 if channel != "university" else 5):
            bid += 1
            start = DAY0 + dt.timedelta(days=day)
            batches.append({"batch_id": bid, "channel": channel, "feed": feed, "file_name": f"{feed}_{day:03d}.csv",
                            "file_sha256": f"sha{bid}", "rows_read": 100, "rows_accepted": 97, "rows_rejected": 3,
                            "persons_new": 5, "persons_matched": 90, "review_pairs": 0, "data_from": start,
                            "data_to": start + dt.timedelta(days=1), "started_at": start,
                            "committed_at": start + dt.timedelta(minutes=2)})
            for line in range(3):
                rejects.append({"batch_id": bid, "channel": channel, "feed": feed, "file_name": f"{feed}_{day:03d}.csv",
                                "line": line + 2, "reason": "phone: invalid phone '12'" if line else
                                "resident_id: check digit wrong", "raw": "..."})
    return batches, rejects


def build_city(root, boundaries, seed: int = 7) -> Store:
    """A published store with the synthetic city in `root`."""
    store = Store(root)
    with store.writer() as conn:
        write_reference(conn, boundaries)
        for table, records in _rows(boundaries, seed).items():
            if records:
                conn.register("synthetic_rows", pd.DataFrame.from_records(records))
                conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM synthetic_rows")
                conn.unregister("synthetic_rows")
    return store


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory, boundaries) -> Store:
    """The synthetic city, built once per test session."""
    return build_city(tmp_path_factory.mktemp("synthetic") / "store", boundaries)


@pytest.fixture(scope="session")
def app_config(tmp_path_factory, boundaries):
    """Settings for a test app: its own assets folder (the project's CSS/JS + GeoJSON of the real boundaries)
    and state file (users, audit, notes), so tests never write into the project's assets or var/."""
    from geo.mapfiles import write_map_files
    from pages.context import ROOT, AppConfig

    base = tmp_path_factory.mktemp("app")
    assets = base / "assets"
    assets.mkdir()
    for item in (ROOT / "assets").iterdir():
        if item.name != "geo":
            (assets / item.name).symlink_to(item)
    write_map_files(boundaries, assets / "geo")
    return AppConfig(secret_key=b"test", assets_dir=assets, state_path=base / "app.sqlite")
