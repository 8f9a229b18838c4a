"""Background threads of the server (warm-ups, replay scores) that end cleanly with the process."""
from __future__ import annotations

import atexit
import contextvars
import threading

_threads: list[threading.Thread] = []
_stopping = threading.Event()


def background(work, name: str) -> None:
    """Run `work` in a daemon thread that the interpreter's exit waits for (a DuckDB query cut off by the exit
    aborts the process); loops in `work` should stop early once `stopping()`. `work` runs in a copy of the
    caller's context (the store version it reads: pages/served.py)."""
    thread = threading.Thread(target=contextvars.copy_context().run, args=(work,), daemon=True, name=name)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()


def stopping() -> bool:
    """Whether the process is exiting."""
    return _stopping.is_set()


@atexit.register
def _stop_background() -> None:
    _stopping.set()
    for thread in list(_threads):
        thread.join(timeout=30)
