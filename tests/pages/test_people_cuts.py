"""Filters and sorts cut from one loop_people query (pages/people.py) give exactly the rows and order the query
gives with those parameters (as the grid and the downloads take them: a column the filter leaves all
empty may come back typed as text rather than object, with the same values)."""
import dataclasses
import datetime as dt

import pytest

from pages.context import AppContext
from pages.people import SORTABLE, loop_people, people_block, people_count, records
from queries.runner import Scope, run
from tests.queries.synthetic import app_config  # noqa: F401  (fixture)

SCOPES = [Scope("analyst"), Scope("police", "450403")]


@pytest.fixture(scope="module")
def ctx(synthetic_store, app_config, tmp_path_factory):  # noqa: F811
    config = dataclasses.replace(app_config, state_path=tmp_path_factory.mktemp("cuts") / "app.sqlite")
    return AppContext.create(synthetic_store, config)


def key_of(filters: dict, sort_col=None, desc=False) -> tuple:
    params = {"as_of": dt.date(2020, 3, 29), "since": dt.date(2020, 1, 20), "population": None, "community": None,
              "doc_type": None, "country": None, "channel": None, "moved": "[]", **filters, "sort_col": sort_col,
              "sort_desc": desc}
    return tuple(sorted(params.items()))


def query(ctx, scope, sort_col=None, desc=False, **filters):
    params = {"as_of": dt.date(2020, 3, 29), "since": dt.date(2020, 1, 20), "population": None, "community": None,
              "doc_type": None, "country": None, "channel": None, "moved": "[]", **filters}
    return run(ctx.store.reader(), "loop_people", scope, **params, sort_col=sort_col, sort_desc=desc)


@pytest.mark.parametrize("scope", SCOPES)
def test_filters_cut_from_one_query_equal_the_query(ctx, scope):
    everyone = query(ctx, scope)
    assert loop_people(ctx, scope, as_of=dt.date(2020, 3, 29)).equals(everyone)        # kept: the rest are cuts
    countries = everyone["country"].dropna().value_counts().index[:2].tolist()
    channels = sorted({c for v in everyone["channels"].dropna() for c in v.split(", ")})[:3]
    cases = [{"population": p} for p in ("abroad", "entered", "in_quarantine", "released")] + \
            [{"doc_type": "passport"}, {"country": countries[0]}, {"channel": channels[-1]},
             {"population": "entered", "country": countries[-1], "channel": channels[0]}]
    for filters in cases:
        expected = query(ctx, scope, **filters)
        found = loop_people(ctx, scope, as_of=dt.date(2020, 3, 29), **filters)
        assert ctx.people_cache.peek(("people.cut", scope, key_of(filters))) is found
        assert len(expected) > 0 or filters.get("population") == "released", filters
        assert found.columns.equals(expected.columns) and records(found) == records(expected), filters


@pytest.mark.parametrize("scope", SCOPES)
def test_sorts_cut_from_one_query_equal_the_query(ctx, scope):
    loop_people(ctx, scope, as_of=dt.date(2020, 3, 29))
    for column in SORTABLE:
        for desc in (False, True):
            expected = query(ctx, scope, sort_col=column, desc=desc, population="entered")
            found = loop_people(ctx, scope, as_of=dt.date(2020, 3, 29), population="entered",
                                sort=[{"colId": column, "sort": "desc" if desc else "asc"}])
            assert found["person_id"].tolist() == expected["person_id"].tolist(), (column, desc)
            assert records(found) == records(expected), (column, desc)


def fresh(synthetic_store, app_config, tmp_path_factory) -> AppContext:  # noqa: F811
    """A context whose caches hold nothing yet (filters nobody asked for)."""
    config = dataclasses.replace(app_config, state_path=tmp_path_factory.mktemp("fresh") / "app.sqlite")
    return AppContext.create(synthetic_store, config)


COUNTED = [{}, {"population": "entered"}, {"population": "in_quarantine"}, {"since": dt.date(2020, 3, 1)},
           {"as_of": dt.date(2020, 2, 20)}, {"population": "released", "since": dt.date(2020, 3, 15)}]


@pytest.mark.parametrize("scope", SCOPES)
def test_counts_and_blocks_without_the_list_equal_the_list(synthetic_store, app_config, tmp_path_factory, scope):  # noqa: F811
    """The export's count and its unsorted blocks for filters nobody asked for are computed without the whole
    list (queries/loop_people_count.sql, loop_people_page.sql): the same number and rows as the list's."""
    ctx = fresh(synthetic_store, app_config, tmp_path_factory)
    for filters in COUNTED:
        given = {"as_of": dt.date(2020, 3, 29), **filters}
        n = people_count(ctx, scope, **given)
        block, total = people_block(ctx, scope, 5, 25, None, **given)
        assert ctx.people_kept(scope, **dict(key_of(filters))) is None                 # the list was not run
        expected = query(ctx, scope, **filters)
        assert n == total == len(expected), filters
        assert len(block) > 0 or filters.get("population") == "released", (filters, len(expected))
        assert records(block) == records(expected.iloc[5:25]), filters
    sorted_block, total = people_block(ctx, scope, 0, 10, [{"colId": "name", "sort": "desc"}],
                                       as_of=dt.date(2020, 3, 29))
    expected = query(ctx, scope, sort_col="name", desc=True)
    assert total == len(expected) and records(sorted_block) == records(expected.iloc[0:10])
