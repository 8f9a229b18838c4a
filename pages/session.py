"""The caller, taken from the server-side (signed) Flask session only — never from the browser's inputs.

This is the one place a request's `Scope` and language are decided. Until login exists, nobody is logged
in and the caller sees the whole city as role "leadership", with person-level fields masked. A login will
put {"role", "district_code", "township_code"} under session["user"]; nothing else needs to change.
"""
from __future__ import annotations

from flask import has_request_context, request, session

from pages.i18n import DEFAULT, LANGUAGES
from queries.runner import Scope

ANONYMOUS = Scope.whole_city("leadership")


def current_scope() -> Scope:
    """The caller's scope: the logged-in user's role and jurisdiction, else the anonymous default."""
    user = session.get("user") if has_request_context() else None
    if not user:
        return ANONYMOUS
    return Scope(user["role"], user.get("district_code"), user.get("township_code"))


def author() -> str:
    """Who writes a note: the logged-in user's name, else "anonymous"."""
    user = session.get("user") if has_request_context() else None
    return (user or {}).get("name", "anonymous")


def may_reveal(scope: Scope) -> bool:
    """Whether person-level fields may be shown unmasked: not before roles and login exist."""
    return False


def within(scope: Scope, code: str | None) -> Scope | None:
    """The scope narrowed to the area `code` (district, township or community code), or None when the area
    lies outside the caller's jurisdiction. Codes nest by prefix (6-digit district, 9-digit township)."""
    if not code:
        return scope
    district, township = code[:6], (code[:9] if len(code) >= 9 else None)
    if scope.district_code and district != scope.district_code:
        return None
    if scope.township_code:
        if township is None:
            return scope                        # a parent of the caller's township: stay in the township
        if township != scope.township_code:
            return None
    return Scope(scope.role, district, township)


def language() -> str:
    """The language the caller chose (remembered in the session), Chinese by default."""
    lang = session.get("lang") if has_request_context() else None
    return lang if lang in LANGUAGES else DEFAULT


def remember_language() -> None:
    """Flask before_request hook: a `?lang=en` (or zh) on any page is remembered for the session."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
