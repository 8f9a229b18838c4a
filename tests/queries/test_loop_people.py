"""People in the loop: each population is exactly the people its headline figure counts; fields masked."""
import datetime as dt
import re

import pandas as pd
import pytest

from queries.figures import headline
from queries.runner import Forbidden, Scope, run

AS_OF = dt.date(2020, 3, 29)
BASE = dict(as_of=AS_OF, since=dt.date(2020, 1, 20), population=None, community=None, doc_type=None, country=None, channel=None,
            sort_col=None, sort_desc=False, moved="[]")


def people(conn, scope, **params):
    return run(conn, "loop_people", scope, **{**BASE, **params})


@pytest.mark.parametrize("scope", (Scope.whole_city(), Scope("police", "450403"),
                                   Scope("police", "450405", "450405001")), ids=("city", "district", "township"))
@pytest.mark.parametrize("as_of", (dt.date(2020, 2, 20), AS_OF))
def test_each_population_is_its_headline_figure(synthetic_store, scope, as_of):
    conn = synthetic_store.reader()
    h = headline(conn, scope, as_of)
    for population in ("abroad", "entered", "arrived", "measures", "in_quarantine", "released"):
        frame = people(conn, scope, as_of=as_of, population=population)
        assert len(frame) == h[population], population
        assert frame["person_id"].is_unique
    assert len(people(conn, scope, as_of=as_of, population="abroad", doc_type="passport")) == h["abroad_passport"]
    assert len(people(conn, scope, as_of=as_of, population="abroad", doc_type="hk_macau_permit")) == h["abroad_permit"]


def test_fields_are_masked_in_sql(synthetic_store):
    frame = people(synthetic_store.reader(), Scope.whole_city())
    assert frame["resident_id"].dropna().str.fullmatch(r"\d{6}\*{8}[\dX]{4}").all()
    assert frame["phone"].dropna().str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    assert frame["name"].str.fullmatch(r".\*.").all()                       # three characters: 张*丰 (issue 18.5)


def test_only_police_unmask_and_only_the_one_person(synthetic_store):
    conn = synthetic_store.reader()
    masked = people(conn, Scope.whole_city())
    pid = int(masked["person_id"].iloc[0])
    for role in ("police", "analyst", "system"):
        frame = people(conn, Scope(role, reveal_person=pid)).set_index("person_id")
        clear = frame.loc[pid]
        assert ("*" not in clear["phone"]) == (role == "police"), role
        assert frame.drop(index=pid)["phone"].dropna().str.contains(r"\*").all()


def test_roles_limited_to_aggregates_get_no_person_fields(synthetic_store):
    conn = synthetic_store.reader()
    for role in ("leadership", "admin"):
        with pytest.raises(Forbidden):
            people(conn, Scope(role))
        with pytest.raises(Forbidden):
            run(conn, "person_journey", Scope(role), person=1, as_of=AS_OF, moved="[]")
        returns = run(conn, "alerts_returns", Scope(role), as_of=AS_OF, persons=None)      # counted, never named
        assert returns["name"].isna().all()
    with pytest.raises(TypeError, match="from the scope"):
        people(conn, Scope("police", "450403"), reveal_person=1, scope_district=None)


def test_sorting(synthetic_store):
    conn = synthetic_store.reader()
    every = people(conn, Scope.whole_city(), sort_col="days_in_quarantine", sort_desc=True)
    days = every["days_in_quarantine"].dropna()
    assert days.is_monotonic_decreasing
    by_name = people(conn, Scope.whole_city(), sort_col="name")
    assert by_name["name"].tolist() == sorted(by_name["name"])


def test_filters_by_community_country_and_channel(synthetic_store):
    conn = synthetic_store.reader()
    everyone = people(conn, Scope.whole_city())
    code = everyone["community_code"].mode().iloc[0]
    mine = people(conn, Scope("police", code[:6], code[:9]), community=code)
    assert len(mine) and (mine["community_code"] == code).all()
    japan = people(conn, Scope.whole_city(), country="日本")
    assert len(japan) and (japan["country"] == "日本").all()
    tracing = people(conn, Scope.whole_city(), channel="tracing_app")
    assert len(tracing) and tracing["channels"].str.contains("tracing_app").all()


def test_journey_in_time_order_with_sources(synthetic_store):
    conn = synthetic_store.reader()
    quarantined = people(conn, Scope.whole_city(), population="released")
    person = int(quarantined["person_id"].iloc[0])
    journey = run(conn, "person_journey", Scope.whole_city(), person=person, as_of=AS_OF, moved="[]")
    steps = journey["step"].tolist()
    for earlier, later in (("abroad", "entered"), ("entered", "arrived"), ("arrived", "quarantine"),
                           ("quarantine", "released")):
        assert steps.index(earlier) < steps.index(later)
    assert journey["at"].is_monotonic_increasing
    assert journey["channel"].notna().all() and journey["line"].notna().all()
    other_district = "450481" if quarantined["district_code"].iloc[0] != "450481" else "450403"
    assert run(conn, "person_journey", Scope("police", other_district), person=person, as_of=AS_OF, moved="[]").empty
    assert re.fullmatch(r".+\.csv", str(journey["file_name"].iloc[0]))


def test_results_read_through_arrow_are_what_duckdb_df_gives(synthetic_store):
    """run() reads results through Arrow (queries.runner.frame); the frame equals DuckDB's .df() of the same
    query, types included: strings, dates and timestamps, floats and integers with NULLs among them."""
    from queries.runner import PARAM, frame, render

    conn = synthetic_store.reader()
    sql = render("loop_people", people=True)
    values = {**BASE, "scope_district": None, "scope_township": None, "reveal_person": None}
    values = {k: v for k, v in values.items() if k in set(PARAM.findall(sql))}
    expected = conn.execute(sql, values).df()
    got = frame(conn.execute(sql, values).to_arrow_table())
    assert len(got) > 100 and got["days_in_quarantine"].isna().any() and got["days_in_quarantine"].notna().any()
    assert {str(t) for t in got.dtypes} >= {"str", "datetime64[us]", "Int64", "int64", "float64"}
    pd.testing.assert_frame_equal(got, expected)
