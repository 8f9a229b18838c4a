"""What each channel sends: the feeds declared in one human-editable TOML file, and their in-memory form.

`config/feeds.toml` (or the file named by `app.py --feeds FILE` / the environment variable WUZHOU_FEEDS)
declares every feed: its file pattern, format and dialect, the header (or JSON key) of each column, the
column's kind (how it is validated and normalised, see `ingest.validate`), what it writes, and its natural
key. The file is checked when first used; every error names the feed and the line (docs/feeds.md).
Canonical column names are shared by all feeds, so identity resolution and placement work the same
for every channel: name, sex, birth_date, resident_id, doc_type + doc_number, phone, address, lon, lat.
"""
from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FEEDS_FILE = Path(__file__).resolve().parent.parent / "config" / "feeds.toml"
FEEDS_ENV = "WUZHOU_FEEDS"
FORMATS = ("csv", "xlsx", "jsonl")
ENCODINGS = ("utf-8", "gbk")
PERSON_MODES = ("none", "resolve", "known")
PLACE_MODES = ("none", "point", "address", "arrival_point", "site", "checkpoint")
# columns every batch has beside the feed's own (see ingest.writers): never required of a feed
BATCH_COLUMNS = {"person_id", "line", "place_lon", "place_lat", "community_code", "township_code", "district_code"}


@dataclass(frozen=True)
class Column:
    source: str           # header in the file (CSV/XLSX) or key (JSON lines)
    name: str             # canonical name
    kind: str             # see ingest.validate.KINDS
    required: bool = False
    formats: tuple[str, ...] = ()   # date kinds: the sender's strptime patterns, tried before the usual ones


@dataclass(frozen=True)
class Feed:
    name: str
    channel: str
    pattern: str                     # file name glob that selects this feed
    format: str                      # csv | xlsx | jsonl
    columns: tuple[Column, ...]
    writes: tuple[str, ...]          # writer names in ingest.writers
    encoding: str = "utf-8"          # utf-8 (BOM or not) | gbk ; detected per file among these
    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    person: str = "none"             # none | resolve (create or match) | known (match documents only)
    place: str = "none"              # none | point (lon/lat, else address) | address | arrival_point | site | checkpoint
    time_column: str | None = None   # the event time: batches are stored sorted on it
    label_zh: str = ""
    label_en: str = ""
    key: tuple[str, ...] = ()        # canonical columns naming one record (its natural key)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


class FeedsFileError(ValueError):
    """The feeds file is not valid; the message lists every problem with its line."""


_FEED_KEYS = {"name": str, "channel": str, "pattern": str, "format": str, "columns": list, "writes": list,
              "encoding": str, "delimiter": str, "quote": str, "escape": str, "person": str, "place": str,
              "time_column": str, "label_zh": str, "label_en": str, "key": list}
_REQUIRED_KEYS = ("name", "channel", "pattern", "format", "columns", "writes")
_COLUMN_KEYS = {"header": str, "name": str, "kind": str, "required": bool, "formats": list}
DATE_KINDS = ("date", "datetime", "birth_date")


