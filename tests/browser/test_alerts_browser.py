"""预警处置 and 隔离管控 in Chromium: load clean, the alerts map draws, a bulk action goes through."""
import re

import pytest

from tests.browser.helpers import open_page, screenshot, severe_errors, started, wait_for_map, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def loop_browser(synthetic_store, app_config):  # noqa: F811
    """The app in headless Chromium, logged in as police of 万秀区 (who act on alerts)."""
    from pages.server import create_app

    with started(create_app(synthetic_store, app_config), app_config.state_path, "police", "450403") as duo:
        yield duo


def grid_rows(duo, grid_id):
    """The grid's rows that hold data (a paged grid shows loading rows until its block arrives)."""
    return duo.find_elements(f"#{grid_id} .ag-center-cols-container .ag-row:not(.ag-row-loading)")


def in_grid(duo, script: str, grid_id: str = "al-grid"):
    """What `script` (JavaScript with `api`, the grid's API) returns in the page."""
    return duo.driver.execute_script(f"const api = dash_ag_grid.getApi('{grid_id}'); {script}")


def test_alerts_page_loads_clean_draws_the_map_and_acts_in_bulk(loop_browser):
    duo = loop_browser
    open_page(duo, "/alerts")
    wait_for_map(duo, "al-map")
    points = duo.driver.execute_script(
        "const gd = document.querySelector('#al-map .js-plotly-plot');"
        "return gd.data.filter(d => d.type === 'scattermap' && d.customdata && d.customdata.length).length;")
    assert points > 0
    wait_until(lambda: grid_rows(duo, "al-grid"), message="alerts listed")
    wait_until(lambda: duo.find_elements("#al-counts-table"), message="counts by state and age")
    listed = int(re.search(r"列出 ([\d,]+) 条", duo.find_element("#al-count").text).group(1).replace(",", ""))
    wait_until(lambda: in_grid(duo, "return api.getDisplayedRowCount()") == listed,
               message="the grid pages every listed alert from the server")
    assert severe_errors(duo) == []
    checkboxes = wait_until(lambda: duo.find_elements("#al-grid .ag-row .ag-selection-checkbox input"),
                            message="rows with checkboxes")
    for box in checkboxes[:2]:
        box.click()
    duo.find_element("#al-assignee").send_keys("万秀分局")
    duo.find_element("#al-assign").click()
    wait_until(lambda: "已处理 2 条" in duo.find_element("#al-status").text, message="bulk assign done")
    wait_until(lambda: duo.find_elements("#al-plan-card") or "不在" in duo.find_element("#al-plan").text,
               message="plan shown")
    wait_until(lambda: "指派" in duo.find_element("#al-history").text, message="history shown")
    selected = "return api.getSelectedRows().map(r => r.alert_id)"
    picked = in_grid(duo, selected)
    assert len(picked) == 2                                   # assigned, so still listed: still selected
    in_grid(duo, "api.applyColumnState({state: [{colId: 'age_days', sort: 'desc'}]})")
    ages = ("return [...Array(Math.min(10, api.getDisplayedRowCount())).keys()]"
            ".map(i => (api.getDisplayedRowAtIndex(i) || {}).data).map(d => d ? d.age_days : null);")
    wait_until(lambda: None not in (a := in_grid(duo, ages)) and a == sorted(a, reverse=True) and a[0] > a[-1],
               message="sorted by age on the server, oldest first")
    assert in_grid(duo, selected) == picked                   # a sort keeps the selection
    assert severe_errors(duo) == []
    screenshot(duo, "alerts")


def test_quarantine_page_loads_clean_with_its_charts(loop_browser):
    duo = loop_browser
    open_page(duo, "/quarantine")
    wait_until(lambda: duo.find_elements("#qr-card-hotel_occupancy-value"), message="cards")
    wait_until(lambda: duo.find_elements("#qr-occupancy .js-plotly-plot .heatmaplayer"), message="occupancy chart")
    wait_until(lambda: duo.find_elements("#qr-calendar .js-plotly-plot .barlayer"), message="calendar")
    wait_until(lambda: grid_rows(duo, "qr-home"), message="home quarantine rows, paged from the server")
    assert severe_errors(duo) == []
    screenshot(duo, "quarantine")
