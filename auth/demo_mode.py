"""Whether a store is the demo city: the demo's marker file lists the SHA-256 of every file the demo ingested,
and a store is in demo mode only while every batch it holds is one of them. One real file ingested into a demo
store (or a marker from before this rule, which lists none) and the demo accounts are disabled for good."""
from __future__ import annotations

from auth import demo

MARKER = "DEMO"
HEADER = "demo store; batches (file sha256) written by the demo:"


def _batches(store) -> set[str]:
    return {r[0] for r in store.reader().execute("SELECT file_sha256 FROM batches").fetchall()}


def mark(store) -> None:
    """Record the batches the demo has just written (called by `app.py demo` after its ingest)."""
    (store.root / MARKER).write_text("\n".join([HEADER, *sorted(_batches(store))]) + "\n")


def is_demo(store) -> bool:
    marker = store.root / MARKER
    if not (store.exists() and marker.exists()):
        return False
    lines = marker.read_text().splitlines()
    return bool(lines) and lines[0] == HEADER and _batches(store) <= set(lines[1:])


def apply(store, state) -> bool:
    """Enable the demo accounts on the demo city (and write its police work once: demo/casework.py), disable them
    on any other store; whether they are enabled."""
    if is_demo(store):
        from demo.casework import simulate
        demo.enable(state)
        simulate(store, state)
        return True
    demo.disable(state)
    return False
