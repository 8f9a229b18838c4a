"""Every text in the page's language: reject reasons, audit action names, chart date axes, the checkpoint heat
map's station names, numbers with thousands separators."""
import json

import pandas as pd

from layers import alerts as alert_layer
from layers import charts
from pages.admin import ACTIONS
from pages.i18n import TEXT
from pages.reasons import reason_text


def test_reject_reasons_read_in_chinese_and_english():
    cases = {
        "resident_id: check digit wrong": ("身份证号：校验位错误", "ID number: check digit wrong"),
        "phone: invalid phone": ("电话：格式无效", "Phone: not a valid phone"),
        "doc_number: not a valid passport number": ("doc_number：不是有效的护照号码", None),
        "key: repeated by line 12 of this file": ("同一文件第 12 行重复此记录（以后者为准）", None),
        "checkpoint_id: unknown checkpoint": ("checkpoint_id：未知的检测站", None),
        "seen_at: missing": (None, None),
        "something new: never seen": ("something new: never seen", "something new: never seen"),
    }
    for reason, (zh, en) in cases.items():
        text = reason_text(reason, "zh")
        assert text == zh if zh else ("：" in text and "missing" not in text), (reason, text)
        if en:
            assert reason_text(reason, "en") == en


def test_the_feeds_page_shows_its_reasons_in_chinese(client):
    page = json.dumps(client.call("page.children", {"url.pathname": "/feeds", "url.search": ""}).outputs,
                      ensure_ascii=False)
    assert "身份证号：校验位错误" in page and "check digit wrong" not in page


def test_audit_action_names_have_both_languages(login):
    assert all(f"audit.{a}" in TEXT for a in ACTIONS)
    admin = login("admin")
    options = admin.call("page.children", {"url.pathname": "/admin", "url.search": ""}).outputs
    assert "拒绝访问" in json.dumps(options, ensure_ascii=False)
    rows = admin.call("ad-audit.rowData", {"ad-action.value": "login", "ad-version.data": 1}).outputs["ad-audit.rowData"]
    assert rows and {r["action"] for r in rows} == {"登录"}


def test_date_axes_are_numeric_and_every_station_is_named():
    days = pd.date_range("2020-03-01", periods=10)
    frame = pd.DataFrame({"day": days, "entered": range(10), "abroad": range(10), "in_quarantine": range(10)})
    panels = charts.daily_panels(frame, days[-1].date(), (days[0].date(), days[-1].date()),
                                 {k: k for k in charts.PANEL_LABELS})
    assert all(panels["layout"][f"xaxis{n}"]["hoverformat"] == "%Y-%m-%d" for n in ("", "2", "3", "4"))
    names = [f"站{i:02d}" for i in range(40)]
    checks = pd.DataFrame([{"checkpoint_id": f"C{i:02d}", "name": n, "day": d, "vehicles": 1000 + i, "persons": i}
                           for i, n in enumerate(names) for d in days[:3]])
    heat = charts.checkpoint_days(checks, {"vehicles": "车辆", "persons": "人员"})
    for axis in ("yaxis", "yaxis2"):
        assert heat["layout"][axis]["tickvals"] == names                 # every station, none skipped
    assert heat["layout"]["height"] >= 40 * 2 * 16 and heat["layout"]["xaxis"]["tickformat"] == "%m-%d"
    calendar = alert_layer.release_calendar(pd.DataFrame({"day": days[:2], "kind": ["hotel", "home"], "due": [2, 3],
                                                          "due_open": [1, 0], "released": [1, 3]}),
                                            {"due": "到期", "due_open": "未解除", "released": "已解除"}, {})
    assert calendar["layout"]["xaxis"]["hoverformat"] == "%Y-%m-%d"
