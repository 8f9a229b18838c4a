"""An inbox folder per channel, watched: each file dropped there is ingested as one batch (intake.receive).

Layout: <inbox>/<channel>/ receives files; they are moved to <inbox>/<channel>/done/ or .../failed/ with a
`<name>.receipt.json` beside them.

When a file is complete (a half-written file is never picked up):
- names ending in `.part` or `.tmp`, and names starting with `.` or `~`, are never picked up: a writer that can
  rename writes `NAME.part` and renames it to `NAME` when done (a rename is atomic within a file system);
- any other file is picked up once it has been quiet for `settle` seconds: its modification time at least that
  old, and its size and modification time unchanged between the look that found it and the moment it is taken.
  For writers that cannot rename (a writer pausing longer than `settle` mid-file must use `.part`).
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from ingest.channels import CHANNELS
from intake.receive import receive
from store.db import Store

log = logging.getLogger(__name__)
SETTLE_S = 1.0          # a file quiet this long is complete
POLL_S = 0.2            # how often the folders are looked at
IGNORED_SUFFIXES = (".part", ".tmp")
IGNORED_PREFIXES = (".", "~")


class Inbox:
    """The inbox folders of every channel under `root`, feeding `store`."""

    def __init__(self, root: Path | str, store: Store, settle_s: float = SETTLE_S):
        self.root, self.store, self.settle_s = Path(root), store, settle_s
        for channel in CHANNELS:
            (self.root / channel).mkdir(parents=True, exist_ok=True)

    def ready(self, now: float | None = None) -> list[tuple[str, Path, tuple[int, int]]]:
        """(channel, file, (size, mtime)) of every file quiet for `settle` seconds, oldest first."""
        now = time.time() if now is None else now
        found = []
        for channel in CHANNELS:
            for path in (self.root / channel).iterdir():
                if not path.is_file() or path.name.endswith(IGNORED_SUFFIXES) or path.name.startswith(
                        IGNORED_PREFIXES):
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:        # renamed or removed meanwhile
                    continue
                if now - stat.st_mtime_ns / 1e9 >= self.settle_s:
                    found.append((channel, path, (stat.st_size, stat.st_mtime_ns)))
        return sorted(found, key=lambda item: item[2][1])

    def run_once(self) -> list[dict]:
        """Ingest every complete file waiting now (unchanged since it was found); their receipts."""
        receipts = []
        for channel, path, look in self.ready():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if (stat.st_size, stat.st_mtime_ns) == look:
                receipts.append(receive(self.store, channel, path, "inbox"))
        return receipts

    def watch(self, stop=lambda: False, poll_s: float = POLL_S, on_receipt=None) -> None:
        """Look every `poll_s` seconds and ingest what is complete, until `stop()` is true."""
        while not stop():
            try:
                for receipt in self.run_once():
                    if on_receipt is not None:
                        on_receipt(receipt)
            except OSError:                 # a folder gone or unreadable for a moment: look again next time
                log.exception("inbox %s", self.root)
            time.sleep(poll_s)
