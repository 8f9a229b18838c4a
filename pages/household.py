"""Households and addresses of listed people and of the person card: who lives at one address (a dwelling: the
address has a house number) is one household, shown as one key and size in lists and as its members on the card;
the address masked per role by the query layer (queries/households.sql), in clear only after an unmask."""
from __future__ import annotations

import pandas as pd
from dash import html

from pages.i18n import t
from queries.runner import run


def of(ctx, scope, person_ids) -> pd.DataFrame:
    """queries/households.sql for these people (one row per person and household member), cached per snapshot
    for the masked scope; a scope carrying an unmask is run each time (a person in clear is never kept). Who
    shares an address with them comes from the snapshot's search index once it is built (a lookup instead of a
    scan of every address); never waited for."""
    ids = sorted({int(p) for p in person_ids})

    def params() -> dict:                       # looked up only when the query runs (not on a cached answer)
        found_in = ctx.search_index(built_only=True)
        return {"persons": ids or [-1],
                "neighbours": None if found_in is None else found_in.addresses.sharing(ids).tolist() or [-1]}
    if scope.reveal_person is not None:
        return ctx.uncached("households", scope, **params())
    return ctx.cache.get(("households", scope, tuple(ids)), lambda conn: run(conn, "households", scope, **params()))


def summary(found: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per person: person_id, address, household (its key and how many live there, e.g. 'd8a6 · 3人')."""
    size = found.groupby("person_id")["member_id"].count()
    first = found.drop_duplicates("person_id").set_index("person_id")
    label = [t("household.label", lang, code=key[:4], n=int(n)) if isinstance(key, str) and n > 1 else ""
             for key, n in zip(first["household"], size.reindex(first.index).fillna(0))]
    return pd.DataFrame({"person_id": first.index, "address": first["address"].to_numpy(),
                         "household": label}).reset_index(drop=True)


def with_homes(ctx, scope, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`rows` (with person_id) with each person's address and household columns."""
    if rows.empty:
        return rows.assign(address=pd.Series(dtype=object), household=pd.Series(dtype=object))
    homes = summary(of(ctx, scope, rows["person_id"].tolist()), lang)
    return rows.drop(columns=[c for c in ("address", "household") if c in rows]).merge(homes, on="person_id",
                                                                                         how="left")


def card_section(ctx, scope, person_id: int, lang: str) -> list:
    """The card's address and household: the address (masked unless `scope` unmasks this person) and the other
    members of the household, masked."""
    found = of(ctx, scope, [person_id])
    if found.empty:
        return []
    address = found["address"].iloc[0]
    others = found[found["member_id"].notna() & (found["member_id"] != person_id)]
    members = [html.Li(f"{m.member_name} · {t('household.member_id', lang)} {int(m.member_id)}")
               for m in others.itertuples()]
    return [html.Dl([html.Dt(t("col.address", lang)), html.Dd(address if isinstance(address, str) else "—")],
                    className="facts address"),
            html.H4(t("household.title", lang, n=len(others) + 1) if members else t("household.alone", lang)),
            html.Ul(members, className="household") if members else None]
