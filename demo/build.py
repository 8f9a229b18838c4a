"""write_feeds: the demo city's feed files for 2020-01-20 .. 2020-04-30, in ingest order, plus the
ground truth (truth/rows.parquet) of who every row is about and whether ingest should accept it."""
from __future__ import annotations

import fnmatch
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from demo import background, loop, travellers
from demo.checks import Traffic
from demo.dirt import Truth, plant, plant_table
from demo.feeds import choose_style, render, write_big_csv, write_csv, write_jsonl, write_xlsx
from demo.people import Identities
from demo.places import City
from demo.timeline import START, WEEKS, iso_week, week_label
from ingest.channels import FEEDS, Feed, feed_named

BIG = ("vehicle_checks", "person_checks")
REFERENCE = ("checkpoint_sites", "quarantine_sites")
TRUTH_SCHEMA = pa.schema([("file", pa.string()), ("line", pa.int64()), ("person_key", pa.int64()),
                          ("expect", pa.string()), ("reason_hint", pa.string())])


@dataclass(frozen=True)
class FeedFile:
    channel: str
    feed: str
    path: Path


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _file_name(feed: Feed, tag: str) -> str:
    return f"{feed.pattern.split('*')[0]}_{tag}.{feed.format}"


def _listing(sites, **columns) -> pd.DataFrame:
    """A reference list (checkpoints, quarantine hotels): feed column -> Site attribute."""
    rows = pd.DataFrame({col: [getattr(s, attr) for s in sites] for col, attr in columns.items()})
    return rows.assign(_key=None, _t=START)


class World:
    """Everything the files are cut from: places, people, the travellers and every feed's rows."""

    def __init__(self, boundaries, scale: int, seed: int):
        rng = lambda name: _rng(seed, name)  # noqa: E731
        city = City(boundaries)
        sites_rng = rng("sites")
        self.checkpoints = city.checkpoints(sites_rng)
        self.hotels = city.quarantine_hotels(sites_rng)
        lodgings = city.lodgings(sites_rng, 36)
        self.ids = Identities(rng("identities"))
        t = travellers.build(self.ids, city, rng("travellers"), scale, self.hotels, self.checkpoints)
        pools = background.Pools(self.ids, city, rng("pools"), scale)
        r = rng("rows")
        hotel_by_id = {h.id: h for h in self.hotels}
        names = {c.id: c.name for c in self.checkpoints}
        app = background.tracing(r, pools, city, scale)
        self.rows = {
            "abroad": loop.abroad(r, t, city),
            "police_entries": loop.police_entries(r, t),
            "police_cases": background.police_cases(r, scale),
            "tracing": pd.concat([loop.tracing(r, t, city, hotel_by_id), app], ignore_index=True),
            "hotel": pd.concat([loop.quarantine_lodging(r, t, hotel_by_id),
                                background.hotel(r, pools, city, lodgings, scale)], ignore_index=True),
            "rail": pd.concat([loop.arrivals(r, t, "rail"), background.rail(r, pools, city, scale)],
                              ignore_index=True),
            "air": pd.concat([loop.arrivals(r, t, "air"), background.air(r, pools, scale)], ignore_index=True),
            "university": loop.university(r, t),
            "grid": pd.concat([loop.grid(r, t, city), background.grid(r, pools, city, scale, app)],
                              ignore_index=True),
            "quarantine_checkins": loop.checkins(r, t, city, names),
            "quarantine_temps": loop.temperatures(r, t),
            "quarantine_releases": loop.releases(r, t),
            "cases": background.local_cases(r, pools),
            "checkpoint_sites": _listing(self.checkpoints, checkpoint_id="id", place="name", road="road", lon="lon",
                                         lat="lat"),
            "quarantine_sites": _listing(self.hotels, site_id="id", place="name", capacity="rooms",
                                         address="address", lon="lon", lat="lat").assign(site_kind="酒店"),
        }
        for frame in self.rows.values():
            frame["_week"] = iso_week(frame["_t"].to_numpy("datetime64[s]"))
        known = pd.concat([pools.locals.sample(1000 * scale, random_state=seed),
                           pools.visitors.sample(1000 * scale, random_state=seed)], ignore_index=True)
        self.traffic = Traffic(self.ids, rng("traffic"), self.checkpoints, scale, loop.road_arrivals(r, t), known)

    def frame(self, feed: str, tag) -> pd.DataFrame:
        """The rows of one file: a week, 'initial' (abroad before 01-20) or 'list' (reference lists)."""
        rows = self.rows[feed]
        if tag == "list":
            return rows
        if feed == "abroad":
            before = rows["_t"].to_numpy("datetime64[s]") < START
            rows = rows[before] if tag == "initial" else rows[~before & (rows["_week"] == tag).to_numpy()]
        else:
            rows = rows[rows["_week"] == tag]
        return rows.sort_values("_t", kind="stable")

    def jobs(self) -> list[tuple[str, Feed, object]]:
        """(file name, feed, tag) of every file in ingest order; weeks with no rows have no file."""
        jobs = [(_file_name(feed_named(f), "list"), feed_named(f), "list") for f in REFERENCE]
        jobs.append(("abroad_initial.jsonl", feed_named("abroad"), "initial"))
        for week in WEEKS:
            for feed in FEEDS:
                if feed.name in REFERENCE:
                    continue
                if feed.name in BIG:
                    totals = self.traffic.vehicles if feed.name == "vehicle_checks" else self.traffic.persons
                    has = totals[iso_week(self.traffic.days) == week].sum() > 0
                else:
                    has = len(self.frame(feed.name, week)) > 0
                if has:
                    jobs.append((_file_name(feed, week_label(week)), feed, week))
        return jobs


