"""The overview's definitions panel: every figure on the page defined in words (docs/schema.md's definitions, in
the page's language), each at an anchor `#def-<figure>` that its card links to."""
from __future__ import annotations

from dash import html

from pages.components import section
from pages.i18n import t

MORE = ("funnel.def", "funnel.leaks.def", "points.def")     # what the funnel and the point layers count


def panel(figures, lang: str) -> html.Section:
    rows = [html.Div([html.Dt(t(f"card.{key}", lang)), html.Dd(t(f"card.{key}.def", lang))], id=f"def-{key}")
            for key in figures]
    return section(t("definitions", lang), html.Dl(rows, className="definitions"),
                   *[html.P(t(key, lang), className="muted") for key in MORE], id="ov-definitions")
