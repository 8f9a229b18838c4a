import pytest

from tests.loop.loop_app import app_with_loop_pages
from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def loop_app(synthetic_store, app_config):  # noqa: F811
    with app_with_loop_pages(synthetic_store, app_config) as app:
        yield app


@pytest.fixture
def loop_client(loop_app):
    from tests.pages.dash_client import DashClient
    return DashClient(loop_app)
