"""Screenshots of every page for the README, from a real store (the demo city), in headless Chromium.

    .venv/bin/python -m tests.browser.docshots [STORE] [OUT]     (defaults: var/store, docs/screenshots)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.browser.helpers import chrome_options, free_port, open_page, wait_for_map, wait_until

ROOT = Path(__file__).resolve().parents[2]
SHOTS = (  # file, path, map to wait for, element to wait for
    ("overview", "/?lang=zh", "ov-map", "#card-abroad-value"),
    ("overview-en", "/?lang=en", "ov-map", "#card-abroad-value"),
    ("community", "/community?lang=zh", "cm-map", "#cm-grid .ag-row"),
    ("export", "/export?lang=zh", None, "#ex-grid .ag-row"),
    ("checkpoints", "/checkpoints?lang=zh", "cp-map", "#cp-days .js-plotly-plot"),
    ("feeds", "/feeds?lang=zh", None, "#fd-status .ag-row"),
)


def main(store_root: str = str(ROOT / "var" / "store"), out: str = str(ROOT / "docs" / "screenshots")) -> None:
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    from app import ensure_map_files
    from pages.context import AppConfig
    from pages.server import create_app
    from store.db import Store

    store = Store(store_root)
    ensure_map_files(store)
    Path(out).mkdir(parents=True, exist_ok=True)
    notes = Path(tempfile.mkdtemp()) / "notes.jsonl"
    with ThreadedRunner() as server, DashComposite(server=server, browser="Chrome", headless=True,
                                                   options=[chrome_options()], percy_run=False) as duo:
        duo.start_server(create_app(store, AppConfig(notes_path=notes)), port=free_port())
        for name, path, graph, element in SHOTS:
            open_page(duo, path)
            if graph:
                wait_for_map(duo, graph, timeout=30)
            wait_until(lambda e=element: duo.find_elements(e), timeout=30, message=element)
            time.sleep(1.0)                                  # let charts finish their transitions
            duo.driver.save_screenshot(str(Path(out) / f"{name}.png"))
            print(Path(out) / f"{name}.png")


if __name__ == "__main__":
    main(*sys.argv[1:])
