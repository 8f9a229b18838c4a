"""One analyst opens 20 CSV downloads at once while another user asks for the page layout: how many downloads
the server takes (the rest 429, pages/limits.py) and how long the other user waits.

    .venv/bin/python bench/bench_limits.py [STORE]        (default: var/store, a built demo city)
"""
from __future__ import annotations

import collections
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import Client, Server  # noqa: E402

DOWNLOADS = 20


def main(store: Path) -> None:
    with tempfile.TemporaryDirectory() as work, Server(store, Path(work)) as server:
        hog, other = Client(server.url), Client(server.url)
        hog.login("bench_analyst_0")
        other.login("bench_analyst_1")
        codes, lock = collections.Counter(), threading.Lock()

        def download():
            reply = hog.get("/export/download/csv?as_of=2020-03-29", stream=True)
            with lock:
                codes[reply.status_code] += 1
            for _ in reply.iter_content(65536):
                pass
        threads = [threading.Thread(target=download) for _ in range(DOWNLOADS)]
        for t in threads:
            t.start()
        time.sleep(0.2)
        started = time.perf_counter()
        status = other.get("/_dash-layout").status_code
        took = time.perf_counter() - started
        for t in threads:
            t.join()
        print(f"{DOWNLOADS} concurrent CSV downloads by one analyst: {dict(sorted(codes.items()))}")
        print(f"another user's /_dash-layout meanwhile: {status} in {took * 1000:.0f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "store")
