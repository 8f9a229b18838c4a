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
from urllib.parse import urlsplit

from flask import Response, g, redirect, request

from auth import audit, sessions
from auth.users import AuthError, authenticate
from pages import session
from pages.i18n import t

COOKIE = "wz_session"
PUBLIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/login", "/ready")
DASH_DATA = "/_dash-"
STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
API = "/api/"          # token-authenticated (intake/api.py): never the session cookie, so no cross-site rule


def install(app, state, pages_of_callbacks: dict, roles_of_page, tile_url: str | None = None,
            pages_of_routes: dict | None = None) -> None:
    """Wire the gate into `app` (a Dash app whose callbacks are all registered): `pages_of_callbacks` maps
    each callback key to the page module that registered it (None: the shell, any role), `pages_of_routes`
    each path prefix a page serves itself (its downloads) to that page; map tiles may come from `tile_url`'s
    server."""
    server = app.server
    policy = content_security_policy(app, tile_url)

    @server.before_request
    def check():
        if request.path.startswith(API):
            return None
        if request.method == "POST" and not same_origin():
            return refuse(403, "cross-site request")
        if request.path.startswith(PUBLIC):
            return None
        user = sessions.current_user(state, request.cookies.get(COOKIE))
        if user is None:
            if request.path.startswith(DASH_DATA):
                return refuse(401, "login required")
            return redirect(f"/login?next={request.full_path.rstrip('?')}", 303)
        g.user = user
        if request.path == "/_dash-update-component":
            target = (request.get_json(silent=True) or {}).get("output")
            if target not in pages_of_callbacks:
                return refuse(403, "unknown callback")
            page = pages_of_callbacks[target]
        else:                                   # a page's own route, or a page everyone may load (the shell)
            target = request.path
            page = next((p for prefix, p in (pages_of_routes or {}).items() if target.startswith(prefix)), None)
        if page is not None and user.role not in roles_of_page(page):
            audit.log(state, user.username, "access.denied", target, {"role": user.role}, outcome="refused")
            return refuse(403, "not permitted for this role")
        return None

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
            user = authenticate(state, request.form.get("username", "").strip(), request.form.get("password", ""))
        except AuthError as refused:
            return login_page(lang, target, error=str(refused)), 401
        response = redirect(target, 303)
        response.set_cookie(COOKIE, sessions.start(state, user), httponly=True, secure=True, samesite="Strict",
                            path="/")
        return response

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
    """A POST from this site (or from a client that sends no Origin, like the command line)."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def refuse(status: int, why: str) -> Response:
    return Response(json.dumps({"error": why}), status=status, mimetype="application/json")


def login_page(lang: str, target: str, error: str | None = None) -> str:
    """The login form: server-rendered HTML, no script."""
    field = '<label>{label}<input name="{name}" type="{kind}" autocomplete="{auto}" required></label>'
    switch = " · ".join(f'<a href="/login?lang={code}&amp;next={escape(target)}">{t(f"lang.{code}", lang)}</a>'
                        for code in ("zh", "en"))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(t("login.title", lang))}</title>
<link rel="stylesheet" href="/assets/style.css"><link rel="icon" href="data:,"></head>
<body><main class="login">
<h1>{escape(t("app.title", lang))}</h1>
<form method="post" action="/login">
<h2>{escape(t("login.title", lang))}</h2>
{'<p class="error" id="login-error">' + escape(error) + '</p>' if error else ''}
{field.format(label=escape(t("login.username", lang)), name="username", kind="text", auto="username")}
{field.format(label=escape(t("login.password", lang)), name="password", kind="password", auto="current-password")}
<input type="hidden" name="next" value="{escape(target)}">
<button type="submit" id="login-submit">{escape(t("login.submit", lang))}</button>
</form>
<p class="lang">{switch}</p>
<p class="notice">{escape(t("login.notice", lang))}</p>
</main></body></html>"""
