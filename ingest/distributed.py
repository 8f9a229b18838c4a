"""The ingest on a distributed engine (Dask): the same steps and SQL as `ingest.run`, spread over worker processes.

- stage (read, validate, place): one task per file, or per file and city in a province, run on a worker against
  a read-only connection to the city's published snapshot (the reference tables and boundaries it validates
  and places against). Its result, the checked rows and the unreadable ones as Arrow tables, stays on the worker.
- commit (natural keys, identity resolution, write): one task per city, on a worker, holding that city's write
  lock. It stages the city's files a few ahead of itself and takes them in their order, each one batch in one
  transaction through `ingest.pipeline.ingest_file`, so batch ids, persons and every figure are those of
  one machine. Cities commit in parallel, each into its own store.
- a file whose feed writes a table that staging reads (the checkpoint and quarantine site lists) closes a wave:
  it and the files before it are committed and published before later files are staged.

An optional extra (requirements-distributed.txt); the engine and its measurement: docs/distributed.md.
"""
from __future__ import annotations

import os
import re
import secrets
import sys
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa
from tqdm import tqdm

import settings
from ingest.channels import Feed
from ingest.pipeline import BatchSummary, file_sha256, ingest_file, stage_file
from ingest.placement import JOINED, CityGeo
from ingest.readers import FeedError, Parsed
from ingest.run import refusal
from ingest.validate import KINDS, macros
from ingest.writers import WRITERS
from store.db import Store

AHEAD = 4          # files a city's commit stages ahead of itself (bounds the staged rows held in memory)


@dataclass(frozen=True)
class City:
    """Where one city's records go: its store folder and its configuration directory (None: the default)."""
    name: str
    store: str
    config: str | None = None


@dataclass
class Staged:
    """A file read, validated and placed on a worker: the temp tables `checked` and `parse_rejects` as Arrow."""
    rows_read: int
    checked: pa.Table
    rejects: pa.Table
    sha: str           # the file's SHA-256 (a province's file: the whole file's, for each city's part)

    def load(self, conn) -> int:
        """Re-create the temp tables on the writer's connection; return the records read."""
        staged_checked, staged_rejects = self.checked, self.rejects  # noqa: F841 (read by name: DuckDB's scan)
        conn.execute("CREATE OR REPLACE TEMP TABLE checked AS SELECT * FROM staged_checked")
        conn.execute("CREATE OR REPLACE TEMP TABLE parse_rejects AS SELECT * FROM staged_rejects")
        return self.rows_read


@dataclass
class Refused:
    """A file refused whole while it was staged: the 'file: why' line, and its SHA-256 when it could be read."""
    message: str
    sha: str | None

    def spend(self, conn) -> None:
        """Take the batch id one machine takes for it (its transaction had begun when the file was found bad, and
        a sequence is not rolled back), so that the batches after it get the same ids on both paths."""
        if self.sha and not conn.execute("SELECT 1 FROM batches WHERE file_sha256 = ?", [self.sha]).fetchone():
            conn.execute("SELECT nextval('batch_seq')").fetchone()


@lru_cache(maxsize=1)
def staging_tables() -> frozenset[str]:
    """The store tables that reading, validation and placement look at."""
    lookups = {k.lookup.split(".")[0] for k in KINDS.values() if k.lookup}
    return frozenset(lookups | {t for t, *_ in JOINED.values()} | {"districts", "townships", "communities"})


def closes_wave(feed: Feed) -> bool:
    """Whether the feed writes a table that staging reads (later files must be staged after it is published)."""
    written = {m.group(1) for w in feed.writes for m in re.finditer(r"(?:INTO|UPDATE)\s+(\w+)", WRITERS[w])}
    return bool(written & staging_tables())


def waves(feeds: list[Feed]) -> list[range]:
    """Consecutive index ranges; each ends after a file that closes a wave (or at the end)."""
    out, start = [], 0
    for i, feed in enumerate(feeds):
        if closes_wave(feed):
            out.append(range(start, i + 1))
            start = i + 1
    if start < len(feeds):
        out.append(range(start, len(feeds)))
    return out


# ------------------------------------------------------------------------------------------ on a worker
_CONFIG = threading.Lock()


@contextmanager
def configured(config: str | None):
    """Within: this process reads the city's configuration (settings.ENV; None: the default directory)."""
    before = os.environ.get(settings.ENV)
    os.environ[settings.ENV] = config or str(settings.DEFAULT_DIR)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(settings.ENV, None)
        else:
            os.environ[settings.ENV] = before


def city_macros(config: str | None) -> str:
    """The validation macros under the city's configuration (its policy's plausible dates). A worker runs
    tasks of several cities, so the configuration is switched under a lock, only while they are made."""
    with _CONFIG, configured(config):
        return macros()


