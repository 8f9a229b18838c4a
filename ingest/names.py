"""Comparable forms of a person's name: Chinese characters as passport pinyin, Latin names without case,
spacing or order. 张三, ZHANG SAN, zhang san and SAN ZHANG share `flat` or `tokens`."""
from __future__ import annotations

import functools
import re
import unicodedata

from pypinyin import Style, lazy_pinyin

HAN = re.compile(r"[\u3400-\u9fff]")
NOT_LETTER = re.compile(r"[^A-Z ]+")


@functools.lru_cache(maxsize=1 << 17)       # names recur across batches; pinyin is the costly part
def name_keys(name: str | None) -> tuple[str | None, str | None]:
    """(flat, tokens): letters in written order without spaces, and the words sorted, space-joined."""
    if not name:
        return None, None
    words = _words(name)
    if not words:
        return None, None
    return "".join(words), " ".join(sorted(words))


def _words(name: str) -> list[str]:
    chars = [c for c in name if not c.isspace() and c not in "·•.-'"]
    if any(HAN.match(c) for c in chars):
        syllables = [s.upper().replace("Ü", "V") for s in lazy_pinyin("".join(chars), style=Style.NORMAL)]
        return [syllables[0], "".join(syllables[1:])] if len(syllables) > 1 else syllables
    latin = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return [w for w in NOT_LETTER.sub(" ", latin.replace(",", " ")).split() if w]
