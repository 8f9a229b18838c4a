"""The cards' day-by-day headline figures (AppContext.headline_days) equal queries.figures.headline for the whole
city, every district and every township, on several days — on the synthetic city and on the demo city."""
import datetime as dt

import pytest

from pages.context import AppContext
from queries.figures import DAILY_FIGURES, headline
from queries.runner import Scope

DAYS = (dt.date(2020, 1, 20), dt.date(2020, 2, 9), dt.date(2020, 3, 1), dt.date(2020, 3, 29), dt.date(2020, 4, 30))


def scopes(conn) -> list[Scope]:
    districts = [r[0] for r in conn.execute("SELECT code FROM districts ORDER BY code").fetchall()]
    townships = conn.execute("SELECT district_code, code FROM townships ORDER BY code").fetchall()
    return [Scope("leadership"), *[Scope("police", d) for d in districts],
            *[Scope("police", d, t) for d, t in townships]]


def compare_every_area(store, app_config, days=DAYS) -> tuple[int, int, set]:
    """Every area's cards on every day in `days`, read from the table, asserted equal to the headline query;
    (comparisons made, areas × days, the figures met with values besides zero)."""
    ctx = AppContext.create(store, app_config)
    conn = store.reader()
    ctx.headline_days()                                   # as the warm-up does: cards now read the table
    assert ctx.cache.peek(("headline_days",)) is not None
    areas = scopes(conn)
    assert len(areas) == 1 + conn.execute("SELECT (SELECT count(*) FROM districts) + "
                                          "(SELECT count(*) FROM townships)").fetchone()[0] > 8
    compared, nonzero = 0, set()
    for scope in areas:
        for as_of in days:
            want = headline(conn, scope, as_of)
            got = ctx.headline(scope, as_of)
            assert {f: got[f] for f in DAILY_FIGURES} == {f: want[f] for f in DAILY_FIGURES}, (scope, as_of)
            assert (got["checkpoint_vehicles"], got["checkpoint_persons"]) == \
                (want["checkpoint_vehicles"], want["checkpoint_persons"]), (scope, as_of)
            assert ("headline", scope, as_of) not in {k[1:] for k in ctx.cache._items}    # a lookup, not a query
            compared += 1
            nonzero |= {f for f in DAILY_FIGURES if want[f]}
    return compared, len(areas) * len(days), nonzero


MOVING = {"abroad", "entered", "arrived", "in_quarantine", "released"}       # figures that must not all be zero


def test_every_area_and_day_equals_the_headline_query(synthetic_store, app_config):
    compared, expected, nonzero = compare_every_area(synthetic_store, app_config)
    assert compared == expected and MOVING <= nonzero


@pytest.mark.slow
def test_every_area_equals_the_headline_query_on_the_demo_city(demo_city, app_config):
    store, _ = demo_city
    compared, expected, nonzero = compare_every_area(store, app_config,
                                                     days=(dt.date(2020, 2, 20), dt.date(2020, 3, 29)))
    assert compared == expected and MOVING <= nonzero


def test_before_the_table_is_kept_a_date_is_queried(synthetic_store, app_config):
    ctx = AppContext.create(synthetic_store, app_config)
    scope = Scope("police", "450403")
    assert ctx.headline(scope, dt.date(2020, 3, 29))["abroad"] == \
        headline(synthetic_store.reader(), scope, dt.date(2020, 3, 29))["abroad"]
    assert ctx.cache.peek(("headline", scope, dt.date(2020, 3, 29))) is not None
    assert ctx.cache.peek(("headline_days",)) is None
