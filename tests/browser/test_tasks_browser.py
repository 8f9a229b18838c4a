"""待办工作 (worklists and transfers) in Chromium, in Chinese and English: items listed with due times and counts,
a picked item opens the person's plan, assignment to a named officer, messages in the page's language; the police
overview shows the counts."""
import re

import pytest

from tests.browser.helpers import open_page, screenshot, severe_errors, started, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tasks_browser(synthetic_store, app_config):  # noqa: F811
    from pages.server import create_app

    with started(create_app(synthetic_store, app_config), app_config.state_path, "police", "450403") as duo:
        yield duo


def rows(duo):
    return duo.find_elements("#tk-grid .ag-center-cols-container .ag-row")


def test_tasks_page_in_chinese_lists_opens_assigns_and_answers_in_chinese(tasks_browser):
    duo = tasks_browser
    open_page(duo, "/tasks?lang=zh")
    wait_until(lambda: rows(duo), message="items listed")
    wait_until(lambda: duo.find_elements("#tk-counts-table"), message="counts")
    listed = int(re.search(r"列出 ([\d,]+) 项", duo.find_element("#tk-count").text).group(1).replace(",", ""))
    assert listed > 0 and "尚未联系" in duo.find_element("#tk-counts-table").text
    rows(duo)[0].find_element("css selector", ".ag-cell").click()
    wait_until(lambda: duo.find_elements("#al-plan-card") and "户籍/居住地管辖" in duo.find_element("#tk-person").text,
               message="the person's plan with the home jurisdiction")
    duo.find_element("#tk-officer").send_keys("王警官")
    duo.find_element("#tk-assign").click()
    wait_until(lambda: "已处理 1 条" in duo.find_element("#tk-status").text, message="assigned")
    duo.find_element("#tk-transfer").click()
    wait_until(lambda: duo.find_element("#tk-transfer-status").text == "请选择移交原因。",
               message="a refusal in Chinese")
    assert not re.search(r"[A-Za-z]{4,}", duo.find_element("#tk-transfer-status").text)
    assert severe_errors(duo) == []
    screenshot(duo, "tasks")


def test_tasks_page_and_overview_counts_in_english(tasks_browser):
    duo = tasks_browser
    open_page(duo, "/tasks?lang=en")
    wait_until(lambda: rows(duo), message="items listed")
    wait_until(lambda: re.search(r"[\d,]+ listed of [\d,]+ items", duo.find_element("#tk-count").text),
               message="count in English")
    assert "Not yet contacted" in duo.find_element("#tk-counts-table").text
    assert "Transfers between jurisdictions" in duo.find_element(".tasks").text
    open_page(duo, "/?lang=en")
    wait_until(lambda: duo.find_elements("#ov-tasks"), message="worklist counts on the overview")
    assert "Release due today or tomorrow" in duo.find_element("#ov-tasks").text
    assert severe_errors(duo) == []
    screenshot(duo, "tasks-en")
