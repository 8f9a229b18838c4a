"""The gate in front of every request: login and logout, the session check, which role may fire which
callback or fetch which page's own routes (downloads), and the security headers.

Nothing the browser holds decides access: the `wz_session` cookie is a random token whose hash the server
looks up (auth.sessions); the callback a Dash request names is mapped, on the server, to the page that
registered it, and refused unless the user's role may see that page. Static files (Dash's scripts, the
stylesheet, the boundary GeoJSON) carry no personal data and are served to anyone.
"""
from __future__ import annotations

import json
from html import escape
from urllib.parse import unquote, urlsplit

from flask import Response, g, redirect, request
from werkzeug.exceptions import HTTPException

from auth import audit, sessions
from auth.users import AuthError, authenticate, change_password
from pages import session
from pages.i18n import t

COOKIE = "wz_session"
PUBLIC = ("/login", "/ready")              # exact paths anyone may ask for; STATIC below: prefixes
DASH_DATA = "/_dash-"
STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
CHANGE = ("/password", "/logout")          # all a user who must change the password may reach
INPUT_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError)   # a value not of the shape sent
CATCH_ALL = ("/<path:path>", "/")           # Dash's catch-all endpoints serve the shell for any path
API = "/api/"          # token-authenticated (intake/api.py): never the session cookie, so no cross-site rule


def install(app, state, pages_of_callbacks: dict, roles_of_page, tile_url: str | None = None,
            pages_of_routes: dict | None = None, paths=()) -> None:
    """Wire the gate into `app` (a Dash app whose callbacks are all registered): `pages_of_callbacks` maps
    each callback key to the page module that registered it (None: the shell, any role), `pages_of_routes`
    each path prefix a page serves itself (its downloads) to that page, `paths` are the pages' addresses; map
    tiles may come from `tile_url`'s server."""
    server = app.server
    policy = content_security_policy(app, tile_url)
    page_paths = set(paths)                     # the pages' addresses; any other the shell would serve is a 404

    def known(path: str) -> bool:
        """A page's address, Dash's own data routes or a route the server added (not the shell's catch-all)."""
        if path in page_paths or path.startswith(DASH_DATA) or path == "/logout":
            return True
        adapter = server.url_map.bind("localhost")
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:                       # no route, or not for GET (a POST-only route: its own answer)
            return True
        return endpoint not in CATCH_ALL
    def denied(status: int, why: str, user=None, target: str | None = None) -> Response:
        """A refusal, audited (who, if known; what was asked; why)."""
        audit.log(state, user.username if user else None, "access.denied", target or request.path,
                  {"why": why, "role": user.role if user else None, "method": request.method,
                   "client": request.remote_addr}, outcome="refused")
        return refuse(status, why)

    @server.before_request
    def check():
        if request.path.startswith(API):
            return None
        if request.method == "POST" and not same_origin():
            return denied(403, "cross-site request")
        if request.path in PUBLIC or request.path.startswith(STATIC):
            return None
        user = sessions.current_user(state, request.cookies.get(COOKIE))
        if user is None:
            if request.path.startswith(DASH_DATA):
                return refuse(401, "login required")
            return redirect(f"/login?next={request.full_path.rstrip('?')}", 303)
        g.user = user
        if user.must_change and request.path not in CHANGE:
            if request.path.startswith(DASH_DATA):
                return denied(403, "password change required", user)
            return redirect("/password", 303)
        if request.path == "/_dash-update-component":
            body = request.get_json(silent=True)
            if not well_formed(body):
                return denied(400, "malformed callback request", user)
            target = body["output"]
            if target not in pages_of_callbacks:
                return denied(403, "unknown callback", user, str(target)[:200])
            page = pages_of_callbacks[target]
        else:                                   # a page's own route, or a page everyone may load (the shell)
            target = request.path
            page = next((p for prefix, p in (pages_of_routes or {}).items() if target.startswith(prefix)), None)
            if page is None and not known(target):
                return refuse(404, "not found")
        if page is not None and user.role not in roles_of_page(page):
            return denied(403, "not permitted for this role", user, target)
        return None

    @server.errorhandler(Exception)
    def failed(error):
        """A callback that failed on the values it was sent (a forged or broken request) answers 400; anything
        else stays a server error (500), logged."""
        if isinstance(error, HTTPException):
            return error
        if request.path == "/_dash-update-component" and isinstance(error, INPUT_ERRORS):
            server.logger.warning("callback refused its inputs: %r", error)
            return denied(400, "malformed callback values", getattr(g, "user", None))
        server.logger.exception("request failed")
        return refuse(500, "server error")

    @server.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"      # no-referrer would make form posts Origin: null
        if not request.path.startswith(STATIC):
            response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/login", methods=["GET", "POST"])
    def login():
        lang = session.language()
        target = safe_next(request.values.get("next"))
        if request.method == "GET":
            return login_page(lang, target)
        try:
            user = authenticate(state, request.form.get("username", "").strip(), request.form.get("password", ""),
                                client=request.remote_addr or "-")
        except AuthError as refused:
            return login_page(lang, target, error=str(refused)), 401
        response = redirect(target, 303)
        response.set_cookie(COOKIE, sessions.start(state, user), httponly=True, secure=True, samesite="Strict",
                            path="/")
        return response

    @server.route("/password", methods=["GET", "POST"])
    def password():
        lang, user = session.language(), g.user
        if request.method == "GET":
            return password_page(lang, user.must_change)
        new = request.form.get("new", "")
        try:
            if new != request.form.get("again", ""):
                raise ValueError(t("password.differ", lang))
            change_password(state, user.username, request.form.get("current", ""), new)
        except ValueError as refused:
            return password_page(lang, user.must_change, str(refused)), 400
        return redirect("/", 303)

    @server.route("/logout", methods=["POST"])
    def logout():
        token = request.cookies.get(COOKIE)
        if token:
            sessions.end(state, token, "logout")
        response = redirect("/login", 303)
        response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="Strict")
        return response


