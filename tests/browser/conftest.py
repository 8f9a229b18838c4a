"""Browser tests in real headless Chromium (Debian's chromium + chromedriver), one app server and one browser
per test module, logged in through the login form. Screenshots go to tests/screenshots/ (git-ignored)."""
from __future__ import annotations

import pytest

from tests.browser.helpers import chrome_options, started
from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)


def pytest_setup_options():
    """For dash_duo, if a test uses it: the same Chromium and flags."""
    return chrome_options()


@pytest.fixture(scope="module")
def browser(synthetic_store, app_config, tmp_path_factory):  # noqa: F811
    """The synthetic city's app in headless Chromium, logged in as a whole-city analyst."""
    from pages.server import create_app

    downloads = tmp_path_factory.mktemp("downloads")
    with started(create_app(synthetic_store, app_config), app_config.state_path, "analyst",
                 download_path=str(downloads)) as duo:
        duo.downloads = downloads
        yield duo
