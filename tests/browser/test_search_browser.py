"""人员查找, households, masked addresses and the unmask dialog in Chromium, in Chinese and in English, on the demo
city (the report's student and the Guiyi family as the demo generator wrote them)."""
import re

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import (choose_purpose, logged_in_as, open_page, screenshot, severe_errors, started,
                                   wait_for_map, wait_until)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TEXTS = {  # what the page says, per language (the labels of pages/i18n.py)
    "zh": {"found": "找到", "household": "同户人员（共3人）", "refused": "请先选择用途", "clear": "已按事由显示完整信息",
           "purpose": "核实居住地址", "stage": "已解除隔离"},
    "en": {"found": "found", "household": "Household (3 people)", "refused": "Choose a purpose",
           "clear": "Full details shown", "purpose": "Verify the address", "stage": "Released"},
}


@pytest.fixture(scope="module")
def demo_browser(demo_city, app_config):
    """The demo city's app in headless Chromium, logged in as police of the student's district (万秀区)."""
    from pages.server import create_app

    store, _ = demo_city
    with started(create_app(store, app_config), app_config.state_path, "police", "450403") as duo:
        yield duo


def rows(duo, grid_id="sr-grid"):
    return duo.find_elements(f"#{grid_id} .ag-center-cols-container .ag-row")


def cell(row, col: str) -> str:
    return row.find_element("css selector", f"[col-id='{col}']").text


def search(duo, text: str):
    box = duo.find_element("#sr-text")
    box.clear()
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    wait_until(lambda: TEXTS[duo.lang]["found"] in duo.find_element("#sr-count").text, message=f"results of {text}")
    return wait_until(lambda: rows(duo), message="result rows")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_student_is_found_by_train_and_address_opened_and_unmasked_with_a_purpose(demo_browser, lang):
    duo = demo_browser
    duo.lang = lang
    open_page(duo, f"/search?lang={lang}")
    found = search(duo, "D3626 03-19")
    student = next(r for r in found if cell(r, "name") == "陈*轩")
    assert cell(student, "address").endswith("新兴一路**号") and cell(student, "stage") == TEXTS[lang]["stage"]
    assert "15:42" in cell(student, "detail")
    found = search(duo, "新兴一路")
    student = next(r for r in found if cell(r, "name") == "陈*轩")
    student.find_element("css selector", "[col-id='name']").click()
    wait_until(lambda: duo.find_elements("#sr-person .timeline li"), message="journey on the card")
    card = duo.find_element("#sr-person").text
    assert "新兴一路**号" in card and "新兴一路12号" not in card
    duo.find_element("#sr-unmask").click()                                       # no purpose, no reason
    wait_until(lambda: TEXTS[lang]["refused"] in duo.find_element("#sr-unmask-status").text, message="refusal said")
    assert duo.find_element("#sr-unmask-reason").get_attribute("value") == ""    # never in the reason box
    duo.find_element("#sr-unmask").click()                                       # a second click: still refused
    assert "新兴一路12号" not in duo.find_element("#sr-person").text
    choose_purpose(duo, "sr", TEXTS[lang]["purpose"])
    duo.find_element("#sr-unmask-reason").send_keys("核实居住地址，联系本人")
    duo.find_element("#sr-unmask").click()
    wait_until(lambda: "新兴一路12号" in duo.find_element("#sr-person").text, message="address in clear")
    assert TEXTS[lang]["clear"] in duo.find_element("#sr-person").text
    assert severe_errors(duo) == []
    screenshot(duo, f"search-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_guiyi_family_is_one_household_in_the_neighbourhood(demo_browser, lang):
    duo = demo_browser
    duo.lang = lang
    with logged_in_as(duo, "police", "450481"):
        open_page(duo, f"/community?code=450481111001&lang={lang}")
        wait_for_map(duo, "cm-map")
        wait_until(lambda: rows(duo, "cm-grid"), message="people of the community")
        households = duo.driver.execute_script(          # every row's, rendered or not (the grid draws what shows)
            "const out = []; dash_ag_grid.getApi('cm-grid').forEachNode(n => out.push(n.data.household)); return out;")
        family = [h for h in households if re.search(r"·\s?3(人| people)$", h or "")]
        assert len(family) == 3 and len(set(family)) == 1, households
        duo.driver.execute_script(
            "const api = dash_ag_grid.getApi('cm-grid'); api.forEachNode(n => {"
            " if (n.data.household === arguments[0] && !api.getSelectedNodes().length) {"
            " api.ensureNodeVisible(n); n.setSelected(true); } });", family[0])
        wait_until(lambda: TEXTS[lang]["household"] in duo.find_element("#cm-person").text, message="household")
        assert "新圩路**号" in duo.find_element("#cm-person").text
        assert severe_errors(duo) == []
        screenshot(duo, f"household-{lang}")
