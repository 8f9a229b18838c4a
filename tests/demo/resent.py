"""Helpers to re-send demo feed files as channel systems do (other bytes, order, encoding) and compare stores."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ingest.channels import feed_named
from ingest.run import ingest_files
from ingest.writers import DERIVED
from tests.demo.files import encoding_of

# every table whose row count is a figure or feeds one
TABLES = tuple(sorted({*DERIVED.values(), "persons", "documents", "records", "corrections", "identity_review",
                       "checkpoints", "quarantine_sites"}))


def ingest(store, feed_name: str, path: Path):
    """Ingest one file as the named feed; the summary (failing the test on an error)."""
    summaries, errors = ingest_files(store, [(feed_named(feed_name), path)], show_progress=False)
    assert errors == [], errors
    return summaries[0]


def counts(store) -> dict[str, int]:
    conn = store.reader()
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def renamed(tmp_path: Path, original: Path) -> Path:
    """A path in tmp_path for a re-send of `original`, with a name its feed's pattern still matches."""
    return tmp_path / original.name.replace(".", "_resent.", 1)


def csv_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    """(header, rows, encoding) of a demo CSV file."""
    encoding = encoding_of(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
    return rows[0], rows[1:], encoding


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return write_text(path, buf.getvalue(), encoding)


def write_text(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path
