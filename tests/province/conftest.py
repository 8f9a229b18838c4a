"""The demo's feed files, shared with the ingest tests."""
from tests.ingest.conftest import demo_feeds  # noqa: F401
