"""更正记录 Corrections log: what a re-sent file changed in which figure, when, from which batch. A record re-sent
with other values replaces the stored one (ingest/records.py keeps the change in `corrections`); this page lists
them per correcting batch and set of changed columns (queries/corrections_log.sql), names the figures the feed
feeds (by what its writers write), and never a record's key or values: every role that sees the overview may
read it."""
from __future__ import annotations

import pandas as pd
from dash import html

from ingest.channels import active_feeds
from pages import session
from pages.components import column, grid, section
from pages.i18n import label_or_code, t
from pages.tally import TALLY

PATH, NAME, NAV = "/corrections", "corrections", None          # reached from the overview's link
ROLES = ("leadership", "police", "analyst", "admin")
COLUMNS = ("committed_at", "channel", "file_name", "figures", "columns", "records", "before_files")
# what each writer (ingest/writers.py) feeds, as the label keys of the figures a leader reads
WRITER_FIGURES = {
    "abroad": ("card.abroad",), "registered_resident": ("card.entered",), "border_entry": ("card.entered",),
    "arrival": ("card.arrived",), "checkpoint_arrival": ("card.arrived",),
    "service_measure": ("card.measures",), "quarantine_measure": ("card.measures",),
    "quarantine": ("card.in_quarantine", "card.released"), "transfer": ("card.in_quarantine",),
    "release": ("card.in_quarantine", "card.released"), "vehicle_check": ("card.vehicles",),
    "person_check": ("card.persons",), "enforcement_case": tuple(f"card.{k}" for k in TALLY),
    "health_check": ("card.fevers", "card.missed"), "case": ("layer.cases_imported", "layer.cases_local"),
    "sighting": ("metric.alerts",), "return_alert": ("metric.alerts",), "residence": ("corrections.places",),
    "checkpoint": ("layer.checkpoints",), "quarantine_site": ("layer.sites",)}


def figures_of(feed: str, lang: str) -> str:
    """The figures a feed's records count in (its writers' WRITER_FIGURES), in `lang`; the feed's name when the
    feeds file in use no longer declares it."""
    writes = next((f.writes for f in active_feeds() if f.name == feed), ())
    keys = dict.fromkeys(k for w in writes for k in WRITER_FIGURES.get(w, ()))
    return ("、" if lang == "zh" else ", ").join(t(k, lang) for k in keys) or feed


def fields_of(feed: str, names: list[str], lang: str) -> str:
    """Changed fields as the channel's file heads them (in Chinese: the `header` feeds.toml names) or by their canonical
    names (in English, and when the feed is no longer declared)."""
    declared = next((f for f in active_feeds() if f.name == feed), None)
    headers = {c.name: c.source for c in declared.columns} if declared and lang == "zh" else {}
    return ", ".join(headers.get(n, n) for n in names)


def log(ctx, scope, lang: str) -> pd.DataFrame:
    """The corrections log (queries/corrections_log.sql) as shown: times as text, channels and figures labelled."""
    found = ctx.query("corrections_log", scope)
    return found.assign(committed_at=pd.to_datetime(found["committed_at"]).dt.strftime("%Y-%m-%d %H:%M"),
                        channel=[label_or_code("channel", c, lang) for c in found["channel"]],
                        figures=[figures_of(f, lang) for f in found["feed"]],
                        columns=[fields_of(f, cs.split(", "), lang) for f, cs in zip(found["feed"], found["columns"])])


def summary(found: pd.DataFrame, lang: str) -> str:
    """One line: how many records were corrected, in how many batches, the latest when."""
    if found.empty:
        return t("corrections.none", lang)
    return t("corrections.summary", lang, records=int(found["records"].sum()), batches=found["batch_id"].nunique(),
             latest=str(found["committed_at"].iloc[0]))


def layout(ctx, lang: str, query: dict) -> html.Div:
    found = log(ctx, session.current_scope(), lang)
    return html.Div([
        html.Div(summary(found, lang), id="co-summary", className="notice"),
        section(t("corrections", lang), html.P(t("corrections.def", lang), className="muted"),
                grid("co-log", [column(c, lang) for c in COLUMNS], style={"height": "60vh"},
                     rowData=found[list(COLUMNS)].astype(object).where(found[list(COLUMNS)].notna(), None)
                     .to_dict("records"))),
    ], className="corrections")


def link(ctx, scope, lang: str) -> html.Div:
    """The overview's way in: the log's one-line summary, linking to this page."""
    return html.Div([html.Span(t("corrections", lang) + "：" if lang == "zh" else t("corrections", lang) + ": ",
                               className="muted"),
                     html.A(summary(log(ctx, scope, lang), lang), href=PATH, id="ov-corrections-link")],
                    id="ov-corrections", className="fresh")
