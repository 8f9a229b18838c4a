"""Text from feeds is shown as text: a person whose name, country, hotel and address are <script>, onerror and
javascript: payloads — ingested from feed files through the real path — is listed, opened, unmasked, noted and
alerted on in Chromium, and none of the payloads runs or becomes markup."""
import json

import pytest

from ingest.channels import feed_named
from ingest.reference import write_reference
from ingest.run import ingest_files
from store.db import Store
from tests.browser.helpers import choose_purpose, log_in, open_page, severe_errors, started, wait_until
from tests.ids import resident_id
from tests.queries.synthetic import app_config  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

ID = resident_id("450403", "19880808", 77)
NAME = "<img src=x onerror=window.__xss=1>"
PAYLOADS = {"country": "javascript:window.__xss=2", "city": "<script>window.__xss=3</script>",
            "hotel": "<script>window.__xss=4</script>", "address": "javascript:window.__xss=5",
            "note": "<script>window.__xss=6</script><a href=\"javascript:window.__xss=7\">x</a>"}
HOME = "广西梧州市万秀区角嘴街道新兴社区新兴一路8号"
SEAT = (111.31129, 23.47564)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory, boundaries):
    """A store holding the city and one hostile person, ingested from two feed files."""
    folder = tmp_path_factory.mktemp("hostile")
    abroad = folder / "abroad_x.jsonl"
    abroad.write_text(json.dumps({
        "name": NAME, "sex": "男", "resident_id": ID, "doc_type": "护照", "doc_number": "E77777777",
        "exit_date": "2020-01-05", "country": PAYLOADS["country"], "city": PAYLOADS["city"],
        "phone": "13807747777", "hukou_address": HOME, "verification": "已核实"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    hotel = folder / "hotel_x.csv"
    hotel.write_text("旅馆编码,旅馆名称,旅馆地址,经度,纬度,入住时间,姓名,证件类型,证件号码,联系电话\n"
                     f"H9,\"{PAYLOADS['hotel']}\",{PAYLOADS['address']},{SEAT[0]},{SEAT[1]},2020-03-20 10:00,"
                     f"\"{NAME}\",身份证,{ID},13807747777\n", encoding="gbk")
    store = Store(folder / "store")
    with store.writer() as conn:
        write_reference(conn, boundaries)
    summaries, errors = ingest_files(store, [(feed_named("abroad"), abroad), (feed_named("hotel"), hotel)],
                                     show_progress=False)
    assert errors == [] and [s.rejected for s in summaries] == [0, 0], [(s.file, s.reasons) for s in summaries]
    return store


def inert(duo) -> None:
    """None of the payloads ran, became an element, or a javascript: link."""
    assert duo.driver.execute_script("return window.__xss === undefined")
    assert duo.driver.execute_script("""return document.querySelectorAll('img[src="x"], a[href^="javascript:"]')
                                        .length""") == 0
    assert "__xss" not in duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('script')).map(s => s.textContent).join(' ')")


def test_feed_payloads_stay_text_on_every_page_that_shows_them(hostile_store, app_config):  # noqa: F811
    from pages.server import create_app

    code = hostile_store.reader().execute(
        "SELECT community_code FROM persons WHERE name = ?", [NAME]).fetchone()[0]
    assert code and code.startswith("450403")
    with started(create_app(hostile_store, app_config), app_config.state_path, "police", "450403") as duo:
        open_page(duo, f"/community?code={code}")
        row = wait_until(lambda: duo.find_elements("#cm-grid .ag-center-cols-container .ag-row"), message="row")[0]
        row.find_element("css selector", "[col-id='name']").click()
        wait_until(lambda: PAYLOADS["city"] in duo.find_element("#cm-person").text, message="city in journey")
        choose_purpose(duo, "cm", "核实身份")
        duo.find_element("#cm-unmask-reason").send_keys("核实来访者身份")
        duo.find_element("#cm-unmask").click()
        wait_until(lambda: NAME in duo.find_element("#cm-person").text, message="name in clear, as text")
        duo.find_element("#cm-note-text").send_keys(PAYLOADS["note"])
        duo.find_element("#cm-note-save").click()
        wait_until(lambda: "window.__xss=6" in duo.find_element("#cm-notes").text, message="note as text")
        inert(duo)
        open_page(duo, "/alerts")
        wait_until(lambda: PAYLOADS["hotel"] in duo.find_element("#al-grid").text, message="alert detail as text")
        inert(duo)
        log_in(duo, app_config.state_path, "analyst")
        open_page(duo, "/export")
        wait_until(lambda: PAYLOADS["country"] in duo.find_element("#ex-grid").text, message="country as text")
        inert(duo)
        assert severe_errors(duo) == []
