"""A province of two cities (Wuzhou, the demo's configuration; Hezhou, tests/data/hezhou): a store per city set up
by `app.py province init`, one distributed ingest of mixed files that routes each record to its city (by point,
district code, document), the records of no city kept with their reason, and each city's dashboard serving its
own city: its figures, its names, its map, and nothing of the other city."""
from __future__ import annotations

import csv
import dataclasses
import json

import pandas as pd
import pytest

from app import ROOT, main
from demo.feeds import write_xlsx
from ingest.channels import feed_named
from ingest.distributed import cluster_client, configured
from province.layout import Province
from province.route import UNROUTED
from province.run import ingest_province
from queries.figures import headline
from queries.runner import Scope
from tests.demo_city.test_second_city import GRID, HEZHOU
from tests.ids import resident_id

WUZHOU_IDS = [resident_id("450403", "19800101", 11), resident_id("450421", "19750505", 12)]
HEZHOU_ID = resident_id("451102", "19850304", 121)        # 韦丽 of GRID: a Hezhou person


def _wuzhou_rows(boundaries) -> str:
    """Two grid rows at points inside two of Wuzhou's communities, and one in Nanning (no city of the province)."""
    points = boundaries.communities.geometry.representative_point()
    rows = [f"2020/3/{20 + i} 09:00,覃{'一二'[i]},{WUZHOU_IDS[i]},1390774{i:04d},广西梧州市某路{i}号,"
            f"{points.iloc[i * 300].x:.5f},{points.iloc[i * 300].y:.5f},泰国,20200318,居家观察\n" for i in range(2)]
    return "".join(rows) + f"2020/3/22 10:00,陆三,{resident_id('450103', '19900101', 13)},13907749999," \
                           "广西南宁市青秀区民族大道1号,108.3700,22.8170,越南,20200320,居家观察\n"


@pytest.fixture(scope="module")
def province(tmp_path_factory, boundaries):
    root = tmp_path_factory.mktemp("province") / "guangxi"
    assert main(["province", "init", str(root), "--city", f"wuzhou={ROOT / 'config'}",
                 "--city", f"hezhou={HEZHOU / 'config'}"]) == 0
    files = tmp_path_factory.mktemp("province-feeds")
    grid = files / "grid_province.csv"
    header, *hezhou_rows = GRID.splitlines(keepends=True)
    grid.write_bytes((header + hezhou_rows[0] + _wuzhou_rows(boundaries) + "".join(hezhou_rows[1:])).encode("gbk"))
    cases = files / "police_cases_province.csv"
    cases.write_text("案件编号,查处日期,区县代码,类别,教育训诫人数,行政拘留人数,罚款人数,摘要\n"
                     "WZ-1,2020-03-21,450403,网络谣言,1,0,0,梧州的案件\n"
                     "HZ-1,2026-11-03,451102,网络谣言,2,1,0,贺州的案件\n"
                     "HZ-2,2026-11-04,451122,网络谣言,1,0,1,贺州的案件\n"
                     "NN-1,2026-11-04,450103,网络谣言,1,0,0,南宁的案件\n", encoding="utf-8")
    temps = files / "qtemps_province.xlsx"
    write_xlsx(temps, feed_named("quarantine_temps"), pd.DataFrame(
        [[HEZHOU_ID, "韦丽", "2026-11-04 08:00", "36.6", ""],             # known in Hezhou (grid file): routed there
         [resident_id("440106", "19700101", 14), "无名", "2026-11-04 08:00", "36.8", ""]],  # known nowhere
        columns=["证件号码", "姓名", "检测时间", "体温", "症状"], dtype=object))
    pairs = [(feed_named("grid"), grid), (feed_named("police_cases"), cases), (feed_named("quarantine_temps"), temps)]
    with cluster_client(workers=2) as client:
        result = ingest_province(client, Province.load(root), pairs, show_progress=False)
    return Province.load(root), result


def test_each_record_lands_in_its_city(province):
    prov, result = province
    assert not result.errors
    wuzhou, hezhou = prov.store("wuzhou").reader(), prov.store("hezhou").reader()
    assert [r[0][:4] for r in wuzhou.execute("SELECT district_code FROM persons").fetchall()] == ["4504", "4504"]
    assert sorted(r[0] for r in hezhou.execute("SELECT district_code FROM persons").fetchall()) == \
        ["451102", "451122", "451123"]
    assert wuzhou.execute("SELECT list(case_id) FROM enforcement_cases").fetchone()[0] == ["WZ-1"]
    assert sorted(hezhou.execute("SELECT list(case_id) FROM enforcement_cases").fetchone()[0]) == ["HZ-1", "HZ-2"]
    assert hezhou.execute("SELECT count(*) FROM health_checks").fetchone()[0] == 1     # routed by its document
    assert wuzhou.execute("SELECT count(*) FROM health_checks").fetchone()[0] == 0
    assert wuzhou.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0          # no date of the other city's


def test_records_of_no_city_are_kept_with_their_reason_and_every_record_is_counted(province):
    prov, result = province
    with open(result.unrouted_file, encoding="utf-8") as f:
        kept = list(csv.DictReader(f))
    assert sorted((r["file"], r["reason"]) for r in kept) == sorted([
        ("grid_province.csv", UNROUTED), ("police_cases_province.csv", UNROUTED), ("qtemps_province.xlsx", UNROUTED)])
    assert "南宁" in next(r["raw"] for r in kept if r["file"] == "grid_province.csv")
    read = {}
    for summaries in result.summaries.values():
        for s in summaries:
            assert s.accepted + s.rejected == s.rows_read
            read[s.file] = read.get(s.file, 0) + s.rows_read
    assert {f: read[f] + result.unrouted[f] for f in read} == \
        {"grid_province.csv": 6, "police_cases_province.csv": 4, "qtemps_province.xlsx": 2}


