"""The demo writes the files each channel sends: names, order, headers, formats and encodings."""
import re

from openpyxl import load_workbook

from demo import write_feeds
from ingest.channels import FEEDS, feed_for
from tests.demo.files import encoding_of, header_of

NAME = re.compile(r"^[a-z_]+_(2020w(\d\d)|list|initial)\.(csv|xlsx|jsonl)$")


def test_every_file_maps_to_its_feed_in_ingest_order(demo_feeds):
    out, files, _ = demo_feeds
    assert 150 <= len(files) <= 250
    order = [f.name for f in FEEDS]
    keys = []
    for f in files:
        assert f.path.parent == out and f.path.exists()
        assert feed_for(f.channel, f.path.name).name == f.feed
        match = NAME.match(f.path.name)
        assert match, f.path.name
        keys.append((int(match.group(2) or 0), order.index(f.feed)) if match.group(2) else (0, 0))
    assert [f.path.name for f in files[:3]] == ["checkpoints_list.csv", "qsites_list.csv", "abroad_initial.jsonl"]
    assert keys[3:] == sorted(keys[3:])


def test_headers_are_the_declared_sources(demo_feeds):
    _, files, _ = demo_feeds
    for f in files:
        feed = feed_for(f.channel, f.path.name)
        assert header_of(f.path, feed) == [c.source for c in feed.columns], f.path.name


def test_gbk_feeds_mix_encodings_and_excel_feeds_mix_date_cells(demo_feeds):
    _, files, _ = demo_feeds
    gbk = {encoding_of(f.path) for f in files if feed_for(f.channel, f.path.name).encoding == "gbk"}
    assert gbk == {"gbk", "utf-8-sig", "utf-8"}
    kinds = set()
    for f in files:
        if f.path.suffix == ".xlsx" and f.feed == "air":
            sheet = load_workbook(f.path, read_only=True).worksheets[0]
            kinds.add(type(list(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0][3]).__name__)
    assert {"datetime", "float"} <= kinds


def test_the_same_seed_writes_the_same_bytes(demo_feeds, boundaries, tmp_path):
    out, files, _ = demo_feeds
    again = write_feeds(tmp_path, boundaries, scale=1, seed=2020, progress=lambda *_: None)
    assert [f.path.name for f in again] == [f.path.name for f in files]
    for name in ("checkpoints_list.csv", "qsites_list.csv", "police_cases_2020w06.csv", "air_2020w12.xlsx",
                 "grid_2020w11.csv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
