"""The report's figures as of 2020-03-29, recomputed from the files alone (the truth's person keys standing in
for identity resolution), with the definitions the query layer uses."""
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pytest

from ingest.reference import ARRIVAL_POINTS
from tests.demo.files import times

D = pd.Timestamp("2020-03-29")
NEXT = D + pd.Timedelta(days=1)
START = pd.Timestamp("2020-01-20")


@pytest.fixture(scope="module")
def rows(feed_rows):
    names = ("abroad", "police_entries", "tracing", "rail", "air", "grid", "quarantine_checkins", "police_cases",
             "person_checks", "cases")
    return {n: feed_rows(n) for n in names}


def _entries(rows) -> pd.DataFrame:
    police = rows["police_entries"].assign(day=lambda r: times(r["entry_date"]))
    app = rows["tracing"][rows["tracing"]["entry_date"] != ""]
    app = app[app["port"] != ""].assign(day=lambda r: times(r["entry_date"]))
    return pd.concat([police[["person_key", "day"]], app[["person_key", "day"]]], ignore_index=True)


def test_abroad_entered_arrived_and_measures_are_the_reports(rows):
    abroad = rows["abroad"].assign(exit=lambda r: times(r["exit_date"]))
    abroad = abroad[abroad["exit"] < NEXT]
    latest = abroad.sort_values("exit").groupby("person_key").last()
    entries = _entries(rows)
    e = entries.merge(latest[["exit"]], left_on="person_key", right_index=True)
    back = set(e.loc[(e["day"] >= e["exit"]) & (e["day"] < NEXT), "person_key"])
    still = latest[~latest.index.isin(back)]
    assert (still["doc_type"] == "护照").sum() == 3813
    assert (still["doc_type"] == "往来港澳通行证").sum() == 1317

    registered = set(rows["abroad"]["person_key"]) | set(rows["police_entries"]["person_key"])
    window = entries[(entries["day"] >= START) & (entries["day"] < NEXT)]
    assert window.loc[window["person_key"].isin(registered), "person_key"].nunique() == 839

    points = set(pd.read_csv(ARRIVAL_POINTS)["name"])
    moved = pd.concat([r.assign(at=times(r["seen_at"]))[["person_key", "at", "place"]]
                       for r in (rows["rail"], rows["air"])], ignore_index=True)
    moved = moved[moved["place"].isin(points)]
    checks = rows["person_checks"].assign(at=lambda r: times(r["checked_at"]))
    checks = checks[checks["person_key"].isin(registered | set(rows["tracing"]["person_key"]))]
    arrivals = pd.concat([moved[["person_key", "at"]], checks[["person_key", "at"]]], ignore_index=True)
    arrivals = arrivals[(arrivals["at"] >= START) & (arrivals["at"] < NEXT)].merge(entries, on="person_key")
    lag = (arrivals["at"].dt.normalize() - arrivals["day"]).dt.days
    assert arrivals.loc[(lag >= 0) & (lag <= 30), "person_key"].nunique() == 729

    grid = rows["grid"][rows["grid"]["measure"] != ""]
    assert (grid["resident_id"] != "").all()            # a measure never rides on a row without an ID
    starts = pd.concat([grid.assign(at=times(grid["seen_at"])), rows["quarantine_checkins"].assign(
        at=lambda r: times(r["seen_at"]))], ignore_index=True)
    assert starts.loc[starts["at"] < NEXT, "person_key"].nunique() == 362


def test_checkpoint_checks_are_the_reports(demo_feeds):
    out, files, truth = demo_feeds
    rejected = truth[truth["expect"] == "reject"]
    for feed, lo, hi in (("vehicle_checks", 480_000, 490_000), ("person_checks", 140_000, 150_000)):
        total = 0
        for f in files:
            if f.feed != feed:
                continue
            col = pacsv.read_csv(f.path, convert_options=pacsv.ConvertOptions(
                column_types={"检查时间": "string"})).column("检查时间").to_numpy(zero_copy_only=False)
            bad = rejected.loc[rejected["file"] == f.path.name, "line"].to_numpy() - 2
            keep = np.ones(len(col), bool)
            keep[bad] = False
            day = np.char.replace(col[keep].astype(str), "/", "-")
            total += int((day < "2020-03-30").sum())
        assert lo <= total < hi, feed


def test_rumours_and_cases_are_the_reports(rows):
    cases = rows["police_cases"].assign(day=lambda r: times(r["handled_on"]))
    rumours = cases[(cases["case_kind"] == "网络谣言") & (cases["day"] < NEXT)]
    assert len(rumours) == 41
    counts = rumours[["educated", "detained", "fined"]].astype(int).sum()
    assert tuple(counts) == (33, 7, 4)
    others = cases[(cases["case_kind"] != "网络谣言") & (cases["day"] < NEXT)]
    assert (others[["educated", "detained", "fined"]].astype(int).to_numpy() == 0).all()
    assert (rows["cases"]["case_kind"] == "本土").all()


def test_the_curves_go_on_after_the_report(rows):
    entries = _entries(rows)
    later = entries[entries["day"] > D]
    assert later["person_key"].nunique() > 100
    assert times(rows["quarantine_checkins"]["seen_at"]).max() > pd.Timestamp(dt.date(2020, 4, 25))
