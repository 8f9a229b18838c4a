"""The overview's view lives in its address (area, pick, metric, date, layers, classes), and the briefing: one
printable PDF page of that view, in the page's language, for the overview's roles, audited."""
import io
import json

import pypdf

from auth import audit
from auth.state import State
from tests.pages.dash_client import account

OWN, OTHER = "450403", "450405"


def page(client, search: str) -> str:
    reply = client.call("page.children", {"url.pathname": "/", "url.search": search})
    return json.dumps(reply.outputs, ensure_ascii=False)


def props(layout: str, component_id: str) -> dict:
    """The props of the component `component_id` in a rendered layout (JSON text)."""
    def find(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == component_id:
                return node["props"]
            for value in node.values():
                found = find(value)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = find(value)
                if found is not None:
                    return found
        return None
    return find(json.loads(layout))


def test_the_address_sets_area_metric_date_layers_and_classes(client):
    layout = page(client, "?area=450403005&pick=450403005001&metric=entered&date=2020-03-01&layers=sites&classes=natural")
    assert props(layout, "ov-drill")["data"] == {"path": [OWN, "450403005"], "selected": "450403005001"}
    assert props(layout, "ov-metric")["value"] == "entered" and props(layout, "ov-classes")["value"] == "natural"
    assert props(layout, "ov-points")["value"] == ["sites"]
    assert props(layout, "ov-day-label")["children"] == "2020-03-01"
    assert "area=450403005" in props(layout, "ov-briefing")["href"]
    assert "date=2020-03-01" in props(layout, "ov-briefing")["href"]


def test_an_address_outside_the_scope_or_nonsense_falls_back_to_home(login):
    police = login("police", OWN)
    layout = page(police, f"?area={OTHER}001&metric=nothing&date=2020-13-45&layers=bogus&classes=x")
    assert props(layout, "ov-drill")["data"] == {"path": [OWN], "selected": None}
    assert props(layout, "ov-metric")["value"] == "abroad" and props(layout, "ov-points")["value"] == []
    assert props(layout, "ov-classes")["value"] == "quantile"
    unknown = page(login("analyst"), "?area=450403999")                     # a code that is no area
    assert props(unknown, "ov-drill")["data"]["path"] == []


def test_the_briefing_is_one_page_of_the_view_in_the_page_language(login, app_config):
    leader = login("leadership")
    reply = leader.http.get("/briefing.pdf?area=450403&metric=entered&date=2020-03-20&layers=checkpoints")
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/pdf"
    assert reply.headers["Content-Disposition"].startswith('inline; filename="wuzhou_briefing_450403_entered_2020-03-20_')
    document = pypdf.PdfReader(io.BytesIO(reply.get_data()))
    assert len(document.pages) == 1
    text = document.pages[0].extract_text()
    for expected in ("态势简报", "万秀区", "累计入境（人），截至 2020-03-20", "较前一日", "每日新增入境", "网络谣言案件",
                     "高校学生系统", "更正记录", "联合检测站"):
        assert expected in text, expected
    fonts = {str(f["/BaseFont"]) for p in document.pages for f in p["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK" in f for f in fonts), fonts                  # the CJK font embedded: no tofu
    rows = [r for r in audit.recent(State(app_config.state_path), 100, "export") if r["target"] == "briefing"]
    assert rows and json.loads(rows[0]["detail"])["view"]["area"] == "450403"
    leader.visit("/?lang=en")
    english = pypdf.PdfReader(io.BytesIO(leader.http.get("/briefing.pdf").get_data())).pages[0].extract_text()
    assert "Situation briefing" in english and "态势简报" not in english
    leader.visit("/?lang=zh")


def test_the_briefing_keeps_to_the_scope_and_the_overview_roles(login):
    police = login("police", OWN)
    reply = police.http.get(f"/briefing.pdf?area={OTHER}")
    assert reply.status_code == 200 and f"_briefing_{OWN}_" in reply.headers["Content-Disposition"]
    assert login("admin").http.get("/briefing.pdf").status_code == 403
