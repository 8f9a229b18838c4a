"""The overview's freshness stamp: per group of channels, how far its newest data reaches and when it was last
received, and a warning naming every channel that has gone quiet (queries/feed_status.sql, the Feeds page's
own test of quiet: longer than twice its usual gap between batches)."""
from __future__ import annotations

import pandas as pd
from dash import html

from pages.i18n import label_or_code, t

# Channels (ingest/channels.py) grouped as a leader reads them; a channel in no group is shown as "other".
GROUPS = (("people", ("exit_entry", "police", "tracing_app", "hotel", "transport", "university", "grid")),
          ("checkpoints", ("checkpoints",)), ("quarantine", ("quarantine",)), ("cdc", ("cdc",)))


def group_of(channel: str) -> str:
    return next((name for name, channels in GROUPS if channel in channels), "other")


def stamps(status: pd.DataFrame) -> pd.DataFrame:
    """Per group with any batch (in GROUPS order, then other): the end of its newest data (`data_to`) and the
    time its last batch was received (`received`)."""
    order = [name for name, _ in GROUPS] + ["other"]
    found = status.assign(group=[group_of(c) for c in status["channel"]]).groupby("group").agg(
        data_to=("last_data_to", "max"), received=("last_committed_at", "max"))
    return found.reindex([g for g in order if g in found.index]).reset_index()


def when(value) -> str:
    return "—" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def panel(status: pd.DataFrame, lang: str) -> html.Div:
    """The stamp line and, when any channel is quiet, a warning naming each (its channel and last file)."""
    items = [html.Span([html.B(t(f"fresh.group.{r.group}", lang)), " ",
                        t("fresh.stamp", lang, data_to=when(r.data_to), received=when(r.received))],
                       className="fresh-item") for r in stamps(status).itertuples()]
    quiet = status[status["quiet"]]
    stale = [html.Li(t("feeds.quiet", lang, channel=label_or_code("channel", r.channel, lang), hours=r.quiet_hours,
                       gap=r.median_gap_hours) + " " + t("fresh.last_file", lang, file=r.last_file))
             for r in quiet.itertuples()]
    warning = [html.Div([html.Strong(t("fresh.stale", lang)), html.Ul(stale)], id="ov-stale",
                        className="notice warn")] if stale else []
    return html.Div([html.Div([html.Span(t("fresh.title", lang), className="muted"), *items], id="ov-fresh",
                              className="fresh"), *warning])
