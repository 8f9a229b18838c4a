"""社区研判, 数据导出, 检测站, 数据通道 in Chromium: each loads clean and works end to end."""
import re

import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import (choose_purpose, logged_in_as, open_page, screenshot, severe_errors, wait_for_map,
                                   wait_until)

pytestmark = pytest.mark.browser


def grid_rows(duo, grid_id: str) -> list:
    return duo.find_elements(f"#{grid_id} .ag-center-cols-container .ag-row")


def column_texts(duo, grid_id: str, col: str) -> list[str]:
    return duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);",
        f"#{grid_id} .ag-center-cols-container .ag-row [col-id='{col}']")


def shown_count(duo) -> int:
    text = wait_until(lambda: re.search(r"[\d,]+", duo.find_element("#ex-count").text), message="count")
    return int(text.group().replace(",", ""))


def test_neighbourhood_lists_people_opens_a_card_unmasks_and_records_a_note(browser):
    with logged_in_as(browser, "police", "450403"):
        open_page(browser, "/community?code=450403005001")
        wait_for_map(browser, "cm-map")
        rows = wait_until(lambda: grid_rows(browser, "cm-grid"), message="people in the list")
        assert re.fullmatch(r".\*\S", rows[0].find_element("css selector", "[col-id='name']").text)   # masked: 张*丰 (issue 18.5)
        rows[0].find_element("css selector", "[col-id='name']").click()
        wait_until(lambda: browser.find_elements("#cm-person .timeline li"), message="journey")
        masked = browser.find_element("#cm-person .facts").text
        assert not re.search(r"\b1\d{10}\b", masked)                                   # no phone in clear yet
        choose_purpose(browser, "cm", "核实居住地址")
        browser.find_element("#cm-unmask-reason").send_keys("电话核实居住地址")
        browser.find_element("#cm-unmask").click()
        wait_until(lambda: browser.find_element("#cm-person .facts").text != masked, message="unmasked")
        assert re.search(r"\b1\d{10}\b", browser.find_element("#cm-person .facts").text)   # the phone in clear
        browser.find_element("#cm-note-text").send_keys("电话联系，本人在家")
        browser.find_element("#cm-note-save").click()
        wait_until(lambda: "电话联系，本人在家" in browser.find_element("#cm-notes").text, message="note saved")
        assert severe_errors(browser) == []
        screenshot(browser, "community")


def test_neighbourhood_is_picked_by_searching(browser):
    open_page(browser, "/community")
    wait_for_map(browser, "cm-map")
    browser.find_element("#cm-community").click()
    search = wait_until(lambda: browser.find_elements("#cm-community input") or
                        browser.find_elements(".dash-dropdown-search input, input[type='search']"),
                        message="search box")[0]
    search.send_keys("450405001")
    search.send_keys(Keys.ENTER)
    wait_until(lambda: "450405001" in browser.find_element("#cm-community").text, message="picked by code")
    wait_until(lambda: grid_rows(browser, "cm-grid") or "0" in browser.find_element("#cm-count").text,
               message="list follows")
    assert severe_errors(browser) == []


def test_export_pages_rows_from_the_server_and_downloads_exactly_the_shown_count(browser):
    open_page(browser, "/export")
    wait_until(lambda: grid_rows(browser, "ex-grid"), message="first block of rows")
    everyone = shown_count(browser)
    browser.select_dcc_dropdown("#ex-district", index=0)                 # 万秀区, the first district
    wait_until(lambda: shown_count(browser) < everyone, message="count follows the district")
    count = shown_count(browser)
    district = browser.find_element("#ex-district").text.split()[0]
    wait_until(lambda: set(column_texts(browser, "ex-grid", "district")) == {district}, message="rows of the district")
    screenshot(browser, "export")
    wait_until(lambda: "district=" in browser.find_element("#ex-csv").get_attribute("href"),
               message="the filters in the download link")
    browser.find_element("#ex-csv").click()                                    # the browser saves it natively
    csv = wait_until(lambda: [p for p in browser.downloads.glob("*.csv") if p.stat().st_size], message="csv file")[0]
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == count
    assert re.fullmatch(r"wuzhou_loop_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d_\d{6}_\d{8}T\d{4}Z\.csv", csv.name)  # dates, area, time
    assert shown_count(browser) == count                                       # still on the page
    assert severe_errors(browser) == []


def test_checkpoints_page_draws_the_map_and_totals(browser):
    open_page(browser, "/checkpoints")
    wait_for_map(browser, "cp-map")
    wait_until(lambda: browser.find_elements("#cp-card-vehicles-value"), message="totals")
    assert int(browser.find_element("#cp-card-vehicles-value").text.replace(",", "")) > 0
    wait_until(lambda: grid_rows(browser, "cp-grid"), message="checkpoint list")
    wait_until(lambda: browser.find_elements("#cp-days .js-plotly-plot .heatmaplayer"), message="chart")
    assert severe_errors(browser) == []
    screenshot(browser, "checkpoints")


def test_feeds_page_warns_about_the_quiet_channel(browser):
    open_page(browser, "/feeds")
    wait_until(lambda: grid_rows(browser, "fd-status"), message="channel list")
    assert "高校学生系统" in browser.find_element("#fd-warnings").text
    assert severe_errors(browser) == []
    screenshot(browser, "feeds")
