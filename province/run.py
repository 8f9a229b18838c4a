"""One distributed ingest of a province's feed files: each record routed to its city, each city's records
ingested into its own store, the cities in parallel.

Per wave of files (see ingest.distributed.waves): the router is built from the cities' published stores and sent
to every worker; one task per file reads it and routes its records (province.route); the driver routes the
records left by their documents, in file order; one task per file splits it into each city's part; then one
commit task per city stages its parts and commits them as ingest.distributed does for one city (a file is one
batch in each city it has records for). Records of no city are written to `<province>/unrouted/`.
"""
from __future__ import annotations

import csv
import datetime as dt
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.channels import Feed
from ingest.distributed import commit_task, follow, waves
from ingest.pipeline import BatchSummary, file_sha256
from ingest.readers import FeedError, parse_file
from ingest.run import refusal
from province.layout import Province
from province.route import Router, by_documents, documents, split


@dataclass
class ProvinceResult:
    summaries: dict[str, list[BatchSummary]] = field(default_factory=dict)   # city -> its batches
    errors: list[str] = field(default_factory=list)                          # files refused whole (per city)
    unrouted: dict[str, int] = field(default_factory=dict)                   # file -> records of no city
    unrouted_file: Path | None = None


def route_task(router: Router, feed: Feed, path: str):
    """Read a province file and route its records: (parsed, sha, city per record, document per record)."""
    try:
        parsed = parse_file(feed, Path(path))
        return parsed, file_sha256(Path(path)), router.route(parsed), documents(parsed.values)
    except (FeedError, OSError) as exc:
        return refusal(Path(path), exc)


def routing_of(routed):
    """What the driver needs of a routed file: its cities and documents (or its refusal)."""
    return routed if isinstance(routed, str) else routed[2:]


def split_task(routed, city: np.ndarray, count: int):
    """Each city's part of a routed file, with the file's SHA-256 (None where it has none), and the unrouted rows."""
    parsed, sha = routed[0], routed[1]
    parts, unrouted = split(parsed, city, count)
    return [(p, sha) if p is not None else None for p in parts], unrouted


def part_of(split_result, index: int):
    """One city's part of a split file (a task of its own, so that only that part moves to the city's worker)."""
    return split_result[0][index]


def ingest_province(client, province: Province, files: list[tuple[Feed, Path]],
                    show_progress: bool = True) -> ProvinceResult:
    """Route and ingest `files` into the province's cities on the cluster behind `client`."""
    result = ProvinceResult({c.name: [] for c in province.cities})
    names = province.names_zh()
    known: dict[str, int] = {}
    unrouted_rows: list[tuple[str, int, str, str]] = []
    jobs = [(feed, str(Path(path).resolve())) for feed, path in files]
    for wave in waves([feed for feed, _ in jobs]):
        router = Router.from_stores({c.name: province.store(c.name).reader() for c in province.cities}, names)
        known = {**router.docs, **known}
        shared = client.scatter(router, broadcast=True)
        routed = [client.submit(route_task, shared, *jobs[i], pure=False) for i in wave]
        splits: dict[int, object] = {}
        for i, future in zip(wave, tqdm(routed, unit="file", desc="route", disable=not show_progress,
                                        file=sys.stderr)):
            routing = client.submit(routing_of, future).result()
            if isinstance(routing, str):
                result.errors.append(routing)
                continue
            city = by_documents(routing[0], routing[1], known)
            splits[i] = (client.submit(split_task, future, city, len(province.cities)), city)
        del routed
        commits = []
        for c, target in enumerate(province.cities):
            mine = [i for i in splits if (splits[i][1] == c).any()]
            parts = [client.submit(part_of, splits[i][0], c) for i in mine]
            progress = f"progress-{target.name}-{secrets.token_hex(4)}"
            commits.append((target, parts, progress, len(mine), client.submit(
                commit_task, target, [jobs[i] for i in mine], [p.key for p in parts], progress, pure=False)))
        for target, parts, progress, total, commit in commits:
            summaries, errors = follow(client, commit, progress, total, target.name, show_progress)
            result.summaries[target.name] += summaries
            result.errors += [f"{target.name}: {e}" for e in errors]
        for i, (future, _) in splits.items():
            rows = future.result()[1]
            name = Path(jobs[i][1]).name
            result.unrouted[name] = len(rows)
            unrouted_rows += [(name, *row) for row in rows]
    if unrouted_rows:
        result.unrouted_file = _keep_unrouted(province.root, unrouted_rows)
    return result


def _keep_unrouted(root: Path, rows: list[tuple[str, int, str, str]]) -> Path:
    """Write the records of no city (file, line, reason, text) to a new CSV under <province>/unrouted/."""
    folder = root / "unrouted"
    folder.mkdir(exist_ok=True)
    path = folder / f"{dt.datetime.now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["file", "line", "reason", "raw"])
        out.writerows(rows)
    return path


def format_result(result: ProvinceResult) -> str:
    """Per city: files, rows read, accepted, rejected; then records of no city and files refused."""
    lines = [f"{'city':<12} {'batches':>7} {'read':>10} {'accepted':>10} {'rejected':>9}"]
    for city, summaries in result.summaries.items():
        lines.append(f"{city:<12} {len(summaries):>7} {sum(s.rows_read for s in summaries):>10}"
                     f" {sum(s.accepted for s in summaries):>10} {sum(s.rejected for s in summaries):>9}")
    total = sum(result.unrouted.values())
    if total:
        lines.append(f"records of no city: {total} (kept with their reason in {result.unrouted_file})")
    lines += [f"FAILED {e}" for e in result.errors]
    return "\n".join(lines)