def _truth_table(name: str, truth: Truth, first_line: int) -> pa.Table:
    """Truth rows of one file: line numbers from first_line (2 for CSV/XLSX under the header, 1 for JSONL)."""
    n = len(truth.keys)
    missing = np.asarray(pd.isna(truth.keys), bool)
    keys = np.where(missing, 0, truth.keys).astype(np.int64)
    return pa.table({"file": pa.array([name], pa.string()).take(pa.array(np.zeros(n, np.int64))),
                     "line": pa.array(np.arange(first_line, first_line + n, dtype=np.int64)),
                     "person_key": pa.array(keys, mask=missing), "expect": pa.array(truth.expect, pa.string()),
                     "reason_hint": pa.array(truth.hint, pa.string())}, schema=TRUTH_SCHEMA)


def write_feeds(out_dir: Path, boundaries, scale: int = 1, seed: int = 2020, progress=None) -> list[FeedFile]:
    """Write every feed file of the demo into out_dir; return them in the order they must be ingested.

    progress(done_files, total_files, label) is called after each file (a tqdm bar when not given)."""
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    world = World(boundaries, scale, seed)
    jobs = world.jobs()
    bar = None
    if progress is None:
        bar = tqdm(total=len(jobs), unit="file", desc="demo feeds", disable=None)
        progress = lambda done, total, label: (bar.set_postfix_str(label), bar.update(1))  # noqa: E731
    previous: dict[str, tuple] = {}
    files = []
    with pq.ParquetWriter(out_dir / "truth" / "rows.parquet", TRUTH_SCHEMA) as truth_out:
        for done, (name, feed, tag) in enumerate(jobs, start=1):
            rng = _rng(seed, name)
            style = choose_style(feed, rng)
            path = out_dir / name
            n_bad = 1 if tag == "list" else int(rng.integers(0, 3)) + (3 if feed.name in BIG else 0)
            if feed.name in BIG:
                truth_out.write_table(_write_big(world, feed, tag, path, style, n_bad, previous, rng))
            else:
                truth_out.write_table(_write_small(world, feed, tag, path, style, n_bad, previous, rng))
            files.append(FeedFile(feed.channel, feed.name, path))
            progress(done, len(jobs), name)
    if bar is not None:
        bar.close()
    return files


def _write_small(world: World, feed: Feed, tag, path: Path, style, n_bad: int, previous: dict, rng) -> pa.Table:
    frame = world.frame(feed.name, tag)
    df = render(feed, frame, style, rng)
    truth = Truth(frame["_key"].to_numpy(dtype=object))
    before = previous.get(feed.name)
    df, truth = plant(feed, df, truth, n_bad, *(before or (None, None, "")), world.ids, rng)
    previous[feed.name] = (df, truth, path.name)
    {"csv": lambda: write_csv(path, feed, df, style), "xlsx": lambda: write_xlsx(path, feed, df),
     "jsonl": lambda: write_jsonl(path, feed, df)}[feed.format]()
    return _truth_table(path.name, truth, 1 if feed.format == "jsonl" else 2)


def _write_big(world: World, feed: Feed, week: int, path: Path, style, n_bad: int, previous: dict, rng) -> pa.Table:
    if feed.name == "vehicle_checks":
        table = world.traffic.vehicle_week(rng, week)
        keys = np.full(table.num_rows, None, dtype=object)
    else:
        table, keys = world.traffic.person_week(rng, week)
    table = table.select([c.name for c in feed.columns if c.name in table.column_names])
    table = table.rename_columns([feed.column(n).source for n in table.column_names])
    if style.datetimes == "slash":
        column = feed.column("checked_at").source
        table = table.set_column(table.column_names.index(column), column,
                                 pc.replace_substring(table[column], "-", "/"))
    before = previous.get(feed.name)
    out, truth = plant_table(feed, table, keys, n_bad, *(before or (None, None, "")), world.ids, rng)
    previous[feed.name] = (table, keys, path.name)
    write_big_csv(path, feed, out, style)
    return _truth_table(path.name, truth, 2)


def files_in(feeds_dir: Path) -> list[tuple[Feed, Path]]:
    """The demo's feed files found in a folder (all or some of them), with their feeds, in ingest order:
    the reference lists, the initial abroad list, then week by week in the feeds' declared order."""
    order = {feed.name: i for i, feed in enumerate(FEEDS)}
    found = []
    for path in Path(feeds_dir).iterdir():
        feed = next((f for f in FEEDS if path.is_file() and fnmatch.fnmatch(path.name, f.pattern)), None)
        if feed is not None:
            tag = path.stem.rsplit("_", 1)[-1]
            rank = (0, REFERENCE.index(feed.name)) if feed.name in REFERENCE else (1, 0) if tag == "initial" else \
                (2, int(tag.replace("w", "")), order[feed.name])
            found.append((rank, feed, path))
    return [(feed, path) for _, feed, path in sorted(found, key=lambda r: r[0])]
