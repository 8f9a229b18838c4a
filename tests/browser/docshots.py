"""Screenshots of every page for the README, from a real store (the demo city), in headless Chromium.

    .venv/bin/python -m tests.browser.docshots [STORE] [OUT]     (defaults: var/store, docs/screenshots)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.browser.helpers import chrome_options, free_port, open_page, submit_login, wait_for_map, wait_until

ROOT = Path(__file__).resolve().parents[2]
SHOTS = (  # file, demo account, path, map to wait for, element to wait for (paged grids: a row with data)
    ("overview", "leader", "/?lang=zh", "ov-map", "#card-abroad-value"),
    ("overview-en", "leader", "/?lang=en", "ov-map", "#card-abroad-value"),
    ("community", "police", "/community?lang=zh", "cm-map", "#cm-grid .ag-row"),
    ("export", "analyst", "/export?lang=zh", None, "#ex-grid .ag-row:not(.ag-row-loading)"),
    ("checkpoints", "leader", "/checkpoints?lang=zh", "cp-map", "#cp-days .js-plotly-plot"),
    ("feeds", "analyst", "/feeds?lang=zh", None, "#fd-status .ag-row"),
    ("quarantine", "leader", "/quarantine?lang=zh", None, "#qr-batches .ag-row:not(.ag-row-loading)"),
    ("corrections", "leader", "/corrections?lang=zh", None, "#co-summary"),
    ("alerts", "police", "/alerts?lang=zh", "al-map", "#al-grid .ag-row:not(.ag-row-loading)"),
    ("search", "police", "/search?lang=zh&q=新兴一路", None, "#sr-grid .ag-row"),
    ("tasks", "police", "/tasks?lang=zh", None, "#tk-grid .ag-row"),
    ("admin", "admin", "/admin?lang=zh", None, "#ad-audit .ag-row"),
)


def main(store_root: str = str(ROOT / "var" / "store"), out: str = str(ROOT / "docs" / "screenshots")) -> None:
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    from app import ensure_map_files
    from auth import demo
    from auth.state import State
    from pages.context import AppConfig
    from pages.server import create_app
    from store.db import Store

    store = Store(store_root)
    ensure_map_files(store)
    Path(out).mkdir(parents=True, exist_ok=True)
    state_path = Path(tempfile.mkdtemp()) / "app.sqlite"
    demo.enable(State(state_path))
    passwords = {a[0]: a[1] for a in demo.ACCOUNTS}
    with ThreadedRunner() as server, DashComposite(server=server, browser="Chrome", headless=True,
                                                   options=[chrome_options()], percy_run=False) as duo:
        duo.start_server(create_app(store, AppConfig(state_path=state_path)), navigate=False, port=free_port())
        duo.driver.get(duo.server.url.rstrip("/") + "/login")
        duo.driver.save_screenshot(str(Path(out) / "login.png"))
        for name, user, path, graph, element in SHOTS:
            submit_login(duo, user, passwords[user])
            open_page(duo, path)
            if graph:
                wait_for_map(duo, graph, timeout=30)
            wait_until(lambda e=element: duo.find_elements(e), timeout=30, message=element)
            time.sleep(1.0)                                  # let charts finish their transitions
            duo.driver.save_screenshot(str(Path(out) / f"{name}.png"))
            print(Path(out) / f"{name}.png")


if __name__ == "__main__":
    main(*sys.argv[1:])
