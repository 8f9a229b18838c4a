"""The unmask dialog of a person card (police): a purpose chosen from a list, the reason in the officer's own
words, the button, and a status line beside them where a refusal is said (never in the reason box: a refusal
written there would be sent back as the next click's reason). The decision and its audit are
pages/session.unmasked's."""
from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from auth.unmask import daily_limit
from pages.components import dropdown
from pages.i18n import t
from pages import session
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


def register(app, prefix: str, card: str, plan: str, context: list[State], pick, show, pick_first: str) -> None:
    """The dialog's callback: `pick(*context values)` is (scope, person id, rows, date) for the card's person or
    None (then `pick_first` is said on the card); `show(scope, person_id, rows, date, purpose, reason, lang)`
    answers (card, plan, reason box, status)."""
    @app.callback(Output(card, "children", allow_duplicate=True), Output(plan, "children", allow_duplicate=True),
                  Output(f"{prefix}-unmask-reason", "value"), Output(f"{prefix}-unmask-status", "children"),
                  Input(f"{prefix}-unmask", "n_clicks"), *context, State(f"{prefix}-unmask-purpose", "value"),
                  State(f"{prefix}-unmask-reason", "value"), prevent_initial_call=True)
    def unmask(_clicks, *values):
        *shown, purpose, reason = values
        lang = session.language()
        picked = pick(*shown)
        if picked is None:
            return t(pick_first, lang), [], dash.no_update, ""
        return show(*picked, purpose, reason, lang)
