"""The named queries agree with queries.figures.headline for every area, level and day."""
import datetime as dt

import pytest

from queries.dashboard import LEVELS, METRICS, metric_query
from queries.figures import headline
from queries.period import data_period
from queries.runner import Scope, run

AS_OF = dt.date(2020, 3, 29)
DAYS = (dt.date(2020, 1, 20), dt.date(2020, 1, 25), dt.date(2020, 2, 20), AS_OF, dt.date(2020, 4, 30))
SCOPES = (Scope.whole_city(), Scope("police", "450403"), Scope("police", "450405", "450405001"))


def expected(conn, scope, as_of, metric) -> int:
    if metric == "entered_14d":
        return headline(conn, scope, as_of, since=as_of - dt.timedelta(days=13))["entered"]
    h = headline(conn, scope, as_of)
    return h["checkpoint_vehicles"] + h["checkpoint_persons"] if metric == "checkpoint_volume" else h[metric]


def on(frame, as_of):
    return frame[frame["day"].dt.date == as_of]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.township_code or s.district_code or "city")
@pytest.mark.parametrize("metric", METRICS)
def test_every_day_of_the_whole_scope_is_the_headline(synthetic_store, metric, scope):
    conn = synthetic_store.reader()
    name, params = metric_query(metric, data_period(conn))
    tables = {level: run(conn, name, scope, level=level, **params) for level in ("all", *LEVELS)}
    for as_of in DAYS:
        want = expected(conn, scope, as_of, metric)
        assert on(tables["all"], as_of)["value"].sum() == want, as_of
        for level in LEVELS:                     # rows without area codes are in the scope, in no area
            placed = on(tables[level], as_of)["value"].sum()
            assert placed == want or (metric.startswith("entered") and scope.district_code is None
                                      and placed < want), (level, as_of)


@pytest.mark.parametrize("metric", ("abroad", "entered", "in_quarantine", "checkpoint_volume"))
def test_each_area_equals_its_own_headline(synthetic_store, metric):
    conn = synthetic_store.reader()
    name, params = metric_query(metric, data_period(conn))
    for level, code_of in (("districts", lambda c: Scope("police", c)),
                           ("townships", lambda c: Scope("police", c[:6], c))):
        values = on(run(conn, name, Scope.whole_city(), level=level, **params), AS_OF).set_index("code")["value"]
        assert len(values) >= 1
        for code, value in values.items():
            assert value == expected(conn, code_of(code), AS_OF, metric), code


def test_the_whole_period_has_a_row_per_day(synthetic_store):
    conn = synthetic_store.reader()
    period = data_period(conn)
    name, params = metric_query("abroad", period)
    table = run(conn, name, Scope.whole_city(), level="all", **params)
    first, last = conn.execute("SELECT min(entry_date), max(CAST(checked_at AS DATE)) FROM border_entries, "
                               "checkpoint_vehicle_checks").fetchone()
    assert period.start <= first and period.end >= last and period.end - period.start > dt.timedelta(days=90)
    assert len(table) == period.days


def test_areas_list_the_children_of_the_scope(synthetic_store):
    conn = synthetic_store.reader()
    assert len(run(conn, "areas", Scope.whole_city(), level="districts")) == 7
    townships = run(conn, "areas", Scope("police", "450403"), level="townships")
    assert len(townships) and (townships["parent_code"] == "450403").all()
    communities = run(conn, "areas", Scope("police", "450403", "450403005"), level="communities")
    assert len(communities) and (communities["parent_code"] == "450403005").all()
    assert communities["generated"].all()           # generated boundaries are marked as such


def test_checkpoints_and_their_days_match_the_headline(synthetic_store):
    conn = synthetic_store.reader()
    as_of = dt.date(2020, 3, 29)
    h = headline(conn, Scope.whole_city(), as_of)
    listed = run(conn, "checkpoints", Scope.whole_city())
    assert len(listed) == conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] and listed["district"].all()
    days = run(conn, "checkpoint_daily", Scope.whole_city(), start=dt.date(2020, 1, 20), end=as_of)
    assert (days["vehicles"].sum(), days["persons"].sum()) == (h["checkpoint_vehicles"], h["checkpoint_persons"])


def test_quarantine_site_occupants_are_the_hotel_quarantines(synthetic_store):
    conn = synthetic_store.reader()
    as_of = dt.date(2020, 3, 29)
    sites = run(conn, "quarantine_sites", Scope.whole_city(), as_of=as_of)
    assert sites["occupants"].sum() == headline(conn, Scope.whole_city(), as_of)["in_quarantine_hotel"]


def test_feed_status_flags_the_channel_that_went_quiet(synthetic_store):
    conn = synthetic_store.reader()
    status = run(conn, "feed_status", Scope.whole_city(), now=None).set_index("channel")
    assert status.loc["university", "quiet"] and not status.loc["hotel", "quiet"]
    assert status.loc["hotel", "median_gap_hours"] == 48
    assert status.loc["hotel", "last_file"] == "hotel_038.csv"
    assert status.loc["hotel", "rows_accepted"] == 20 * 97
    reasons = run(conn, "reject_reasons", Scope.whole_city())
    assert "phone: invalid phone" in set(reasons["reason"])           # the offending value is left out
