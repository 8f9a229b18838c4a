"""预警处置 and 隔离管控 in Chromium: load clean, the alerts map draws, a bulk action goes through."""
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, chrome_options, free_port, open_page, screenshot, severe_errors, \
    wait_for_map, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def loop_browser(synthetic_store, app_config):
    """The app with the loop pages (whether or not pages/server.py lists them yet) in headless Chromium."""
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    from tests.loop.loop_app import app_with_loop_pages

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with app_with_loop_pages(synthetic_store, app_config) as app, ThreadedRunner() as server, \
            DashComposite(server=server, browser="Chrome", headless=True, options=[chrome_options()],
                          percy_run=False, wait_timeout=20) as duo:
        duo.start_server(app, port=free_port())
        yield duo


def grid_rows(duo, grid_id):
    return duo.find_elements(f"#{grid_id} .ag-center-cols-container .ag-row")


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
    assert severe_errors(duo) == []
    checkboxes = duo.find_elements("#al-grid .ag-center-cols-container .ag-row .ag-selection-checkbox input") or \
        duo.find_elements("#al-grid .ag-pinned-left-cols-container .ag-row .ag-selection-checkbox input") or \
        duo.find_elements("#al-grid .ag-row .ag-selection-checkbox input")
    for box in checkboxes[:2]:
        box.click()
    duo.find_element("#al-assignee").send_keys("万秀分局")
    duo.find_element("#al-assign").click()
    wait_until(lambda: "已处理 2 条" in duo.find_element("#al-status").text, message="bulk assign done")
    wait_until(lambda: duo.find_elements("#al-plan-card") or "不在" in duo.find_element("#al-plan").text,
               message="plan shown")
    wait_until(lambda: "指派" in duo.find_element("#al-history").text, message="history shown")
    assert severe_errors(duo) == []
    screenshot(duo, "alerts")


def test_quarantine_page_loads_clean_with_its_charts(loop_browser):
    duo = loop_browser
    open_page(duo, "/quarantine")
    wait_until(lambda: duo.find_elements("#qr-card-hotel_occupancy-value"), message="cards")
    wait_until(lambda: duo.find_elements("#qr-occupancy .js-plotly-plot .heatmaplayer"), message="occupancy chart")
    wait_until(lambda: duo.find_elements("#qr-calendar .js-plotly-plot .barlayer"), message="calendar")
    assert severe_errors(duo) == []
    screenshot(duo, "quarantine")
