from tests.queries.synthetic import app_config, synthetic_store  # noqa: F401  (fixtures)
