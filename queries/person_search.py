"""Find people of the caller's scope: the person ids a search's terms match anywhere in the store (names, numbers
and addresses through the snapshot's index, queries/search_index.py; flights, trains and communities through
queries/search_*.sql), merged best first (name, number, flight or train, place), then queries/person_search.sql
keeps those of the scope, masked, with their stage, community and residence."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries.pinyin_names import PinyinNames
from queries.runner import Scope, arrow
from queries.search_index import Containing, Endings
from queries.search_terms import Terms

ORDER = ("name", "number", "carrier", "address", "community")
LIMIT = 200


@dataclass(frozen=True)
class SearchIndex:
    """One snapshot's people, findable by name (in part, or by pinyin), number ending and address text."""
    names: Containing
    addresses: Containing
    numbers: Endings
    pinyin: PinyinNames


def index(conn) -> SearchIndex:
    """The search index of the snapshot `conn` reads (built once per snapshot by the caller: seconds at scale 100)."""
    whole = Scope.whole_city()
    names = Containing(arrow(conn, "search_index_names", whole))
    return SearchIndex(names, Containing(arrow(conn, "search_index_addresses", whole)),
                       Endings(arrow(conn, "search_index_numbers", whole)), PinyinNames(names.texts.to_pylist()))


def hits(run, scope, terms: Terms, found_in: SearchIndex) -> pd.DataFrame:
    """One row per person found anywhere in the store: person_id, matched (what, ', '-joined), detail, best first.
    `run(name, scope, **params)` runs a named query; `found_in` is the snapshot's index."""
    def matched(what: str, ids: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"person_id": ids.astype(np.int64), "matched": what, "detail": None})

    found = []
    if terms.name_part:
        found.append(matched("name", np.union1d(found_in.names.find(terms.name_part.upper()),
                                                found_in.names.equal(list(terms.spelled)))))
    if terms.digits:
        found.append(matched("number", found_in.numbers.find(terms.digits)))
    if terms.carrier:
        found.append(run("search_carriers", scope, carrier=terms.carrier, day=terms.day))
    if terms.place:
        found += [matched("address", found_in.addresses.find(terms.place)),
                  run("search_communities", scope, text=terms.place)]
    rows = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["person_id", "matched", "detail"])
    rows["rank"] = rows["matched"].map(ORDER.index)
    merged = rows.sort_values(["rank", "person_id"]).groupby("person_id", sort=False).agg(
        matched=("matched", lambda m: ", ".join(dict.fromkeys(m))), detail=("detail", "first"), rank=("rank", "min"))
    return merged.sort_values(["rank"], kind="stable").reset_index()


def search(run, scope, terms: Terms, found_in: SearchIndex, as_of: dt.date, limit: int = LIMIT) -> pd.DataFrame:
    """The people of `scope` the terms find (at most `limit`; column `found` counts them all), masked per role."""
    found = hits(run, scope, terms, found_in)
    seen = run("search_in_scope", scope, persons=found["person_id"].tolist() or [-1], limit=limit)
    shown = found.iloc[seen["rank"].to_numpy() - 1]
    return run("person_search", scope, persons=shown["person_id"].tolist() or [-1],
               matched=shown["matched"].tolist() or [""],
               details=shown["detail"].where(shown["detail"].notna(), None).tolist() or [None], as_of=as_of,
               total=int(seen["found"].iloc[0]) if len(seen) else 0)
