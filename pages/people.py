"""People in the loop for the neighbourhood and export pages: the one call of queries/loop_people.sql,
and how its coded values read in the UI. Masking happens in the SQL; nothing here unmasks."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pages.components import sort_of
from pages.i18n import label_or_code

POPULATIONS = ("abroad", "entered", "arrived", "measures", "in_quarantine", "released")
SORTABLE = ("stage", "name", "doc_type", "country", "district", "township", "community", "channels",
            "quarantine_start", "exit_date", "entry_date", "days_in_quarantine", "last_temperature")
EXPORT_COLUMNS = ("person_id", "name", "resident_id", "phone", "stage", "populations", "doc_type", "country",
                  "district_code", "district", "township_code", "township", "community_code", "community",
                  "exit_date", "entry_date", "quarantine_kind", "quarantine_site", "quarantine_start", "released_on",
                  "days_in_quarantine", "last_temperature", "last_checked_at", "channels")


def loop_people(ctx, scope, as_of: dt.date, since: dt.date | None = None, population: str | None = None,
                community: str | None = None, doc_type: str | None = None, country: str | None = None,
                channel: str | None = None, sort: list | None = None) -> pd.DataFrame:
    """Every matching person in the loop for `scope` (masked by the query layer), sorted by an AG Grid sort
    model restricted to SORTABLE columns; kept server-side so the grid's blocks, the count and the downloads all
    come from the same rows. One community's list goes with the other queries (the map, the person card and the
    unmask ask for it in turn), larger lists among the last few. When everyone for the scope and dates is kept
    already (the export's first screen is warmed), other filters and sorts are cut from those rows as the query
    itself would (`cut`) instead of running it again. `since`: the period's first day, as the export's default.
    Accepted transfers between jurisdictions (loop/transfers.py) decide whose list a person is in."""
    sort_col, desc = sort_of(sort, SORTABLE)
    params = _params(ctx, {"as_of": as_of, "since": since, "population": population, "community": community,
                           "doc_type": doc_type, "country": country, "channel": channel}, sort_col, desc)
    if community:
        return ctx.query("loop_people", scope, **params)
    narrowed = population or doc_type or country or channel or sort_col
    everyone = ctx.people_kept(scope, **{**params, "population": None, "doc_type": None, "country": None,
                                         "channel": None, "sort_col": None, "sort_desc": False}) \
        if narrowed else None
    if everyone is None:
        return ctx.people(scope, **params)
    key = ("people.cut", scope, tuple(sorted(params.items())))
    return ctx.people_cache.get(key, lambda _conn: cut(everyone, population, doc_type, country, channel,
                                                       sort_col, desc))


def people_count(ctx, scope, as_of: dt.date, since: dt.date | None = None, population: str | None = None,
                 community: str | None = None, doc_type: str | None = None, country: str | None = None,
                 channel: str | None = None) -> int:
    """How many people loop_people lists for these filters. Without a document, country or channel filter (they
    read the rows' fields) and while the list itself is not kept, queries/loop_people_count.sql counts the same
    people without computing their rows' fields: at the scale of a province the export's count for filters
    nobody asked for yet no longer waits for the whole list."""
    filters = {"as_of": as_of, "since": since, "population": population, "community": community,
               "doc_type": doc_type, "country": country, "channel": channel}
    if doc_type or country or channel or _kept(ctx, scope, filters) is not None:
        return len(loop_people(ctx, scope, **filters))
    counted = ctx.query("loop_people_count", scope, as_of=as_of, since=since or ctx.period().start,
                        population=population, community=community, moved=ctx.transfers.moved())
    return int(counted["people"].iloc[0])


def people_block(ctx, scope, start: int, end: int, sort: list | None = None, **filters) -> tuple[pd.DataFrame, int]:
    """Rows start..end-1 of loop_people(ctx, scope, sort=sort, **filters) and how many it lists. Unsorted and
    without a document, country or channel filter, and while the whole list is not kept, the block is computed for
    its own people only (queries/loop_people_page.sql, in the list's order: the person's) and the total counted
    (people_count); otherwise cut from the whole list."""
    sort_col, _ = sort_of(sort, SORTABLE)
    if sort_col or any(filters.get(k) for k in ("doc_type", "country", "channel")) \
            or _kept(ctx, scope, filters) is not None:
        frame = loop_people(ctx, scope, sort=sort, **filters)
        return frame.iloc[start:end].reset_index(drop=True), len(frame)
    total = people_count(ctx, scope, **filters)
    block = ctx.query("loop_people_page", scope, **_params(ctx, filters, None, False),
                      page_start=start, page_rows=max(0, end - start))
    return block, total


def _params(ctx, filters: dict, sort_col: str | None, desc: bool) -> dict:
    """loop_people.sql's parameters for these filters (None where not given) and sort."""
    return {"as_of": filters["as_of"], "since": filters.get("since") or ctx.period().start,
            **{k: filters.get(k) for k in ("population", "community", "doc_type", "country", "channel")},
            "sort_col": sort_col, "sort_desc": desc, "moved": ctx.transfers.moved()}


def _kept(ctx, scope, filters: dict) -> pd.DataFrame | None:
    """The whole unsorted list for these filters when the people cache holds it (nothing is run)."""
    return ctx.people_kept(scope, **_params(ctx, filters, None, False))


def cut(frame: pd.DataFrame, population: str | None = None, doc_type: str | None = None,
        country: str | None = None, channel: str | None = None, sort_col: str | None = None,
        desc: bool = False) -> pd.DataFrame:
    """loop_people rows (for no population, document, country or channel, unsorted) filtered and sorted as
    queries/loop_people.sql filters and sorts with those parameters: a population or channel among the
    person's, the document and the country equal; the sort column ascending or descending with empty values
    last, then the person."""
    keep = np.ones(len(frame), dtype=bool)
    for column, value in (("populations", population), ("channels", channel)):
        if value:
            keep &= ((", " + frame[column].fillna("") + ", ").str.contains(f", {value}, ", regex=False)).to_numpy()
    for column, value in (("doc_type", doc_type), ("country", country)):
        if value:
            keep &= frame[column].eq(value).fillna(False).to_numpy(dtype=bool)
    out = frame[keep]
    if sort_col:
        out = out.sort_values([sort_col, "person_id"], ascending=[not desc, True], na_position="last")
    return out.reset_index(drop=True)


LABELLED = {"stage": "stage", "doc_type": "doc", "quarantine_kind": "kind"}          # column -> kind of code
LISTED = {"populations": "stage", "channels": "channel"}                            # ", "-separated codes
DATED = {"exit_date": "%Y-%m-%d", "entry_date": "%Y-%m-%d", "quarantine_start": "%Y-%m-%d",
         "released_on": "%Y-%m-%d", "last_checked_at": "%Y-%m-%d %H:%M"}


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Codes (stage, document, quarantine kind, channels) as labels in `lang`, dates as text — in whichever of
    these columns the frame has (callers pass the columns they show)."""
    out = frame.copy()
    for col, kind in LABELLED.items():
        if col in out:
            out[col] = [label_or_code(kind, v, lang) for v in out[col].tolist()]
    for col, kind in LISTED.items():
        if col in out:
            out[col] = [", ".join(label_or_code(kind, c, lang) for c in (v or "").split(", ") if c)
                        for v in out[col].tolist()]
    for col, form in DATED.items():
        if col in out:
            out[col] = pd.to_datetime(out[col]).dt.strftime(form)
    return out


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows for an AG Grid: plain JSON values (NaN/NaT as null). Column by column (pandas' own per-cell
    conversion costs more than the rest of a grid callback)."""
    names = frame.columns.tolist()
    columns = [np.where(pd.isna(values), None, values).tolist()
               for values in (col.to_numpy(dtype=object) for _, col in frame.items())]
    return [dict(zip(names, row)) for row in zip(*columns)]
