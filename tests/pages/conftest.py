import pytest

from tests.pages.dash_client import DashClient, account
from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def app(synthetic_store, app_config):  # noqa: F811
    from pages.server import create_app
    return create_app(synthetic_store, app_config)


@pytest.fixture
def login(app, app_config):  # noqa: F811
    """login(role, district=None, township=None) -> a DashClient logged in as such a user."""
    return lambda role, district=None, township=None: DashClient(
        app, account(app_config.state_path, role, district, township))


@pytest.fixture
def client(login):
    """A whole-city analyst: every page but administration, person-level fields masked."""
    return login("analyst")
