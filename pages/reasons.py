"""Reject reasons in the page's language. Ingest writes each reason as `<column>: <rule>` in English (kept so in
the store and the receipts, for machines); the Feeds page reads them through `reason_text`: the column by its
label and the rule by its phrase in i18n (reason.*), the value already cut off by queries/reject_reasons.sql."""
from __future__ import annotations

import re

from pages.i18n import TEXT, label_or_code, t

RULES = (                                              # (pattern of the rule, i18n key); first match wins
    (re.compile(r"missing"), "reason.missing"),
    (re.compile(r"invalid (?P<kind>\w+)"), "reason.invalid"),
    (re.compile(r"check digit wrong"), "reason.check_digit"),
    (re.compile(r"not a valid (?P<doc>\w+) number"), "reason.not_doc"),
    (re.compile(r"repeated by line (?P<line>\d+) of this file"), "reason.repeated"),
    (re.compile(r"unknown (?P<what>checkpoint|quarantine site|arrival point)"), "reason.unknown"),
    (re.compile(r"missing for hotel quarantine"), "reason.missing_hotel"),
    (re.compile(r"no open quarantine for this person"), "reason.no_quarantine"),
)


def reason_text(reason: str, lang: str) -> str:
    """`reason` ('column: rule') in `lang`; as written when its rule has no phrase."""
    column, _, rule = reason.partition(": ")
    for pattern, key in RULES:
        found = pattern.fullmatch(rule)
        if found:
            parts = found.groupdict()
            if "doc" in parts:
                parts["doc"] = label_or_code("doc", parts["doc"], lang)
            if "what" in parts:
                parts["what"] = t(f"reason.what.{parts['what'].replace(' ', '_')}", lang)
            label = t(f"col.{column}", lang) if f"col.{column}" in TEXT else column
            return t(key, lang, column=label, **parts)
    return reason
