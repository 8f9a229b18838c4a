"""Planted dirt: rows re-sent in the next week's file (accepted, stored once), and a few truly bad rows per
file that ingest must reject — each a corrupted copy of a real row, so the report's figures never move.

Every planted row is recorded for the ground truth: its person, "accept" or "reject", and a hint.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from demo.people import Identities

OUTSIDE = (113.264385, 23.129112)          # Guangzhou: outside the city
IMPOSSIBLE = {"date": "2020-02-30", "datetime": "2020-02-30 10:15:00"}
RESENT = {"abroad", "police_entries", "tracing", "hotel", "rail", "air", "university", "grid", "vehicle_checks",
          "person_checks", "quarantine_temps"}
# feed -> recipes (what is broken); see _break
RECIPES = {
    "abroad": ("check_digit:resident_id", "doc_type:旅行证", "impossible:exit_date", "blank:country"),
    "police_entries": ("check_digit:resident_id", "impossible:entry_date", "blank:port"),
    "police_cases": ("impossible:handled_on", "value:district_code=450400", "value:case_kind=谣言"),
    "tracing": ("outside", "value:temperature=52.3", "check_digit:resident_id"),
    "hotel": ("doc_type:军官证", "blank:name", "outside"),
    "rail": ("impossible:seen_at", "value:doc_number=E1234"),
    "air": ("doc_type:台胞证", "impossible:seen_at"),
    "university": ("check_digit:resident_id", "blank:address"),
    "grid": ("blank:phone", "outside", "value:phone=1380774"),
    "checkpoint_sites": ("outside",),
    "vehicle_checks": ("value:checkpoint_id=KD099", "value:plate=桂D123", "impossible:checked_at"),
    "person_checks": ("value:checkpoint_id=KD099", "check_digit:resident_id", "value:temperature=52.3",
                      "blank:resident_id"),
    "quarantine_sites": ("value:site_kind=方舱医院",),
    "quarantine_checkins": ("value:site_id=GL099", "value:quarantine_kind=集中观察"),
    "quarantine_temps": ("value:temperature=52.3", "nobody:doc_number"),
    "quarantine_releases": ("nobody:doc_number", "impossible:released_at"),
    "cases": ("impossible:confirmed_on", "blank:address"),
}


@dataclass
class Truth:
    """Per row of a file: the true person, expected outcome and a hint."""
    keys: np.ndarray
    expect: np.ndarray = field(default=None)
    hint: np.ndarray = field(default=None)

    def __post_init__(self):
        n = len(self.keys)
        self.expect = np.full(n, "accept", dtype=object) if self.expect is None else self.expect
        self.hint = np.full(n, None, dtype=object) if self.hint is None else self.hint


def _check_digit(value: str) -> str:
    v = value.replace(" ", "").upper()
    return v[:-1] + ("0" if v[-1] != "0" else "1")


def _break(recipe: str, row: dict, feed, ids: Identities, rng) -> dict | None:
    """A corrupted copy of row (None when the recipe does not apply to it)."""
    row = dict(row)
    col = {c.name: c for c in feed.columns}
    kind, _, arg = recipe.partition(":")
    if kind == "outside":
        if row.get(col["lon"].source) in (None, ""):
            return None
        as_number = isinstance(row[col["lon"].source], float)
        row[col["lon"].source], row[col["lat"].source] = OUTSIDE if as_number else (f"{OUTSIDE[0]:.6f}",
                                                                                     f"{OUTSIDE[1]:.6f}")
        return row
    name, _, value = arg.partition("=")
    source = col[name].source if name in col else None
    if kind == "check_digit":
        if not row.get(source):
            return None
        row[source] = _check_digit(row[source])
    elif kind == "doc_type":
        row[col["doc_type"].source] = arg
    elif kind == "impossible":
        row[source] = IMPOSSIBLE[col[name].kind]
    elif kind == "blank":
        row[source] = ""
    elif kind == "nobody":
        births = np.array([np.datetime64("1980-01-01") + rng.integers(0, 9000)], "datetime64[D]")
        row[source] = ids.resident_ids(np.array(["450422"]), births, np.array([True]))[0]
    elif kind == "value":
        if name == "site_id" and row.get(col["quarantine_kind"].source) != "集中隔离":
            return None
        if name == "doc_number":
            row[col["doc_type"].source] = "护照"
        row[source] = value if name != "temperature" or not isinstance(row.get(source), float) else float(value)
    return row


def bad_rows(feed, sample: list[dict], keys: np.ndarray, n: int, ids: Identities, rng) -> tuple[list[dict], list]:
    """Up to n corrupted copies of rows from a sample: (rows, [(key, hint)])."""
    out, meta = [], []
    recipes = RECIPES.get(feed.name, ())
    for _ in range(n * 4):
        if len(out) == n or not sample:
            break
        i = int(rng.integers(len(sample)))
        recipe = recipes[int(rng.integers(len(recipes)))]
        bad = _break(recipe, sample[i], feed, ids, rng)
        if bad is not None:
            out.append(bad)
            meta.append((keys[i], recipe))
    return out, meta


def _resend(feed, resent, resent_truth: Truth, resent_from: str, rng) -> tuple[np.ndarray, Truth]:
    """A few accepted rows of the previous file, sent again."""
    if resent is None or not len(resent) or feed.name not in RESENT:
        return np.empty(0, np.int64), Truth(np.empty(0, dtype=object))
    pick = rng.choice(len(resent), min(len(resent), int(rng.integers(1, 4))), replace=False)
    pick = pick[resent_truth.expect[pick] == "accept"]
    return pick, Truth(resent_truth.keys[pick], None, np.array([f"re-sent from {resent_from}"] * len(pick),
                                                                dtype=object))


def plant(feed, df: pd.DataFrame, truth: Truth, n_bad: int, resent: pd.DataFrame | None,
          resent_truth: Truth | None, resent_from: str, ids: Identities, rng) -> tuple[pd.DataFrame, Truth]:
    """Insert bad rows at random places and append rows re-sent from the previous file."""
    sample = rng.choice(len(df), min(len(df), 50), replace=False) if len(df) else np.empty(0, np.int64)
    bad, meta = bad_rows(feed, df.iloc[sample].to_dict("records"), truth.keys[sample], n_bad, ids, rng)
    n = len(df)
    order = np.insert(np.arange(n), np.sort(rng.integers(0, n + 1, len(bad))), n + np.arange(len(bad)))
    out = pd.concat([df, pd.DataFrame(bad, columns=df.columns, dtype=object)], ignore_index=True).iloc[order]
    t = Truth(np.concatenate([truth.keys, np.array([k for k, _ in meta], dtype=object)])[order],
              np.concatenate([truth.expect, np.full(len(bad), "reject", dtype=object)])[order],
              np.concatenate([truth.hint, np.array([h for _, h in meta], dtype=object)])[order])
    pick, again = _resend(feed, resent, resent_truth, resent_from, rng)
    out = pd.concat([out, resent.iloc[pick]], ignore_index=True) if len(pick) else out.reset_index(drop=True)
    return out, Truth(np.concatenate([t.keys, again.keys]), np.concatenate([t.expect, again.expect]),
                      np.concatenate([t.hint, again.hint]))


def plant_table(feed, table: pa.Table, keys: np.ndarray, n_bad: int, resent: pa.Table | None,
                resent_keys: np.ndarray | None, resent_from: str, ids: Identities, rng) -> tuple[pa.Table, Truth]:
    """The same for a large Arrow table: bad rows spliced in, a few rows of the previous file appended."""
    n = table.num_rows
    sample = rng.choice(n, min(n, 50), replace=False) if n else np.empty(0, np.int64)
    bad, meta = bad_rows(feed, table.take(pa.array(sample)).to_pylist(), keys[sample], n_bad, ids, rng)
    pieces, truth_parts, start = [], [], 0
    for pos, row, (key, hint) in sorted(zip(rng.integers(0, n + 1, len(bad)), bad, meta), key=lambda x: x[0]):
        pieces += [table.slice(start, pos - start), pa.Table.from_pylist([row], schema=table.schema)]
        truth_parts += [Truth(keys[start:pos].astype(object)), Truth(np.array([key], dtype=object),
                                                                     np.array(["reject"], dtype=object),
                                                                     np.array([hint], dtype=object))]
        start = pos
    pieces.append(table.slice(start))
    truth_parts.append(Truth(keys[start:].astype(object)))
    pick, again = _resend(feed, resent, Truth(resent_keys.astype(object)) if resent is not None else None,
                          resent_from, rng)
    if len(pick):
        pieces.append(resent.take(pa.array(pick)))
        truth_parts.append(again)
    truth = Truth(np.concatenate([p.keys for p in truth_parts]), np.concatenate([p.expect for p in truth_parts]),
                  np.concatenate([p.hint for p in truth_parts]))
    return pa.concat_tables(pieces), truth
