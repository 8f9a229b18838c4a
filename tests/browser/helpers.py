"""Helpers for browser tests: Chromium options, logging in, waiting for maps, console errors, screenshots."""
from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--window-size=1440,1100", "--enable-unsafe-swiftshader",
         "--lang=zh-CN")


def chrome_options():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    return options


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_page(duo, path: str) -> float:
    """Load `path` fresh and wait until the page's content is rendered; returns the seconds it took."""
    started = time.perf_counter()
    duo.driver.get(duo.server.url.rstrip("/") + path)
    duo.wait_for_element("#page > div", timeout=20)
    duo.wait_for_no_elements("._dash-loading", timeout=20)
    return time.perf_counter() - started


def wait_for_map(duo, graph_id: str, timeout: float = 20) -> float:
    """Wait until the map in `graph_id` has drawn its areas (canvas present, map idle, choropleth layers in
    the style); returns the seconds waited."""
    started = time.perf_counter()
    duo.wait_for_element(f"#{graph_id} .js-plotly-plot canvas", timeout=timeout)
    script = """
        const gd = document.querySelector('#%s .js-plotly-plot');
        const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        const m = sub && sub.map;
        return !!(m && m.loaded() && m.isStyleLoaded() && m.areTilesLoaded() &&
                  m.getStyle().layers.some(l => l.type === 'fill'));
    """ % graph_id
    deadline = time.time() + timeout
    while not duo.driver.execute_script(script):
        assert time.time() < deadline, f"map {graph_id} not drawn"
        time.sleep(0.05)
    return time.perf_counter() - started


def severe_errors(duo) -> list[dict]:
    """SEVERE console entries since the last call."""
    return [e for e in duo.driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(duo, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    duo.driver.save_screenshot(str(path))
    return path


def wait_until(condition, timeout: float = 15, message: str = "condition"):
    """The condition's first truthy value; an element re-rendered while it was read counts as not yet."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.time() + timeout
    while True:
        try:
            value = condition()
        except StaleElementReferenceException:
            value = None
        if value:
            return value
        assert time.time() < deadline, f"timed out waiting for {message}"
        time.sleep(0.1)


def choose_purpose(duo, prefix: str, label: str) -> None:
    """Pick the unmask purpose whose label holds `label` in the dialog `{prefix}-unmask-purpose`."""
    duo.find_element(f"#{prefix}-unmask-purpose").click()
    option = wait_until(lambda: [o for o in duo.find_elements(f"#{prefix}-unmask-purpose [role='option'], "
                                                              ".dash-dropdown-option") if label in o.text],
                        message="purpose options")[0]
    option.click()


def log_in(duo, state_path, role: str, district: str | None = None) -> str:
    """Log the browser in as a user of `role` (created in the app's state when missing); returns the name."""
    from tests.pages.dash_client import PASSWORD, account

    username = account(state_path, role, district)
    submit_login(duo, username, PASSWORD)
    return username


@contextmanager
def logged_in_as(duo, role: str, district: str | None = None):
    """The browser logged in as `role` for the block, then back as the module's whole-city analyst."""
    log_in(duo, duo.state_path, role, district)
    try:
        yield duo
    finally:
        log_in(duo, duo.state_path, "analyst")


def submit_login(duo, username: str, password: str) -> None:
    """End any session, fill the login form and wait until the app lets the browser in. The page left open is
    unloaded before the session ends, and what its requests in flight logged then (401s) is dropped."""
    login = duo.server.url.rstrip("/") + "/login"
    duo.driver.get(login)
    duo.driver.delete_all_cookies()
    duo.driver.get(login)
    duo.driver.get_log("browser")
    duo.wait_for_element("#login-submit", timeout=20)
    duo.find_element("input[name='username']").send_keys(username)
    duo.find_element("input[name='password']").send_keys(password)
    duo.find_element("#login-submit").click()
    wait_until(lambda: "/login" not in duo.driver.current_url, message=f"logged in as {username}")


def require_chromium() -> None:
    """Fail (never skip) when the browser is missing: a suite that skips its UI tests must not pass."""
    import pytest

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it with `make system-deps` (Debian's chromium,"
                    " chromium-driver and fonts-noto-cjk)", pytrace=False)


@contextmanager
def started(app, state_path, role: str, district: str | None = None, **options):
    """`app` on a free port in a thread and a headless Chromium logged in as `role`: a dash.testing
    DashComposite, with .state_path set."""
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    require_chromium()
    with ThreadedRunner() as server, DashComposite(server=server, browser="Chrome", headless=True,
                                                   options=[chrome_options()], percy_run=False,
                                                   wait_timeout=20, **options) as duo:
        duo.start_server(app, navigate=False, port=free_port())
        duo.state_path = state_path
        log_in(duo, state_path, role, district)
        duo.server_url = duo.server.url             # opens the app (now logged in) and waits for it
        yield duo
