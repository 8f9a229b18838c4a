"""The leadership map in Chromium, as a leader: the view in the address (shared, bookmarked, kept across a language
switch that does not reload the page), the briefing PDF of the view, the corrections log from the overview, no
link to a page leaders may not open, no empty table of people."""
import time

import pytest

from tests.browser.helpers import logged_in_as, open_page, screenshot, severe_errors, wait_for_map, wait_until

pytestmark = pytest.mark.browser


def located(duo) -> list:
    return duo.driver.execute_script(
        "const gd = document.querySelector('#ov-map .js-plotly-plot'); return gd ? Array.from(gd.data[0].locations) : [];")


def search(duo) -> dict:
    return duo.driver.execute_script("return Object.fromEntries(new URLSearchParams(window.location.search));")


def test_the_view_lives_in_the_address_and_survives_a_language_switch_without_reload(browser):
    with logged_in_as(browser, "leadership"):
        open_page(browser, "/?area=450403&metric=entered&date=2020-03-01&layers=sites")
        wait_for_map(browser, "ov-map")
        wait_until(lambda: located(browser) and all(c.startswith("450403") for c in located(browser)),
                   message="the district's townships from the address")
        assert browser.find_element("#ov-day-label").text == "2020-03-01"
        browser.driver.find_element("xpath", "//*[@id='ov-metric']//label[contains(., '正在隔离')]").click()
        wait_until(lambda: search(browser).get("metric") == "in_quarantine", message="the address follows the metric")
        assert search(browser)["area"] == "450403" and search(browser)["date"] == "2020-03-01"
        assert search(browser)["layers"] == "sites"
        briefing = browser.find_element("#ov-briefing").get_attribute("href")
        assert "metric=in_quarantine" in briefing and "area=450403" in briefing
        browser.driver.execute_script("window.__same_document = true;")
        started = time.perf_counter()
        browser.find_element("#lang-en").click()
        wait_until(lambda: browser.find_element("#app-title").text == "Wuzhou closed-loop situation map",
                   message="English header")
        wait_until(lambda: "In quarantine now" in browser.find_element("#ov-cards").text, message="English cards")
        switched = time.perf_counter() - started
        assert browser.driver.execute_script("return window.__same_document === true;")     # no reload
        wait_until(lambda: search(browser).get("metric") == "in_quarantine", message="view kept")
        assert search(browser)["area"] == "450403" and search(browser)["date"] == "2020-03-01"
        assert browser.find_element("#ov-day-label").text == "2020-03-01"
        screenshot(browser, "overview-view-en")
        started = time.perf_counter()                                # the old way, for comparison: a reload
        browser.driver.get(browser.server.url.rstrip("/") + "/?lang=zh&" + "&".join(
            f"{k}={v}" for k, v in search(browser).items() if k != "lang"))
        wait_until(lambda: "正在隔离" in browser.find_element("#ov-cards").text, message="Chinese cards")
        reloaded = time.perf_counter() - started
        started = time.perf_counter()
        browser.find_element("#lang-en").click()
        wait_until(lambda: "In quarantine now" in browser.find_element("#ov-cards").text, message="English again")
        again = time.perf_counter() - started
        print(f"\nlanguage switch to English cards: in the page {switched:.2f} s, again {again:.2f} s;"
              f" by a reload {reloaded:.2f} s")
        browser.find_element("#lang-zh").click()
        wait_until(lambda: browser.find_element("#app-title").text == "梧州市境外输入闭环管控态势图", message="Chinese")
        assert severe_errors(browser) == []


def test_a_leader_gets_the_briefing_and_the_corrections_but_no_link_to_closed_pages(browser):
    with logged_in_as(browser, "leadership"):
        open_page(browser, "/")
        wait_for_map(browser, "ov-map")
        wait_until(lambda: browser.find_elements("#ov-ranked li"), message="ranking")
        assert not browser.find_elements("#ov-ranked a") and not browser.find_elements("a[href*='/community']")
        reply = browser.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(document.getElementById('ov-briefing').href).then(r => r.arrayBuffer().then(b => done(
                [r.status, r.headers.get('content-type'), new TextDecoder().decode(new Uint8Array(b).slice(0, 5))])));""")
        assert reply == [200, "application/pdf", "%PDF-"]
        browser.find_element("#ov-corrections-link").click()
        wait_until(lambda: browser.find_elements("#co-log .ag-row"), timeout=20, message="corrections log rows")
        assert "4 条记录被更正" in browser.find_element("#co-summary").text
        screenshot(browser, "corrections")
        open_page(browser, "/quarantine")
        wait_until(lambda: browser.find_elements("#qr-batches .ag-root"), timeout=20, message="the plans grid")
        assert browser.find_elements("#qr-watch-none") and browser.find_elements("#qr-home-none")
        assert not browser.find_elements("#qr-watch .ag-root") and not browser.find_elements("#qr-home .ag-root")
        assert severe_errors(browser) == []
