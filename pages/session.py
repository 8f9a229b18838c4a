"""The caller, taken from the server-side login session only — never from the browser's inputs.

This is the one place a request's `Scope`, user and language are decided: pages/gate.py puts the logged-in
user on `flask.g` before any page or callback runs. Every read of a person and every export is written to the
audit log from here.
"""
from __future__ import annotations

from dataclasses import replace

from flask import g, has_request_context, request, session

from auth import audit as audit_log
from auth import unmask
from auth.users import User
from pages.i18n import DEFAULT, LANGUAGES, t
from queries.runner import Scope

NOBODY = Scope("nobody", "-", "-")       # outside a login session: a scope that matches no area
PURPOSES = ("verify_identity", "verify_address", "contact", "transfer", "case", "other")   # why a person is unmasked


def current_user() -> User | None:
    return getattr(g, "user", None) if has_request_context() else None


def current_scope() -> Scope:
    """The logged-in user's role and jurisdiction (NOBODY without a login: sees nothing)."""
    user = current_user()
    if user is None:
        return NOBODY
    return Scope(user.role, user.district_code, user.township_code)


def author() -> str:
    """Who acts (writes a note, moves an alert): the logged-in user's name."""
    user = current_user()
    return user.username if user else "anonymous"


def unmasked(state, scope: Scope, person_id: int, purpose: str | None, reason: str | None) -> Scope | str:
    """The scope with one person's fields in clear, after auditing why (a purpose of PURPOSES and the reason in
    the officer's words); else the i18n key of the refusal: the caller is not police, chose no purpose, gave no
    reason of their own (at least 4 characters, not one of the UI's own messages), or has used the day's unmasks
    (auth.unmask; that refusal is audited)."""
    reason = (reason or "").strip()
    if scope.role != "police" or purpose not in PURPOSES or len(reason) < 4 or reason in ui_messages():
        return "unmask.need_reason"
    why = {"purpose": purpose, "reason": reason[:500]}
    if unmask.used_today(state, author()) >= unmask.daily_limit():
        audit(state, "person.unmask", str(person_id), {**why, "why": "daily limit"}, "refused")
        return "unmask.limit"
    audit(state, "person.unmask", str(person_id), why)
    return replace(scope, reveal_person=int(person_id))


def ui_messages() -> set[str]:
    """The unmask dialog's own texts in every language (a refusal, the placeholder): never a reason."""
    return {t(key, lang, n=unmask.daily_limit()) for key in ("unmask.need_reason", "unmask.limit", "unmask.reason")
            for lang in LANGUAGES}


def audit(state, action: str, target: str | None = None, detail: dict | None = None, outcome: str = "ok") -> None:
    """One audit row for the logged-in user (person views, unmasks, exports, refusals...)."""
    audit_log.log(state, author(), action, target, detail, outcome)


def served(state, listing: str, filters: dict, request: dict, block: dict) -> dict:
    """Audit one block of a paged list of people as served (which list, its filters, the rows asked for and how
    many went out of how many); returns the block."""
    audit(state, "people.rows", listing, {"filters": filters, "from": request.get("startRow"),
                                          "rows": len(block["rowData"]), "of": block["rowCount"]})
    return block


def within(scope: Scope, code: str | None) -> Scope | None:
    """The scope narrowed to the area `code` (district, township or community code), or None when the area
    lies outside the caller's jurisdiction. Codes nest by prefix (6-digit district, 9-digit township)."""
    if not code:
        return scope
    if not isinstance(code, str) or not code.isdigit():
        return None
    district, township = code[:6], (code[:9] if len(code) >= 9 else None)
    if scope.district_code and district != scope.district_code:
        return None
    if scope.township_code:
        if township is None:
            return scope                        # a parent of the caller's township: stay in the township
        if township != scope.township_code:
            return None
    return replace(scope, district_code=district, township_code=township)


def language() -> str:
    """The language the caller chose (remembered in the session), Chinese by default."""
    lang = session.get("lang") if has_request_context() else None
    return lang if lang in LANGUAGES else DEFAULT


def remember_language(lang: str | None = None) -> None:
    """Flask before_request hook: a `?lang=en` (or zh) on any page is remembered for the session; the router
    passes the `lang` of an address reached without a reload."""
    lang = lang or request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
