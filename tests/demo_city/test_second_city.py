"""A second real city (Hezhou, 贺州市) set up by configuration alone (tests/data/hezhou/config): its district
polygons from cnmaps under its own codes, townships and communities generated from its code lists and marked so,
a grid-screening file of its own ingested, its figures, and its names on screen."""
from __future__ import annotations

import pandas as pd

from ingest.channels import feed_named
from ingest.reference import write_reference
from ingest.run import ingest_files
from pages.i18n import t
from queries.figures import headline
from queries.period import data_period
from queries.runner import Scope
from store.db import Store
from tests.conftest import ROOT
from tests.ids import resident_id
from tests.shifted import configured

HEZHOU = ROOT / "tests" / "data" / "hezhou"
GRID = ("排查日期,姓名,身份证号,手机,现住址,经度,纬度,来自国家地区,入境日期,服务措施\n"
        f"2026/11/2 09:15,韦丽,{resident_id('451102', '19850304', 121)},13907741234,广西贺州市八步区八步街道建设路12号,"
        "111.5530,24.4140,马来西亚,20261030,居家观察\n"
        f"2026/11/3 10:05,莫海,{resident_id('451123', '19790611', 331)},13807745678,广西贺州市富川瑶族自治县富阳镇新永路8号,"
        "111.2780,24.8180,泰国,20261101,居家观察\n"
        f"2026/11/4 16:40,黄敏,{resident_id('451122', '19920122', 402)},13607749876,广西贺州市钟山县钟山镇兴钟路3号,"
        "111.3030,24.5260,广东广州,,\n")


def test_a_second_city_is_set_up_by_configuration_alone(tmp_path):
    with configured(HEZHOU / "config"):
        from geo.boundaries import load_boundaries

        boundaries = load_boundaries(tmp_path / "geo")
        official = pd.read_csv(HEZHOU / "districts.csv", dtype=str)
        assert boundaries.districts[["code", "name"]].values.tolist() == official.values.tolist()
        assert not boundaries.districts["generated"].any()
        assert boundaries.townships["generated"].all() and boundaries.communities["generated"].all()
        assert len(boundaries.townships) == 10 and len(boundaries.communities) == 20
        assert boundaries.districts.total_bounds[1] > 23.5          # Hezhou lies north of Wuzhou

        store = Store(tmp_path / "store")
        with store.writer() as conn:
            write_reference(conn, boundaries)
        path = tmp_path / "grid_hezhou.csv"
        path.write_bytes(GRID.encode("gbk"))
        summaries, errors = ingest_files(store, [(feed_named("grid"), path)], show_progress=False)
        assert not errors and summaries
        conn = store.reader()
        period = data_period(conn)
        assert (str(period.start), str(period.end)) == ("2026-11-02", "2026-11-04")
        figures = headline(conn, Scope.whole_city(), period.latest)
        assert figures["measures"] == 2
        placed = conn.execute("SELECT DISTINCT district_code FROM persons ORDER BY 1").fetchall()
        assert [r[0] for r in placed] == ["451102", "451122", "451123"]
        assert t("app.title") == "贺州市境外输入闭环管控态势图" and t("app.title", "en") == "Hezhou closed-loop situation map"
        assert t("card.arrived") == "来（返）贺"