@lru_cache(maxsize=4)
def _snapshot(path: str) -> tuple[duckdb.DuckDBPyConnection, CityGeo]:
    """A read-only connection to a published snapshot and its boundaries, kept per worker process."""
    conn = duckdb.connect(path, read_only=True)
    return conn, CityGeo.from_store(conn)


def stage_task(snapshot: str, config: str | None, feed: Feed, path: str,
               part: tuple[Parsed, str] | None = None) -> Staged | Refused:
    """Read (or take the routed `part`: records and the file's SHA-256), validate and place one file against
    `snapshot`; a file refused whole is Refused."""
    base, geo = _snapshot(snapshot)
    conn = base.cursor()
    sha = None
    try:
        sha = part[1] if part else file_sha256(Path(path))
        conn.execute(city_macros(config))
        rows_read = stage_file(conn, feed, Path(path), geo, parsed=part[0] if part else None)
        return Staged(rows_read, conn.sql("SELECT * FROM checked").to_arrow_table(),
                      conn.sql("SELECT * FROM parse_rejects").to_arrow_table(), sha)
    except (FeedError, OSError) as exc:
        return Refused(refusal(Path(path), exc), sha)
    finally:
        conn.close()


def commit_task(city: City, files: list[tuple[Feed, str]], parts: list[str] | None = None,
                progress: str | None = None) -> tuple[list[BatchSummary], list[str]]:
    """Ingest the city's files (feed, path) in order: staged on the cluster a few ahead, committed here.

    `parts`: for a province, the keys of the futures holding each file's records routed to this city.
    `progress`: the name of a Dask variable set to the number of files done (the driver's progress bar)."""
    from distributed import Future, Variable, worker_client

    store = Store(city.store)
    summaries, errors = [], []
    with worker_client() as client:
        for wave in waves([feed for feed, _ in files]):
            snapshot = str(store.current_path())
            pending, todo = deque(), iter(wave)

            def submit_next():
                i = next(todo, None)
                if i is not None:
                    feed, path = files[i]
                    part = Future(parts[i], client) if parts else None
                    pending.append((i, client.submit(stage_task, snapshot, city.config, feed, path, part,
                                                     pure=False)))

            for _ in range(AHEAD):
                submit_next()
            with store.writer(lists_changed_persons=True) as conn:
                conn.execute(city_macros(city.config))
                while pending:
                    i, future = pending.popleft()
                    staged = future.result()
                    future.release()
                    submit_next()
                    feed, path = files[i]
                    if progress:
                        Variable(progress, client=client).set(len(summaries) + len(errors))
                    if isinstance(staged, Refused):
                        staged.spend(conn)
                        errors.append(staged.message)
                        continue
                    try:
                        summaries.append(ingest_file(conn, feed, Path(path), None, staged=staged, sha=staged.sha))
                    except duckdb.Error as exc:
                        errors.append(refusal(Path(path), exc))
    return summaries, errors


# ------------------------------------------------------------------------------------------ the driver
@contextmanager
def cluster_client(workers: int = 2, scheduler: str | None = None):
    """A client of the Dask scheduler at `scheduler` (a cluster of many machines), else of a cluster of
    `workers` processes on this machine, one thread each, closed on exit."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0) as cluster, Client(cluster) as client:
        yield client


def ingest_files_distributed(client, store: Store, files: list[tuple[Feed, Path]], config: str | None = None,
                             show_progress: bool = False) -> tuple[list[BatchSummary], list[str]]:
    """Ingest (feed, path) pairs into one city's store on the cluster: the same batches as ingest.run."""
    city = City("city", str(Path(store.root).resolve()), config or str(settings.config_dir()))
    jobs = [(feed, str(Path(path).resolve())) for feed, path in files]
    name = f"progress-{secrets.token_hex(4)}"
    return follow(client, client.submit(commit_task, city, jobs, None, name, pure=False), name, len(jobs),
                  Path(store.root).name, show_progress)


def follow(client, commit, name: str, total: int, label: str, show: bool):
    """Wait for a commit task, showing the files it has done (a tqdm bar on stderr); return its result."""
    from distributed import Variable

    variable = Variable(name, client=client)
    with tqdm(total=total, unit="file", desc=label, disable=not show, file=sys.stderr) as bar:
        while not commit.done():
            try:
                bar.n = variable.get(timeout=0.5)
                bar.refresh()
            except TimeoutError:
                pass
        bar.n = total
        bar.refresh()
    variable.delete()
    return commit.result()


def ingest_on_cluster(store: Store, files: list[tuple[Feed, Path]], workers: int = 2, scheduler: str | None = None
                      ) -> tuple[list[BatchSummary], list[str]]:
    """`app.py ingest --workers N` / `--scheduler ADDRESS`: the files ingested on a cluster."""
    with cluster_client(workers, scheduler) as client:
        return ingest_files_distributed(client, store, files, show_progress=True)
