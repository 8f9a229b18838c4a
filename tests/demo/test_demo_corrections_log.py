"""The corrections log over a real re-send: a demo checkpoint file re-sent with one vehicle's type corrected shows
up as one corrected record of that file, naming the figure it counts in and the batch it replaced."""
from __future__ import annotations

from pages.corrections import fields_of, figures_of
from queries.runner import Scope, run
from tests.demo.resent import csv_rows, ingest, renamed, write_csv

WEEK = "2020w12"


def test_a_corrected_cell_is_logged_with_its_file_fields_and_figure(city_store, demo_feeds, tmp_path):
    out = demo_feeds[0]
    ingest(city_store, "checkpoint_sites", out / "checkpoints_list.csv")
    original = out / f"vehicle_checks_{WEEK}.csv"
    first = ingest(city_store, "vehicle_checks", original)
    header, rows, encoding = csv_rows(original)
    col = header.index("车辆类型")
    target = next(i for i, r in enumerate(rows) if r[col] == "小型汽车")
    rows[target][col] = "货车"
    resent = write_csv(renamed(tmp_path, original), header, rows, encoding)
    again = ingest(city_store, "vehicle_checks", resent)
    found = run(city_store.reader(), "corrections_log", Scope.whole_city("leadership"))
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["batch_id"], row["file_name"], row["records"]) == (again.batch_id, resent.name, 1)
    assert (row["before_batches"], row["before_files"]) == (str(first.batch_id), original.name)
    assert fields_of(row["feed"], row["columns"].split(", "), "zh") == "车辆类型"
    assert figures_of(row["feed"], "zh") == "检测站查验车辆"
