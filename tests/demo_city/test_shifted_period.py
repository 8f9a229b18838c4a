"""The period follows the data: the demo's feed files and policy moved six years on (tests/shifted.py) give
the same figures on the shifted days — the headline, the overview's cards and map, checkpoints, quarantine and
the alerts list through the pages' own callbacks — and the store's period and default day move with them."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from pages.context import day_index
from queries.figures import headline
from queries.period import data_period
from queries.runner import Scope
from settings import DEFAULT_DIR
from tests.pages.dash_client import DashClient, account
from tests.queries.synthetic import app_config  # noqa: F401  (fixture)
from tests.shifted import SHIFT, configured, shift_config, shift_file, shift_text

pytestmark = pytest.mark.slow
DAYS = (dt.date(2020, 2, 20), dt.date(2020, 3, 29), dt.date(2020, 4, 30))


@pytest.fixture(scope="module")
def shifted(tmp_path_factory, boundaries):
    """(store, configuration directory) of the demo city built from its files shifted by SHIFT."""
    from demo import write_feeds
    from ingest.channels import feed_named
    from ingest.reference import write_reference
    from ingest.run import ingest_files
    from store.db import Store

    root = tmp_path_factory.mktemp("shifted")
    config = shift_config(DEFAULT_DIR, root / "config")
    files = write_feeds(root / "feeds", boundaries, scale=1, seed=2020, progress=lambda *_: None)
    for f in files:
        shift_file(f.path)
    store = Store(root / "store")
    with configured(config), store.writer() as conn:
        write_reference(conn, boundaries)
        _, errors = ingest_files(store, [(feed_named(f.feed), f.path) for f in files], show_progress=False,
                                 conn=conn)
    assert not errors
    return store, config


def test_the_shifted_files_and_policy_keep_their_formats():
    assert shift_text("2020/3/1 8:05,2020年3月29日,20200320,2020-02-30,450422197804104880,450902 19630720 9603") == \
        "2026/3/1 8:05,2026年3月29日,20260320,2020-02-30,450422197804104880,450902 19630720 9603"
    assert shift_text('{"birth_date": "1990-01-02", "exit_date": "2020-01-24"}') == \
        '{"birth_date": "1990-01-02", "exit_date": "2026-01-23"}'


def test_the_period_and_the_default_day_follow_the_data(demo_city, shifted):
    before, after = data_period(demo_city[0].reader()), data_period(shifted[0].reader())
    assert (before.start, before.end) == (dt.date(2020, 1, 20), dt.date(2020, 4, 30))
    assert (after.start, after.end, after.latest) == (before.start + SHIFT, before.end + SHIFT, before.end + SHIFT)


def test_the_headline_is_the_same_on_the_shifted_days(demo_city, shifted):
    store, config = shifted
    with configured(config):
        for day in DAYS:
            for scope in (Scope.whole_city(), Scope("police", "450403")):
                assert headline(store.reader(), scope, day + SHIFT) == headline(demo_city[0].reader(), scope, day)


def pages_outputs(store, app_config, tmp_path, days) -> list[str]:
    """Every page's callbacks on `days`, as JSON text, for an analyst of the whole city."""
    from pages.server import create_app

    config = replace(app_config, state_path=tmp_path / "app.sqlite")
    client = DashClient(create_app(store, config), account(config.state_path, "analyst"))
    out = []
    for day in days:
        overview = {"ov-drill.data": {"path": [], "selected": None}, "ov-day.value": day_index(day),
                    "ov-classes.value": "quantile", "ov-points.value": []}
        out.append(client.call("ov-cards.children", overview).outputs)
        for metric in ("abroad", "entered", "in_quarantine", "alerts", "risk"):
            out.append(client.call("ov-map.figure", {**overview, "ov-metric.value": metric},
                                   changed=["ov-drill.data"]).outputs)
        out.append(client.call("cp-cards.children", {"cp-date.date": day.isoformat()}).outputs)
        quarantine = client.call("qr-cards.children", {"qr-date.date": day.isoformat()}).outputs
        out.append(quarantine)
        alerts = client.call("al-counts.children", {"al-date.date": day.isoformat(), "al-kinds.value": [],
                                                    "al-states.value": ["new"], "al-layers.value": [],
                                                    "al-version.data": 0}, {"al-filters.data": None}).outputs
        out.append({k: alerts[k] for k in ("al-counts.children", "al-count.children")})
        out.append(client.call("al-grid.getRowsResponse", {"al-grid.getRowsRequest": {"startRow": 0, "endRow": 50}},
                               {"al-filters.data": alerts["al-filters.data"]}).outputs)
    version = store.version()                  # map files' cache-buster: names the snapshot, not a figure
    return [json.dumps(o, ensure_ascii=False, sort_keys=True, default=str).replace(version, "<snapshot>")
            for o in out]


def test_every_page_shows_the_same_figures_on_the_shifted_days(demo_city, shifted, app_config, tmp_path):
    store, config = shifted
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    with configured(DEFAULT_DIR):
        before = pages_outputs(demo_city[0], app_config, tmp_path / "before", DAYS)
    with configured(config):
        after = pages_outputs(store, app_config, tmp_path / "after", [d + SHIFT for d in DAYS])
    assert len(before) == len(after) == 10 * len(DAYS)
    for i, (want, got) in enumerate(zip(before, after)):
        assert shift_text(want) == got, i
