"""Browser tests in real headless Chromium (Debian's chromium + chromedriver), one app server and one browser
per test module. Screenshots go to tests/screenshots/ (git-ignored)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, chrome_options, free_port
from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)


def pytest_setup_options():
    """For dash_duo, if a test uses it: the same Chromium and flags."""
    return chrome_options()


@pytest.fixture(scope="module")
def browser(synthetic_store, app_config, tmp_path_factory):  # noqa: F811
    """A started app (the synthetic city) and a headless Chromium on it: dash.testing's DashComposite."""
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    from pages.server import create_app

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    downloads = tmp_path_factory.mktemp("downloads")
    with ThreadedRunner() as server, DashComposite(server=server, browser="Chrome", headless=True,
                                                   options=[chrome_options()], download_path=str(downloads),
                                                   percy_run=False, wait_timeout=20) as duo:
        duo.start_server(create_app(synthetic_store, app_config), port=free_port())
        duo.downloads = downloads
        yield duo
