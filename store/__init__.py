"""The DuckDB store: schema and copy-on-write snapshots."""
