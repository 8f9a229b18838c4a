import dataclasses

import pytest

from ingest.reference import write_reference
from store.db import Store
from tests.queries.synthetic import app_config  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def api_app(tmp_path_factory, boundaries, app_config):  # noqa: F811
    """The dashboard app over an empty city (geography only) with its own state file; (app, store, state)."""
    from auth.state import State
    from pages.server import create_app

    base = tmp_path_factory.mktemp("api")
    store = Store(base / "store")
    with store.writer() as conn:
        write_reference(conn, boundaries)
    config = dataclasses.replace(app_config, state_path=base / "app.sqlite")
    return create_app(store, config), store, State(config.state_path)