def content_security_policy(app, tile_url: str | None = None) -> str:
    """No inline script but Dash's own (by hash), no eval; map workers from blob URLs, tiles from the tile
    server if one is set; no framing."""
    hashes = " ".join(app.csp_hashes())
    tiles = f" {urlsplit(tile_url).scheme}://{urlsplit(tile_url).netloc}" if tile_url else ""
    return "; ".join([
        "default-src 'self'", f"script-src 'self' {hashes}", "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tiles}", "font-src 'self' data:", f"connect-src 'self'{tiles}",
        "worker-src 'self' blob:",
        "child-src 'self' blob:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'none'"])


def same_origin() -> bool:
    """A POST from this site (or from a client that sends no Origin, like the command line): scheme, host and
    port all equal to this request's (behind a TLS proxy, waitress's trusted_proxy headers set the scheme)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return (parts.scheme, _port(parts.scheme, parts.netloc)) == (request.scheme, _port(request.scheme, request.host))


def _port(scheme: str, netloc: str) -> str:
    """`netloc` lower-cased with its port written out (80 for http, 443 for https)."""
    netloc = netloc.lower()
    if netloc.rpartition(":")[2].isdigit() and not netloc.endswith("]"):
        return netloc
    return f"{netloc}:{443 if scheme == 'https' else 80}"


def safe_next(target: str | None) -> str:
    """Where to go after login: a relative path on this site only. Anything with a control character, white
    space or a backslash (browsers drop or turn them into '/'), or that parses with a scheme or a host, goes home."""
    if not target or not target.startswith("/"):
        return "/"
    for form in (target, unquote(target)):    # as given and once decoded (a proxy or a browser may decode it)
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or form.startswith("//") or any(c <= " " or c in "\\\x7f" for c in form):
            return "/"
    return target


def well_formed(body) -> bool:
    """A Dash callback request's shape: an output key, inputs and state as lists of {id, property} (or lists of
    them, for pattern-matching callbacks), changed ids as a list of strings."""
    def prop(item) -> bool:
        if isinstance(item, list):
            return all(prop(i) for i in item)
        return isinstance(item, dict) and "id" in item and isinstance(item.get("property"), str)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    outputs = body.get("outputs", [])
    return (all(isinstance(body.get(k, []), list) and all(prop(i) for i in body.get(k, [])) for k in ("inputs", "state"))
            and prop(outputs if isinstance(outputs, list) else [outputs])
            and isinstance(body.get("changedPropIds", []), list)
            and all(isinstance(c, str) for c in body.get("changedPropIds", [])))


def refuse(status: int, why: str) -> Response:
    return Response(json.dumps({"error": why}), status=status, mimetype="application/json")


FIELD = '<label>{label}<input name="{name}" type="{kind}" autocomplete="{auto}" required></label>'


def form_page(lang: str, title_key: str, action: str, form: str, after: str = "") -> str:
    """A server-rendered page (no script) with one form posting to `action`, headed by `title_key`."""
    title = escape(t(title_key, lang))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/assets/style.css"><link rel="icon" href="data:,"></head>
<body><main class="login">
<h1>{escape(t("app.title", lang))}</h1>
<form method="post" action="{action}">
<h2>{title}</h2>
{form}
</form>
{after}
</main></body></html>"""


def login_page(lang: str, target: str, error: str | None = None) -> str:
    """The login form."""
    switch = " · ".join(f'<a href="/login?lang={code}&amp;next={escape(target)}">{t(f"lang.{code}", lang)}</a>'
                        for code in ("zh", "en"))
    return form_page(lang, "login.title", "/login", f"""{'<p class="error" id="login-error">' + escape(error) + '</p>' if error else ''}
{FIELD.format(label=escape(t("login.username", lang)), name="username", kind="text", auto="username")}
{FIELD.format(label=escape(t("login.password", lang)), name="password", kind="password", auto="current-password")}
<input type="hidden" name="next" value="{escape(target)}">
<button type="submit" id="login-submit">{escape(t("login.submit", lang))}</button>""",
                     f"""<p class="lang">{switch}</p>
<p class="notice">{escape(t("login.notice", lang))}</p>""")


def password_page(lang: str, forced: bool, error: str | None = None) -> str:
    """The form to change one's password (the first login of an account set up by someone else lands here)."""
    fields = "\n".join(FIELD.format(label=escape(t(f"password.{name}", lang)), name=name, kind="password", auto=auto)
                       for name, auto in (("current", "current-password"), ("new", "new-password"),
                                          ("again", "new-password")))
    return form_page(lang, "password.title", "/password", f"""{'<p class="notice" id="password-forced">' + escape(t("password.forced", lang)) + '</p>' if forced else ''}
{'<p class="error" id="password-error">' + escape(error) + '</p>' if error else ''}
{fields}
<p class="muted">{escape(t("password.rule", lang))}</p>
<button type="submit" id="password-submit">{escape(t("password.submit", lang))}</button>""")
