"""Synthetic identities: valid, unique check digits; every resident ID that is not planted dirt is valid."""
import numpy as np
import pandas as pd

from demo.people import Identities, check_digits
from demo.timeline import allocate, iso_week
from ingest.channels import feed_named
from tests.ids import resident_id, with_wrong_check_digit


def valid(numbers) -> bool:
    numbers = pd.Series(numbers, dtype=str)
    return bool((check_digits(numbers.str.slice(0, 17).astype(np.int64).to_numpy()) == numbers.str.slice(17)).all())


def test_check_digits_match_gb_11643():
    assert valid([resident_id("450403", "19900101", 11)])
    assert not valid([with_wrong_check_digit(resident_id("450403", "19900101", 11))])
    ids = Identities(np.random.default_rng(1))
    births = np.array(["1990-01-01", "2020-02-10"] * 500, "datetime64[D]")
    numbers = ids.resident_ids(np.array(["450481"] * 1000), births, np.arange(1000) % 2 == 0)
    assert len(set(numbers)) == 1000 and valid(numbers)
    assert all(int(n[16]) % 2 == 1 for n in numbers[::2])          # odd sequence digit: male


def test_allocate_and_weeks():
    assert allocate(485_000, np.random.default_rng(2).random(65)).sum() == 485_000
    assert iso_week(np.array(["2020-01-20", "2020-03-29", "2020-04-30"], "datetime64[D]")).tolist() == [4, 13, 18]


def test_every_clean_resident_id_in_the_files_is_valid(demo_feeds, feed_rows):
    _, files, _ = demo_feeds
    numbers = []
    for name in sorted({f.feed for f in files} - {"vehicle_checks"}):
        feed = feed_named(name)
        rows = feed_rows(name)
        if feed.column("resident_id") is not None:
            numbers.append(rows["resident_id"])
        if feed.column("doc_type") is not None:
            numbers.append(rows.loc[rows["doc_type"].isin(["身份证", "居民身份证"]), "doc_number"])
    ids = pd.concat(numbers).str.replace(" ", "").str.upper()
    ids = pd.Series(ids[ids != ""].unique())
    assert len(ids) > 50_000 and ids.str.fullmatch(r"[0-9]{17}[0-9X]").all() and valid(ids)
    births = pd.to_datetime(ids.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    assert births.notna().all() and births.min().year >= 1900 and births.max() <= pd.Timestamp("2020-04-30")
