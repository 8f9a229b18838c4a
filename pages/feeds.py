"""数据通道 Feeds: per channel the last file, rows accepted and rejected, reject reasons, and a warning when a
channel has gone quiet for longer than its usual rhythm."""
from __future__ import annotations

import pandas as pd
from dash import html

from pages import session
from pages.components import column, grid, section
from pages.i18n import label_or_code, t
from pages.reasons import reason_text

PATH, NAME, NAV = "/feeds", "feeds", "nav.feeds"
ROLES = ("leadership", "analyst", "admin")
STATUS_COLUMNS = ("channel", "batches", "last_file", "last_data_to", "rows_accepted", "rows_rejected",
                  "median_gap_hours", "quiet")


def layout(ctx, lang: str, query: dict) -> html.Div:
    scope = session.current_scope()
    status = ctx.query("feed_status", scope, now=None)
    reasons = ctx.query("reject_reasons", scope)
    warnings = [html.Li(t("feeds.quiet", lang, channel=label_or_code("channel", r.channel, lang),
                          hours=r.quiet_hours, gap=r.median_gap_hours))
                for r in status.itertuples() if r.quiet]
    shown = status.assign(channel=[label_or_code("channel", c, lang) for c in status["channel"]],
                          last_data_to=pd.to_datetime(status["last_data_to"]).dt.strftime("%Y-%m-%d %H:%M"),
                          median_gap_hours=status["median_gap_hours"].round(1),
                          quiet=[t("status.quiet" if q else "status.ok", lang) for q in status["quiet"]])
    shown_reasons = reasons.assign(channel=[label_or_code("channel", c, lang) for c in reasons["channel"]],
                                   reason=[reason_text(r, lang) for r in reasons["reason"]])
    return html.Div([
        html.Div(html.Ul(warnings) if warnings else t("feeds.all_ok", lang),
                 id="fd-warnings", className="notice warn" if warnings else "notice ok"),
        section(t("feeds.title", lang),
                grid("fd-status", [column(c, lang) for c in STATUS_COLUMNS],
                     rowData=shown[list(STATUS_COLUMNS)].astype(object).where(shown.notna(), None)
                     .to_dict("records"), style={"height": "40vh"},
                     getRowStyle={"styleConditions": [{"condition": "params.data.quiet !== '"
                                                                    + t("status.ok", lang) + "'",
                                                       "style": {"backgroundColor": "#fff3e0"}}]})),
        section(t("feeds.rejects", lang),
                grid("fd-rejects", [column(c, lang) for c in ("channel", "reason", "rows")],
                     rowData=shown_reasons.to_dict("records"), style={"height": "36vh"})),
    ], className="feeds")
