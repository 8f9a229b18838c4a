"""Chinese names found by what an officer types in pinyin: the full syllables (chenzixuan, chen zi xuan), the
initials (czx), the surname spelled and the rest as initials (chenzx), or the given name alone (zixuan, zx);
always as the start of such a spelling (chenzi finds 陈子轩).

The store's distinct names are spelled once per snapshot (pypinyin, one reading per character, cached per
character: a name's few thousand distinct characters are spelled once) into keys kept in one sorted bytes array
(a key repeated for one name is harmless: a search takes each name once);
a search is two binary searches for the keys that start with the query. No personal data leaves here but
names, which the caller only uses to filter a scoped, masked query.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from pypinyin import Style, lazy_pinyin

HAN = re.compile(r"^[\u3400-\u9fff]+$")
LETTERS = re.compile(r"^[a-z]+$")
MAX_KEY = 24                      # bytes kept of a key: longer spellings are cut (a query that long finds by prefix)


@lru_cache(maxsize=20_000)
def syllable(char: str) -> str:
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def keys(name: str) -> list[str]:
    """The spellings a query may start: from the surname and from the given name, each as full syllables for
    the first k characters and initials for the rest (k = 0 .. all)."""
    spelled = [syllable(c) for c in name]
    out = []
    for start in (0, 1) if len(spelled) > 1 else (0,):
        part = spelled[start:]
        out += ["".join(part[:k]) + "".join(s[0] for s in part[k:]) for k in range(len(part) + 1)]
    return out


class PinyinNames:
    """The names of one snapshot, findable by pinyin."""

    def __init__(self, names):
        names = sorted({n for n in names if isinstance(n, str) and HAN.match(n)})
        spelled = [keys(n) for n in names]
        flat = np.array([k.encode()[:MAX_KEY] for ks in spelled for k in ks], dtype=f"S{MAX_KEY}")
        owner = np.repeat(np.arange(len(names), dtype=np.int32), [len(ks) for ks in spelled])
        order = np.argsort(flat, kind="stable")
        self.names = np.array(names, dtype=object)
        self.keys, self.owner = flat[order], owner[order]

    def find(self, query: str, limit: int = 500) -> list[str]:
        """The names whose spelling starts with `query` (letters; spaces, case and tone-less input ignored), at
        most `limit` of them; [] for anything that is not letters."""
        q = re.sub(r"[\s'·-]+", "", (query or "").lower())
        if not LETTERS.match(q):
            return []
        key = q.encode()[:MAX_KEY]
        lo, hi = np.searchsorted(self.keys, key, "left"), np.searchsorted(self.keys, key + b"\xff", "left")
        return sorted(set(self.names[np.unique(self.owner[lo:hi])][:limit].tolist()))