class _Lines:
    """Where things are in the feeds file's text: the line of a feed's table, of one of its keys, of a column."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.starts = [i + 1 for i, line in enumerate(self.lines) if re.match(r"\s*\[\[\s*feed\s*\]\]", line)]

    def of(self, index: int, pattern: str = "") -> int:
        start = self.starts[index] if index < len(self.starts) else 1
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines) + 1
        for number in range(start, end):
            if pattern and re.search(pattern, self.lines[number - 1]):
                return number
        return start

    def key(self, index: int, key: str) -> int:
        return self.of(index, rf"^\s*{re.escape(key)}\s*=")

    def column(self, index: int, header: str) -> int:
        return self.of(index, rf"header\s*=\s*[\"']{re.escape(header)}[\"']")


def load_feeds(path: Path | str) -> tuple[Feed, ...]:
    """Read and check a feeds file; raise FeedsFileError listing every problem as 'file:line: feed: what'."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise FeedsFileError(f"{path}: not valid TOML: {exc}") from None
    where, problems, feeds = _Lines(text), [], []
    for key in data:
        if key != "feed":
            problems.append(f"{path}: unknown top-level key {key!r} (expected [[feed]] tables)")
    for index, table in enumerate(data.get("feed", [])):
        name = table.get("name", f"#{index + 1}")
        complain = lambda line, what, name=name: problems.append(f"{path}:{line}: feed {name!r}: {what}")  # noqa: E731
        feed = _feed(table, index, where, complain)
        if feed is not None:
            if any(f.name == feed.name for f in feeds):
                complain(where.key(index, "name"), "a feed of this name is declared earlier")
            feeds.append(feed)
    if not feeds and not problems:
        problems.append(f"{path}: declares no [[feed]]")
    if problems:
        raise FeedsFileError("\n".join(problems))
    return tuple(feeds)


def _feed(table: dict, index: int, where: _Lines, complain) -> Feed | None:
    """One [[feed]] table as a Feed, or None after complaining about what is wrong with it."""
    from ingest.validate import KINDS
    from ingest.writers import WRITERS

    errors = []

    def bad(line: int, what: str) -> None:
        errors.append(what)
        complain(line, what)

    for key, value in table.items():
        if key not in _FEED_KEYS:
            bad(where.key(index, key), f"unknown key {key!r}")
        elif not isinstance(value, _FEED_KEYS[key]):
            bad(where.key(index, key), f"{key} must be a {_FEED_KEYS[key].__name__}")
    for key in _REQUIRED_KEYS:
        if key not in table:
            bad(where.of(index), f"missing required key {key!r}")
    if errors:
        return None
    choices = {"format": FORMATS, "encoding": ENCODINGS, "person": PERSON_MODES, "place": PLACE_MODES}
    for key, allowed in choices.items():
        if key in table and table[key] not in allowed:
            bad(where.key(index, key), f"unknown {key} {table[key]!r} (one of {', '.join(allowed)})")
    for key in ("delimiter", "quote", "escape"):
        if key in table and len(table[key]) != 1:
            bad(where.key(index, key), f"{key} must be one character, not {table[key]!r}")
    columns = []
    for spec in table["columns"]:
        line = where.column(index, str(spec.get("header", ""))) if isinstance(spec, dict) else where.key(index, "columns")
        if not isinstance(spec, dict):
            bad(line, "each column is a table { header = ..., name = ..., kind = ... }")
            continue
        unknown = [k for k in spec if k not in _COLUMN_KEYS]
        missing = [k for k in ("header", "name", "kind") if k not in spec]
        wrong = [k for k, v in spec.items() if k in _COLUMN_KEYS and not isinstance(v, _COLUMN_KEYS[k])]
        for what in ([f"column key(s) {', '.join(unknown)} unknown"] if unknown else []) + \
                ([f"column without {', '.join(missing)}"] if missing else []) + \
                [f"column {k} must be a {_COLUMN_KEYS[k].__name__}" for k in wrong]:
            bad(line, what)
        if unknown or missing or wrong:
            continue
        if spec["kind"] not in KINDS:
            bad(line, f"column {spec['name']!r}: unknown kind {spec['kind']!r} (one of {', '.join(sorted(KINDS))})")
        formats = spec.get("formats", [])
        if formats and spec["kind"] not in DATE_KINDS:
            bad(line, f"column {spec['name']!r}: formats are for the kinds {', '.join(DATE_KINDS)}")
        for pattern in formats:
            if not isinstance(pattern, str) or "%" not in pattern or "'" in pattern:
                bad(line, f"column {spec['name']!r}: {pattern!r} is not a date pattern such as '%d.%m.%Y'")
        columns.append(Column(spec["header"], spec["name"], spec["kind"], spec.get("required", False),
                              tuple(formats)))
    for attr, label in (("source", "header"), ("name", "canonical name")):
        values = [getattr(c, attr) for c in columns]
        for value in sorted({v for v in values if values.count(v) > 1}):
            bad(where.column(index, next(c.source for c in columns if getattr(c, attr) == value)),
                f"two columns have the {label} {value!r}")
    names = {c.name for c in columns}
    for writer in table["writes"]:
        if writer not in WRITERS:
            bad(where.key(index, "writes"), f"unknown writer {writer!r} (one of {', '.join(sorted(WRITERS))})")
            continue
        absent = sorted(set(re.findall(r"\ba\.(\w+)", WRITERS[writer])) - names - BATCH_COLUMNS)
        if absent:
            bad(where.key(index, "writes"), f"writer {writer!r} needs column(s) {', '.join(absent)}")
        if "{time}" in WRITERS[writer] and not table.get("time_column"):
            bad(where.key(index, "writes"), f"writer {writer!r} needs a time_column")
    time_column = table.get("time_column")
    if time_column is not None and time_column not in names:
        bad(where.key(index, "time_column"), f"time_column {time_column!r} is not a column of the feed")
    for name in table.get("key", []):
        if name not in names:
            bad(where.key(index, "key"), f"key column {name!r} is not a column of the feed")
    if errors:
        return None
    return Feed(name=table["name"], channel=table["channel"], pattern=table["pattern"], format=table["format"],
                columns=tuple(columns), writes=tuple(table["writes"]), encoding=table.get("encoding", "utf-8"),
                delimiter=table.get("delimiter", ","), quote=table.get("quote", '"'), escape=table.get("escape", '"'),
                person=table.get("person", "none"), place=table.get("place", "none"), time_column=time_column,
                label_zh=table.get("label_zh", ""), label_en=table.get("label_en", ""), key=tuple(table.get("key", [])))


