"""Find people of the caller's scope: the matchers a search's terms call for (queries/search_*.sql, person ids of
the whole store), merged best first (name, number, flight or train, place), then queries/person_search.sql keeps
those of the scope, masked, with their stage, community and residence."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from queries.pinyin_names import PinyinNames
from queries.runner import Scope
from queries.search_terms import Terms

MATCHERS = (  # (query, its parameters from the terms, the terms field that calls for it)
    ("search_names", lambda t: {"name_part": t.name_part or "\0", "cased": t.name_part.lower() != t.name_part,
                                "spelled": list(t.spelled) or [""]}, "name_part"),
    ("search_numbers", lambda t: {"digits": t.digits}, "digits"),
    ("search_carriers", lambda t: {"carrier": t.carrier, "day": t.day}, "carrier"),
    ("search_places", lambda t: {"text": t.place}, "place"),
)
ORDER = ("name", "number", "carrier", "address", "community")
LIMIT = 200


def hits(run, scope, terms: Terms) -> pd.DataFrame:
    """One row per person found anywhere in the store: person_id, matched (what, ', '-joined), detail, best first.
    `run(name, scope, **params)` runs a named query."""
    found = [run(name, scope, **params(terms)) for name, params, field in MATCHERS if getattr(terms, field)]
    rows = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["person_id", "matched", "detail"])
    rows["rank"] = rows["matched"].map(ORDER.index)
    merged = rows.sort_values(["rank", "person_id"]).groupby("person_id", sort=False).agg(
        matched=("matched", lambda m: ", ".join(dict.fromkeys(m))), detail=("detail", "first"), rank=("rank", "min"))
    return merged.sort_values(["rank"], kind="stable").reset_index()


def search(run, scope, terms: Terms, as_of: dt.date, limit: int = LIMIT) -> pd.DataFrame:
    """The people of `scope` the terms find (at most `limit`; column `found` counts them all), masked per role."""
    found = hits(run, scope, terms)
    return run("person_search", scope, persons=[int(p) for p in found["person_id"]] or [-1],
               matched=found["matched"].tolist() or [""], details=found["detail"].where(found["detail"].notna(), None)
               .tolist() or [None], as_of=as_of, limit=limit)


def spelling(run) -> PinyinNames:
    """Every name of the store, findable by pinyin (built once per snapshot by the caller)."""
    return PinyinNames(run("person_names", Scope.whole_city())["name"].tolist())
