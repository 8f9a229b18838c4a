"""The corrections log (更正记录): what re-sent records changed in which figure, when, from which batch; reachable
from the overview; no key or value of a record on screen."""
import json

from pages import corrections
from queries.runner import Scope


def test_the_log_groups_corrections_by_batch_and_fields_and_names_the_figures(app, synthetic_store):
    ctx = app.server.extensions["context"]
    zh = corrections.log(ctx, Scope.whole_city("leadership"), "zh")
    conn = synthetic_store.reader()
    assert int(zh["records"].sum()) == conn.execute("SELECT count(*) FROM corrections").fetchone()[0] == 4
    rows = {(r.file_name, r.columns): r for r in zh.itertuples()}
    assert set(rows) == {("hotel_004.csv", "旅馆名称"), ("hotel_004.csv", "联系电话, 旅馆名称"),
                         ("hotel_008.csv", "旅馆名称"), ("grid_004.csv", "现住址")}     # as the files head them
    assert rows[("hotel_008.csv", "旅馆名称")].before_files == "hotel_004.csv"
    assert zh["file_name"].iloc[0] == "hotel_008.csv"                     # newest first
    assert "预警与脱管" in rows[("hotel_004.csv", "旅馆名称")].figures      # hotel stays feed the alerts
    en = corrections.log(ctx, Scope.whole_city("leadership"), "en")
    assert set(en["columns"]) >= {"place", "phone, place"}
    assert "where people are counted" in " ".join(en["figures"])            # grid: residence


def test_every_role_reaches_it_from_the_overview_and_sees_no_record(login):
    for role in ("leadership", "police", "analyst"):
        client = login(role, "450403" if role == "police" else None)
        page = client.call("page.children", {"url.pathname": "/", "url.search": ""}).outputs["page.children"]
        assert '"href": "/corrections"' in json.dumps(page, ensure_ascii=False)
        body = json.dumps(client.call("page.children", {"url.pathname": "/corrections", "url.search": ""}).outputs,
                          ensure_ascii=False)
        assert "4 条记录被更正，涉及 3 个批次" in body
        assert "张三" not in body and "李四" not in body and '"K0"' not in body       # no value, no key