def feeds_file() -> Path:
    """The feeds file in use: WUZHOU_FEEDS when set, else feeds.toml of the configuration folder (settings),
    else the demo's config/feeds.toml."""
    from settings import config_dir

    configured = config_dir() / "feeds.toml"
    return Path(os.environ.get(FEEDS_ENV) or (configured if configured.exists() else DEFAULT_FEEDS_FILE))


_loaded: dict[Path, tuple[Feed, ...]] = {}


def active_feeds() -> tuple[Feed, ...]:
    """The feeds of the file in use, loaded and checked once per file."""
    path = feeds_file().resolve()
    if path not in _loaded:
        _loaded[path] = load_feeds(path)
    return _loaded[path]


def channels_of(feeds: tuple[Feed, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.channel for f in feeds))


def __getattr__(name: str):
    """FEEDS and CHANNELS: the feeds file in use, read when first asked for."""
    if name == "FEEDS":
        return active_feeds()
    if name == "CHANNELS":
        return channels_of(active_feeds())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

def feed_named(name: str, feeds: tuple[Feed, ...] | None = None) -> Feed:
    feeds = active_feeds() if feeds is None else feeds
    for feed in feeds:
        if feed.name == name:
            return feed
    raise KeyError(f"unknown feed {name!r}; feeds: {', '.join(f.name for f in feeds)}")


def feed_for(channel: str, file_name: str, feeds: tuple[Feed, ...] | None = None) -> Feed:
    """The feed of `channel` whose pattern matches the file's name."""
    feeds = active_feeds() if feeds is None else feeds
    if channel not in channels_of(feeds):
        raise ValueError(f"unknown channel {channel!r}; channels: {', '.join(channels_of(feeds))}")
    candidates = [f for f in feeds if f.channel == channel and fnmatch.fnmatch(file_name.lower(), f.pattern)]
    if not candidates:
        patterns = ", ".join(f.pattern for f in feeds if f.channel == channel)
        raise ValueError(f"{file_name}: no {channel} feed matches this file name (expected {patterns})")
    return candidates[0]
