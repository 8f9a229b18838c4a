"""Channel feeds into the store: read, validate, place, resolve identity, write."""
