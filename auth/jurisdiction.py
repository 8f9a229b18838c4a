"""A police account's jurisdiction, checked against the geography of the store it will read: the district must
exist, the township must exist and lie in that district."""
from __future__ import annotations


def areas(store) -> tuple[set[str], dict[str, str]]:
    """(district codes, {township code: its district code}) held by `store`."""
    conn = store.reader()
    districts = {r[0] for r in conn.execute("SELECT code FROM districts").fetchall()}
    townships = dict(conn.execute("SELECT code, district_code FROM townships").fetchall())
    return districts, townships


def check(store, district: str | None, township: str | None) -> None:
    """ValueError unless the codes name areas of the store (a township inside the district given)."""
    if not (district or township):
        return
    if not store.exists():
        raise ValueError(f"no database in {store.root} to check the jurisdiction against: run `app.py init`")
    districts, townships = areas(store)
    if district and district not in districts:
        raise ValueError(f"no district {district!r} in the store's geography")
    if township and township not in townships:
        raise ValueError(f"no township {township!r} in the store's geography")
    if township and district and townships[township] != district:
        raise ValueError(f"township {township} lies in district {townships[township]}, not {district}")
