"""People in the loop for the neighbourhood and export pages: the one call of queries/loop_people.sql,
and how its coded values read in the UI. Masking happens in the SQL; nothing here unmasks."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from pages.i18n import label_or_code
from queries.figures import PERIOD_START

POPULATIONS = ("abroad", "entered", "arrived", "measures", "in_quarantine", "released")
SORTABLE = ("stage", "name", "doc_type", "country", "district", "township", "community", "channels",
            "quarantine_start", "exit_date", "entry_date", "days_in_quarantine", "last_temperature")
EXPORT_COLUMNS = ("person_id", "name", "resident_id", "phone", "stage", "populations", "doc_type", "country",
                  "district_code", "district", "township_code", "township", "community_code", "community",
                  "exit_date", "entry_date", "quarantine_kind", "quarantine_site", "quarantine_start", "released_on",
                  "days_in_quarantine", "last_temperature", "last_checked_at", "channels")


def loop_people(ctx, scope, as_of: dt.date, since: dt.date = PERIOD_START, population: str | None = None,
                community: str | None = None, doc_type: str | None = None, country: str | None = None,
                channel: str | None = None, sort: list | None = None) -> pd.DataFrame:
    """Every matching person in the loop for `scope` (masked by the query layer), sorted by an AG
    Grid sort model restricted to SORTABLE columns. One DuckDB query per distinct request; its result is kept
    server-side so the grid's blocks, the count and the downloads are all cut from the same rows."""
    sort = [s for s in (sort if isinstance(sort, list) else [])
            if isinstance(s, dict) and s.get("colId") in SORTABLE][:1]
    return ctx.people(
        scope, as_of=as_of, since=since, population=population, community=community, doc_type=doc_type,
        country=country, channel=channel,
        sort_col=sort[0]["colId"] if sort else None, sort_desc=bool(sort and sort[0].get("sort") == "desc"))


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Codes (stage, document, quarantine kind, channels) as labels in `lang`, dates as text."""
    out = frame.copy()
    out["stage"] = [label_or_code("stage", s, lang) for s in out["stage"]]
    out["populations"] = [", ".join(label_or_code("stage", p, lang) for p in (v or "").split(", ") if p)
                          for v in out["populations"]]
    out["doc_type"] = [label_or_code("doc", d, lang) for d in out["doc_type"]]
    out["quarantine_kind"] = [label_or_code("kind", k, lang) for k in out["quarantine_kind"]]
    out["channels"] = [", ".join(label_or_code("channel", c, lang) for c in (v or "").split(", ") if c)
                       for v in out["channels"]]
    for col in ("exit_date", "entry_date", "quarantine_start", "released_on"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
    out["last_checked_at"] = pd.to_datetime(out["last_checked_at"]).dt.strftime("%Y-%m-%d %H:%M")
    return out


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows for an AG Grid: plain JSON values (NaN/NaT as null)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
