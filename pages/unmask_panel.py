"""The unmask dialog of a person card (police): a purpose chosen from a list, the reason in the officer's own
words, the button, and a status line beside them where a refusal is said (never in the reason box: a refusal
written there would be sent back as the next click's reason). The decision and its audit are
pages/session.unmasked's."""
from __future__ import annotations

from dash import dcc, html

from auth.unmask import daily_limit
from pages.components import dropdown
from pages.i18n import t
from pages.session import PURPOSES


def panel(prefix: str, lang: str) -> html.Div:
    """The dialog's controls, ids `{prefix}-unmask-purpose`, `-reason`, `{prefix}-unmask` and `-status`."""
    return html.Div([
        dropdown(f"{prefix}-unmask-purpose", [{"label": t(f"unmask.purpose.{p}", lang), "value": p} for p in PURPOSES],
                 lang, placeholder=t("unmask.purpose", lang), clearable=False, className="unmask-purpose"),
        dcc.Input(id=f"{prefix}-unmask-reason", placeholder=t("unmask.reason", lang), maxLength=200, className="grow"),
        html.Button(t("unmask.button", lang), id=f"{prefix}-unmask", className="button"),
        html.Span(id=f"{prefix}-unmask-status", className="muted unmask-status", role="status"),
    ], className="toolbar unmask")


def refusal(key: str, lang: str) -> str:
    """The text of a refusal (an i18n key from session.unmasked), for the status line."""
    return t(key, lang, n=daily_limit())
