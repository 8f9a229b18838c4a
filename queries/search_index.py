"""The store's names, addresses and numbers, findable without a scan: built once per snapshot, so a search looks
up a few arrays instead of reading 1.7 million strings per matcher at the scale of a province (30-70 ms each).

- `Containing`: a column's distinct texts and the people holding each; a part of a text (two characters at
  least, as the search asks) is found through the texts' character pairs: the texts holding the rarest pair
  of the part, kept if they hold its other pairs, then checked whole (a pair index says nothing of order).
- `Endings`: numbers (document numbers, phones) reversed and sorted; the numbers ending with some digits are
  one range of that order, found by two binary searches.

Only person ids leave here; the caller filters a scoped, masked query by them (queries/person_search.py).
"""
from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SHIFT = 21                            # bits of a code point: a character pair is one integer
PAIRS_SQL = f"""
    SELECT pair, list(i ORDER BY i) AS texts FROM (
        SELECT DISTINCT i, (CAST(unicode(substr(text, k, 1)) AS BIGINT) << {SHIFT}) + unicode(substr(text, k + 1, 1))
            AS pair
        FROM (SELECT i, text, unnest(range(1, length(text))) AS k FROM texts))
    GROUP BY pair ORDER BY pair"""


def _pair_keys(text: str) -> np.ndarray:
    return np.array([(ord(a) << SHIFT) + ord(b) for a, b in zip(text, text[1:])], dtype=np.int64)


def _gather(offsets: np.ndarray, values: np.ndarray, picked: np.ndarray) -> np.ndarray:
    """The distinct values (non-negative integers) of lists `picked` (indices), sorted: lists given as offsets
    into `values`."""
    starts, lengths = offsets[picked], offsets[picked + 1] - offsets[picked]
    first = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    found = values[first + np.arange(lengths.sum())]
    if len(found) < 4096:
        return np.unique(found)
    seen = np.zeros(int(found.max()) + 1, dtype=bool)          # many: marks are cheaper than a sort
    seen[found] = True
    return np.flatnonzero(seen).astype(values.dtype)


def _lists(lists: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """A list column as (offsets from 0, the values they index)."""
    lists = lists.combine_chunks()
    offsets = lists.offsets.to_numpy()                          # into the unsliced values
    return offsets - offsets[0], lists.values.slice(offsets[0], offsets[-1] - offsets[0])


def _ids(ids: pa.Array) -> np.ndarray:
    """Person ids as 32-bit integers (half the memory) when they fit."""
    ids = ids.to_numpy()
    return ids.astype(np.int32) if len(ids) and 0 <= ids.min() and ids.max() < 2 ** 31 else ids


class Containing:
    """Distinct texts of one column (`texts`: text, people: the sorted person ids holding it), found by a part."""

    def __init__(self, texts: pa.Table):
        self.texts = texts["text"].combine_chunks()
        self.people_at, people = _lists(texts["people"])
        self.people = _ids(people)
        self.text_of = np.full(int(self.people.max(initial=-1)) + 1, -1, dtype=np.int32)   # person id -> text
        self.text_of[self.people] = np.repeat(np.arange(len(self.texts), dtype=np.int32), np.diff(self.people_at))
        conn = duckdb.connect()
        conn.register("texts", pa.table({"i": np.arange(len(self.texts), dtype=np.int32), "text": self.texts}))
        pairs = conn.execute(PAIRS_SQL).to_arrow_table()
        conn.close()
        self.pairs = pairs["pair"].to_numpy()
        self.texts_at, texts_of_pair = _lists(pairs["texts"])
        self.texts_of_pair = texts_of_pair.to_numpy()

    def find(self, part: str) -> np.ndarray:
        """The person ids of every text containing `part` (two characters at least), sorted."""
        if len(part) < 2:
            raise ValueError("a part of two characters at least")
        keys = np.unique(_pair_keys(part))
        at = np.searchsorted(self.pairs, keys)
        if (at >= len(self.pairs)).any() or (self.pairs[np.minimum(at, len(self.pairs) - 1)] != keys).any():
            return np.empty(0, dtype=self.people.dtype)           # a pair no text holds
        lists = sorted((self.texts_of_pair[self.texts_at[a]:self.texts_at[a + 1]] for a in at), key=len)
        candidates = lists[0]
        for other in lists[1:]:
            where = np.minimum(np.searchsorted(other, candidates), len(other) - 1)
            candidates = candidates[other[where] == candidates]
        if len(part) > 2 and len(candidates):
            candidates = candidates[pc.match_substring(self.texts.take(candidates), part).to_numpy(
                zero_copy_only=False)]
        return _gather(self.people_at, self.people, candidates)

    def equal(self, values: list[str]) -> np.ndarray:
        """The person ids of the texts equal to one of `values`, sorted."""
        if not values:
            return np.empty(0, dtype=self.people.dtype)
        picked = np.flatnonzero(pc.is_in(self.texts, value_set=pa.array(values, pa.string())).to_numpy(
            zero_copy_only=False))
        return _gather(self.people_at, self.people, picked)

    def sharing(self, ids) -> np.ndarray:
        """The person ids of everyone whose text is one of those of `ids` (themselves included), sorted."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(self.text_of))]
        texts = np.unique(self.text_of[ids])
        return _gather(self.people_at, self.people, texts[texts >= 0])


class Endings:
    """Numbers (`rows`: text, the number reversed; person_id), found by their last characters."""

    def __init__(self, rows: pa.Table):
        text = pc.cast(rows["text"], pa.binary())
        self.width = max(1, pc.max(pc.binary_length(text)).as_py() or 0)
        keys = np.array(text.to_numpy(zero_copy_only=False), dtype=f"S{self.width + 1}")   # room for the end mark
        order = np.argsort(keys, kind="stable")
        self.keys, self.people = keys[order], _ids(rows["person_id"])[order]

    def find(self, end: str) -> np.ndarray:
        """The person ids of every number ending with `end`, sorted."""
        key = end[::-1].encode()
        if len(key) > self.width:
            return np.empty(0, dtype=self.people.dtype)
        lo, hi = np.searchsorted(self.keys, key, "left"), np.searchsorted(self.keys, key + b"\xff", "left")
        return np.unique(self.people[lo:hi])
