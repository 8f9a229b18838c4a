"""Place free-text Chinese addresses in a community by district / township / community name substrings.

Names are found by dictionary look-ups of the text just before each 区/县/市, 街道/镇/乡 and 社区/村 token.
Community short names repeat across the city; township and district names in the text disambiguate.
"""
import re

import numpy as np
import pandas as pd

_DISTRICT_END = re.compile(r"区|县|市")
_TOWNSHIP_END = re.compile(r"街道|镇|乡")
_COMMUNITY_END = re.compile(r"社区|村")


class _Names:
    """name -> codes for one level, found in a text before the level's suffix tokens."""

    def __init__(self, names, codes, token: re.Pattern):
        self.codes: dict[str, list[str]] = {}
        for name, code in zip(names, codes):
            self.codes.setdefault(name, []).append(code)
        self.lengths = sorted({len(n) for n in self.codes}, reverse=True)
        self.token = token

    def find(self, text: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, codes) of every name occurring in text."""
        hits = []
        for m in self.token.finditer(text):
            end = m.end()
            for n in self.lengths:
                if n <= end and (codes := self.codes.get(text[end - n:end])):
                    hits.append((end - n, end, codes))
        return hits


class Gazetteer:
    """Address -> community code, built from a Boundaries object (or anything with the three frames)."""

    def __init__(self, boundaries):
        c, t = boundaries.communities, boundaries.townships
        self._districts = _Names(boundaries.districts["name"], boundaries.districts["code"], _DISTRICT_END)
        self._townships = _Names(t["name"], t["code"], _TOWNSHIP_END)
        self._communities = _Names(c["short_name"], c["code"], _COMMUNITY_END)
        self._parents = dict(zip(c["code"], zip(c["township_code"], c["district_code"])))

    def place(self, text: str) -> str | None:
        """The one community the text names, or None when none or several fit."""
        districts = self._districts.find(text)
        townships = self._townships.find(text)
        spans = [(s, e) for s, e, _ in districts + townships]
        d_codes = {c for *_, codes in districts for c in codes}
        t_codes = {c for *_, codes in townships for c in codes}
        found = set()
        for s, e, codes in self._communities.find(text):
            if any(s < e2 and s2 < e for s2, e2 in spans):  # 黄村 inside 黄村镇 is not a village
                continue
            found.update(c for c in codes if (not t_codes or self._parents[c][0] in t_codes)
                         and (not d_codes or self._parents[c][1] in d_codes))
        return found.pop() if len(found) == 1 else None


def place_addresses(texts, boundaries) -> np.ndarray:
    """Community code (or None) per address text.

    Addresses run from large to small units, so only the text up to its last 社区/村 token is read; each
    distinct such prefix is parsed once.
    """
    gazetteer = Gazetteer(boundaries)
    prefixes = pd.Series(texts, dtype=object).str.extract(r"^(.*(?:社区|村))", expand=False)
    which, uniques = pd.factorize(prefixes, use_na_sentinel=True)
    placed = np.array([gazetteer.place(t) for t in uniques] + [None], dtype=object)
    return placed[which]  # sentinel -1 (no community token) picks the trailing None
