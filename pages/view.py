"""The overview's view in its address, so that it can be shared, bookmarked, printed as a briefing and kept
across a language switch: `?area=<code>&pick=<community>&metric=..&date=YYYY-MM-DD&layers=a,b&classes=..`.

What the address says is only a wish, read like any browser input: an area outside the caller's jurisdiction
(or above its home) falls back to the home area, an unknown metric, layer or class method to the default, a
date to the period."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pages import session

KEYS = ("area", "pick", "metric", "date", "layers", "classes")


@dataclass(frozen=True)
class View:
    path: list[str]               # codes drilled into: [] city, [district], [district, township]
    selected: str | None          # a picked community
    metric: str
    as_of: dt.date
    layers: tuple[str, ...]
    classes: str


def read(query: dict, scope, home: list[str], period, metrics, layers, methods, default: View, known) -> View:
    """The view an address asks for (parsed query string), within the caller's scope and the period; `known(code)`
    says whether an area code exists (in the caller's scope)."""
    area = query.get("area") or ""
    wanted = [area[:n] for n in (6, 9) if len(area) >= n and area.isdigit()]
    path = wanted if (wanted[:len(home)] == home and all(map(known, wanted))
                      and session.within(scope, (wanted or [None])[-1])) else home
    pick = query.get("pick") or ""
    selected = pick if (len(path) == 2 and pick.startswith(path[-1]) and known(pick)
                        and session.within(scope, pick) is not None) else None
    try:
        as_of = period.clamp(dt.date.fromisoformat(query.get("date") or ""))
    except ValueError:
        as_of = default.as_of
    shown = tuple(x for x in (query.get("layers") or "").split(",") if x in layers) \
        if "layers" in query else default.layers
    return View(path, selected, query.get("metric") if query.get("metric") in metrics else default.metric, as_of,
                shown, query.get("classes") if query.get("classes") in methods else default.classes)


def query_of(view: View) -> dict:
    """The address's query for a view (what `read` reads back)."""
    out = {"area": (view.path or [""])[-1], "pick": view.selected or "", "metric": view.metric,
           "date": view.as_of.isoformat(), "layers": ",".join(view.layers), "classes": view.classes}
    return {k: v for k, v in out.items() if v or k == "layers"}


# The same in the browser: the address follows the view's controls (history.replaceState: no reload, no new
# history entry), and the language links and the briefing link carry it. Inputs: drill store, metric, day
# (days since 1970-01-01), layers, classes. Outputs: the language links' and the briefing link's hrefs (%s: the
# briefing's address).
SYNC = """function(drill, metric, day, layers, classes) {
    const path = (drill && drill.path) || [];
    const q = new URLSearchParams();
    q.set('area', path.length ? path[path.length - 1] : '');
    if (drill && drill.selected) { q.set('pick', drill.selected); }
    q.set('metric', metric);
    q.set('date', new Date((day || 0) * 86400000).toISOString().slice(0, 10));
    q.set('layers', (layers || []).join(','));
    q.set('classes', classes);
    if (!q.get('area')) { q.delete('area'); }
    window.history.replaceState(window.history.state, '', window.location.pathname + '?' + q.toString());
    const withLang = lang => { const l = new URLSearchParams(q); l.set('lang', lang); return window.location.pathname + '?' + l.toString(); };
    return [withLang('zh'), withLang('en'), '%s?' + q.toString()];
}"""
