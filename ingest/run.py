"""Ingest a list of files into the store with a progress bar and a summary; one batch per file."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
from tqdm import tqdm

from ingest.channels import Feed, feed_for
from ingest.pipeline import STAGES, BatchSummary, ingest_file, prepare
from ingest.placement import CityGeo
from ingest.readers import FeedError
from store.db import Store


def ingest_files(store: Store, files: list[tuple[Feed, Path]], show_progress: bool = True,
                 conn=None) -> tuple[list[BatchSummary], list[str]]:
    """Ingest each (feed, path) in order. A file that fails is rolled back and reported; the rest go on.

    Returns the batches' summaries and one 'file: why' line per file refused."""
    if conn is None:
        with store.writer(lists_changed_persons=True) as writer_conn:
            return ingest_files(store, files, show_progress, writer_conn)
    geo = CityGeo.from_store(conn)
    prepare(conn)
    summaries, errors = [], []
    with tqdm(total=len(files) * len(STAGES), unit="step", disable=not show_progress, file=sys.stderr,
              bar_format="{desc:<34.34} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]") as bar:
        for done, (feed, path) in enumerate(files, start=1):
            bar.set_description_str(path.name)
            try:
                summaries.append(ingest_file(conn, feed, path, geo, on_stage=lambda _: bar.update(1)))
            except (FeedError, OSError, duckdb.Error) as exc:
                errors.append(refusal(path, exc))
            bar.n = done * len(STAGES)
            bar.refresh()
    return summaries, errors


def refusal(path: Path, exc: Exception) -> str:
    """The 'file: why' line of a file refused whole (unreadable as its feed, unreadable at all, not storable)."""
    if isinstance(exc, FeedError):
        return str(exc) if str(exc).startswith(path.name) else f"{path.name}: {exc}"
    if isinstance(exc, OSError):
        return f"{path.name}: cannot be read ({exc.strerror or exc})"
    return f"{path.name}: could not be stored, nothing of it was ({exc})"


def files_for_channel(channel: str, paths: list[Path]) -> list[tuple[Feed, Path]]:
    """Pair each path with the channel's feed its name matches (a clear error if none does)."""
    return [(feed_for(channel, path.name), path) for path in paths]


def match_files(channel: str, paths: list[Path]) -> tuple[list[tuple[Feed, Path]], list[str]]:
    """Pair each path with its feed; a path no feed of the channel matches is an error line, not a stop."""
    pairs, errors = [], []
    for path in paths:
        try:
            pairs.append((feed_for(channel, path.name), path))
        except ValueError as exc:
            errors.append(str(exc))
    return pairs, errors


def format_summary(summaries: list[BatchSummary], errors: list[str]) -> str:
    """A readable table of what each batch did, then the reject reasons and any failed files."""
    lines = [f"{'file':<32} {'feed':<20} {'read':>9} {'accepted':>9} {'rejected':>9} {'new':>7} {'matched':>8}"
             f" {'review':>6}"]
    for s in summaries:
        if s.skipped:
            lines.append(f"{s.file:<32} {s.feed:<20} already ingested (same content): nothing added")
            continue
        lines.append(f"{s.file:<32} {s.feed:<20} {s.rows_read:>9} {s.accepted:>9} {s.rejected:>9}"
                     f" {s.persons_new:>7} {s.persons_matched:>8} {s.review_pairs:>6}")
    reasons: dict[str, int] = {}
    for s in summaries:
        for reason, n in s.reasons.items():
            reasons[reason] = reasons.get(reason, 0) + n
    if reasons:
        lines.append("rejected rows by reason:")
        lines.extend(f"  {n:>7}  {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]))
    lines.extend(f"FAILED {e}" for e in errors)
    if errors:
        lines.append(f"{len(errors)} file(s) refused, nothing of them stored; {len(summaries)} ingested")
    return "\n".join(lines)
