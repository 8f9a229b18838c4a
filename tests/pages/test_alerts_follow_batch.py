"""A small batch's alerts: the server takes the previous snapshot's alerts and computes again only those of the
people the batch changed (pages/loop_map.period_alerts, Store.changed_between). The result must be what the
whole computation gives on the new snapshot."""
from __future__ import annotations

import shutil
import threading

import pandas as pd
import pytest

from ingest.channels import feed_named
from ingest.run import ingest_files
from pages import loop_map
from pages.context import AppContext
from queries.runner import Scope
from store.db import Store
from tests.queries.synthetic import app_config  # noqa: F401  (fixture)

CITY = Scope.whole_city("leadership")
RAIL_HEADER = "车次,出发站,到达站,到达时间,姓名,证件类型,证件号码,手机\n"


@pytest.fixture
def demo_copy(demo_city, tmp_path) -> Store:
    """The demo city's published snapshot as a store of its own (the test writes to it), with a version of its
    own in HISTORY to follow from."""
    snapshot = demo_city[0].current_path()
    root = tmp_path / "store"
    root.mkdir()
    shutil.copy2(snapshot, root / snapshot.name)
    (root / "CURRENT").write_text(snapshot.name)
    with Store(root).writer():
        pass
    return Store(root)


def returnees(conn, n: int) -> list[tuple]:
    """(name, resident ID) of people on the abroad list with no return alert and no border entry yet."""
    return conn.execute("""
        SELECT p.name, d.doc_number FROM abroad a JOIN persons p USING (person_id)
        JOIN documents d ON d.person_id = a.person_id AND d.doc_type = 'resident_id'
        WHERE NOT EXISTS (SELECT 1 FROM alerts x WHERE x.person_id = a.person_id)
          AND NOT EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id)
        GROUP BY ALL ORDER BY d.doc_number LIMIT ?""", [n]).fetchall()


def test_a_small_batch_patches_the_alerts_to_what_the_whole_computation_gives(demo_copy, app_config, tmp_path,
                                                                               monkeypatch):
    ctx = AppContext.create(demo_copy, app_config)
    before = loop_map.period_alerts(ctx, CITY)
    day = ctx.period().end                       # inside the period: the period (part of the key) stays
    people = returnees(demo_copy.reader(), 6)
    rail = tmp_path / "rail_follow.csv"
    rail.write_text(RAIL_HEADER + "".join(f"D3626,广州南,梧州南站,{day} 09:{i:02d}:00,{name},身份证,{number},\n"
                                          for i, (name, number) in enumerate(people)), encoding="utf-8")
    old = demo_copy.version()
    _, errors = ingest_files(demo_copy, [(feed_named("rail"), rail)], show_progress=False)
    assert errors == []
    changed = demo_copy.changed_between(old, demo_copy.version())
    assert changed is not None and 6 <= len(changed) < 50

    asked, collect, here = [], loop_map.alerts.collect, threading.get_ident()

    def recorded(*args, **kwargs):               # this thread's calls (an earlier test's warm-up may still run)
        if threading.get_ident() == here:
            asked.append(kwargs.get("persons"))
        return collect(*args, **kwargs)
    monkeypatch.setattr(loop_map.alerts, "collect", recorded)
    patched = loop_map.period_alerts(ctx, CITY)
    assert asked == [sorted(changed)]            # only the changed people's alerts were computed

    whole = loop_map.period_alerts(AppContext.create(demo_copy, app_config), CITY)
    assert asked[-1] is None
    pd.testing.assert_frame_equal(patched, whole)
    raised = set(whole.loc[whole["kind"] == "return", "person_id"]) - set(before.loc[before["kind"] == "return",
                                                                                     "person_id"])
    assert len(raised) == 6                      # the batch's return alerts are there


def test_merged_places_the_fresh_alerts_where_sorting_everything_would():
    t = pd.Timestamp
    rows = [(0, t("2020-03-01 10:00"), "leak:release:5:2020-02-10"), (1, t("2020-03-02"), "leak:release:1:2020-02-17"),
            (1, t("2020-03-02"), "leak:release:3:2020-02-17"), (1, t("2020-03-02"), "leak:release:9:2020-02-17"),
            (1, t("2020-03-02 08:00"), "return:2:2020-01-30"), (4, t("2020-03-05"), "fever:4:2020-03-04")]
    frame = pd.DataFrame(rows, columns=list(loop_map.ALERT_ORDER)).assign(person_id=range(len(rows)))
    for fresh_rows in ([0, 5], [2], [1, 2, 3], [4, 5], [0, 1, 2, 3, 4, 5], []):
        fresh = frame.iloc[fresh_rows].reset_index(drop=True)
        kept = frame.drop(index=fresh_rows).reset_index(drop=True)
        pd.testing.assert_frame_equal(loop_map.merged(kept, fresh), frame)
