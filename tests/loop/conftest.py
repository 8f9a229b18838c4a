import pytest

from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def loop_app(synthetic_store, app_config):  # noqa: F811
    from pages.server import create_app
    return create_app(synthetic_store, app_config)


@pytest.fixture
def loop_login(loop_app, app_config):  # noqa: F811
    """loop_login(role, district=None) -> a DashClient logged in as such a user."""
    from tests.pages.dash_client import DashClient, account
    return lambda role, district=None: DashClient(loop_app, account(app_config.state_path, role, district))


@pytest.fixture
def loop_client(loop_login):
    """A whole-city analyst: sees every alert (masked), acts on none."""
    return loop_login("analyst")
