"""What an officer typed into the search box, read as the terms of a search (queries/person_search.py).

One box takes any of: a name in characters (陈子轩, 子轩) or pinyin (chenzixuan, czx, chen zx), the last digits of
an ID, phone or document (at least 4: 9420, 1234X, E1234567), a flight or train number (D3626, MH376) with or
without a date (D3626 03-19, D3626 2020-03-19, D3626 3月19日), an address's text (新兴一路) or a community's name
(新兴社区). Chinese text is tried as a name, an address and a community at once; the results say which matched.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

CARRIER = re.compile(r"^([A-Za-z]{1,2})\s?(\d{1,5})$")
NUMBER = re.compile(r"^[A-Za-z]{0,2}\d{4,}[Xx]?$")
HAN = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"^[A-Za-z][A-Za-z\s'·-]*$")
DATE = re.compile(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?")
SHORTEST = {"han": 2, "latin": 2}


class SearchError(ValueError):
    """The text cannot be searched (too short, or nothing recognisable); the message is an i18n key."""


@dataclass(frozen=True)
class Terms:
    """What to search for (queries/person_search.py); None (or ()) for a matcher that does not apply."""
    name_part: str | None = None        # part of a name (characters, or upper-case letters of a passport name)
    spelled: tuple[str, ...] = ()       # names whose pinyin starts with the letters typed
    digits: str | None = None           # the end of an ID, phone or document number
    carrier: str | None = None          # a flight or train number
    day: dt.date | None = None          # the day of that flight or train (arrival or border entry)
    place: str | None = None            # part of an address or of a community's name


def read_date(text: str, year: int) -> tuple[dt.date | None, str]:
    """(the first date in `text`, the text without it); the year defaults to `year`."""
    match = DATE.search(text)
    if match is None:
        return None, text
    y, m, d = match.groups()
    try:
        day = dt.date(int(y) if y else year, int(m), int(d))
    except ValueError:
        raise SearchError("search.bad_date") from None
    return day, (text[:match.start()] + " " + text[match.end():]).strip()


def parse(text: str | None, year: int, pinyin=None, day: dt.date | None = None) -> Terms:
    """The Terms for `text` (a date in it, else `day`, narrows a flight or train); `pinyin` (a PinyinNames)
    turns letters into names. SearchError when the text is too short to search."""
    text = re.sub(r"\s+", " ", (text or "").strip())[:100]
    found, rest = read_date(text, year)
    rest = rest.strip()
    carrier = CARRIER.match(rest)
    if carrier:
        return Terms(carrier=(carrier.group(1) + carrier.group(2)).upper(), day=found or day)
    if NUMBER.match(rest):
        return Terms(digits=rest.upper())
    if HAN.search(rest):
        if len(rest) < SHORTEST["han"]:
            raise SearchError("search.too_short")
        return Terms(name_part=rest, place=rest)
    if LATIN.match(rest) and len(rest.replace(" ", "")) >= SHORTEST["latin"]:
        return Terms(name_part=rest.upper(), spelled=tuple(pinyin.find(rest)) if pinyin is not None else ())
    raise SearchError("search.too_short" if len(rest) < 4 else "search.unknown")