def _dashboard(prov, name, monkeypatch, tmp_path_factory):
    """The city's app as `app.py province serve --city NAME` makes it: its store, its configuration, its own
    assets folder with its map files, its own state file."""
    from app import ensure_map_files
    from auth.state import State
    from intake import tokens
    from pages.context import AppConfig
    from pages.server import create_app
    from province.cli import city_assets

    store = prov.store(name)
    monkeypatch.setenv("WUZHOU_ASSETS", str(city_assets(prov.root, name, ROOT / "assets")))
    ensure_map_files(store)
    config = dataclasses.replace(AppConfig.from_env(), secret_key=b"test",
                                 state_path=tmp_path_factory.mktemp(name) / "app.sqlite")
    app = create_app(store, config)
    return app.server.test_client(), store, tokens.add(State(config.state_path), "portal", tokens.AGGREGATES)


@pytest.mark.parametrize("name, own, other", [("wuzhou", "450403", "451102"), ("hezhou", "451102", "450403")])
def test_each_city_dashboard_shows_its_own_city_only(province, name, own, other, monkeypatch, tmp_path_factory):
    prov, _ = province
    city = prov.city(name)
    with configured(city.config):
        http, store, token = _dashboard(prov, name, monkeypatch, tmp_path_factory)
        auth = {"Authorization": f"Bearer {token}"}
        answer = http.get("/api/v1/figures/headline?area=all", headers=auth).get_json()
        from queries.period import data_period
        expected = headline(store.reader(), Scope.whole_city(), data_period(store.reader()).latest)
        assert answer["figures"] == {k: v or 0 for k, v in expected.items()}
        assert answer["figures"]["rumours"] == (1 if name == "wuzhou" else 2)
        assert answer["figures"]["measures"] == 2
        mine = http.get(f"/api/v1/figures/headline?area={own}&as_of={answer['as_of']}", headers=auth).get_json()
        theirs = http.get(f"/api/v1/figures/headline?area={other}&as_of={answer['as_of']}", headers=auth).get_json()
        assert any(mine["figures"].values()) and not any(theirs["figures"].values())
        title = http.get("/login").get_data(as_text=True)
        assert ("梧州市" in title) == (name == "wuzhou") and ("贺州市" in title) == (name == "hezhou")
        districts = json.loads(http.get(f"/assets/geo/districts.geojson?v={store.version()}").get_data())
        codes = {f["id"] for f in districts["features"]}
        assert own in codes and other not in codes
        assert codes == {c for (c,) in store.reader().execute("SELECT code FROM districts").fetchall()}


def test_check_reports_every_city_and_the_records_of_no_city(province, capsys):
    prov, _ = province
    assert main(["province", "check", str(prov.root)]) == 0
    out = capsys.readouterr().out
    assert out.count("status: healthy") == 2 and "wuzhou (" in out and "hezhou (" in out
    assert "records of no city: 3 kept in 1 file(s)" in out


def test_serving_a_city_needs_its_name(province, capsys):
    prov, _ = province
    assert main(["province", "serve", str(prov.root)]) == 2
    assert "name the city (--city NAME)" in capsys.readouterr().err
    assert main(["province", "serve", str(prov.root), "--city", "liuzhou"]) == 2
    assert "no city 'liuzhou'" in capsys.readouterr().err


def test_ingest_command_runs_on_a_cluster(city_store, boundaries, tmp_path):
    grid = tmp_path / "grid_wuzhou.csv"
    grid.write_bytes((GRID.splitlines(keepends=True)[0] + _wuzhou_rows(boundaries)).encode("gbk"))
    assert main(["--store", str(city_store.root), "ingest", "--channel", "grid", str(grid), "--workers", "1"]) == 0
    conn = city_store.reader()
    assert conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 2
    assert conn.execute("SELECT list(reason) FROM rejects").fetchone()[0] == ["lon/lat: outside the city"]


def test_routing_rules_in_their_order(province, tmp_path):
    from ingest.readers import parse_file
    from province.route import Router

    prov, _ = province
    router = Router.from_stores({c.name: prov.store(c.name).reader() for c in prov.cities}, prov.names_zh())
    wuzhou, hezhou = router.cities.index("wuzhou"), router.cities.index("hezhou")
    inside = prov.store("hezhou").reader().execute("SELECT lon, lat FROM communities LIMIT 1").fetchone()
    header = GRID.splitlines()[0]
    rows = ["2020/3/20,甲,,13900000001,广西昭平县走马镇某村,,,泰国,,",                # a district only Hezhou has
            "2020/3/20,乙,,13900000002,梧州市长洲区某路1号,,,泰国,,",               # names Wuzhou
            "2020/3/20,丙,,13900000003,某地某路,,,泰国,,",                          # tells nothing
            "2020/3/20,丁,,13900000004,从梧州市到贺州市,,,泰国,,",                  # names both: not guessed
            f"2020/3/20,戊,,13900000005,梧州市某路,{inside[0]},{inside[1]},泰国,,"]   # its point wins
    path = tmp_path / "grid_routing.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("gbk"))
    assert router.route(parse_file(feed_named("grid"), path)).tolist() == [hezhou, wuzhou, -1, -1, hezhou]
    assert router.sites["place"]["梧州南站"] == wuzhou           # an arrival point in the city: its store says so
    assert router.city_of_district["451123"] == hezhou and router.city_of_district["450481"] == wuzhou
