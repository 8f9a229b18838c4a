import pytest

from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def app(synthetic_store, app_config):  # noqa: F811
    from pages.server import create_app
    return create_app(synthetic_store, app_config)


@pytest.fixture
def client(app):
    from tests.pages.dash_client import DashClient
    return DashClient(app)
