"""简报 The briefing: one printable A4 page of the overview's view (area, metric, date, layers, from the address,
pages/view.py) for the leadership meeting: the cards with their change on the day, the map with its legend,
the daily chart, the rumour tally, each channel group's freshness, the channels gone quiet and the corrections.

Rendered on the server, offline: the page is HTML with the map and chart as SVG (layers/printed.py, matplotlib),
set as PDF by WeasyPrint with the system's Noto CJK fonts (why WeasyPrint: docs/briefing.md). Served at
overview.BRIEFING to the overview's roles (the gate), scoped like the overview, audited as an export."""
from __future__ import annotations

import datetime as dt
from html import escape

import flask
import pandas as pd

from layers import printed
from layers.charts import PANEL_LABELS
from pages import corrections, freshness, overview, session, view
from pages.export import attachment, file_prefix
from pages.i18n import label_or_code, t
from pages.loop_map import places
from pages.tally import TALLY
from queries.dashboard import LEVELS

CSS = """
@page { size: A4 landscape; margin: 9mm 10mm; }
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 8.5pt; color: #263238; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 1mm; } .sub { color: #546e7a; margin-bottom: 2mm; }
.cards { display: flex; gap: 1.5mm; margin-bottom: 2mm; }
.card { flex: 1; border: 0.3mm solid #cfd8dc; border-radius: 1mm; padding: 1mm 1.5mm; }
.card b { display: block; font-size: 12pt; } .card small { color: #546e7a; }
.row { display: flex; gap: 3mm; } .col { flex: 1; }
.map svg { display: block; width: 100%; height: 100mm; } .chart svg { display: block; width: 100%; height: 58mm; }
.legend span.sw { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: middle; }
.legend li { display: inline-block; margin-right: 3mm; } ul { margin: 0.5mm 0; padding-left: 4mm; }
.warn { color: #b71c1c; } .muted { color: #607d8b; } h3 { font-size: 9.5pt; margin: 1mm 0; }
"""


def change(now: int, before: int | None) -> str:
    return "" if before is None else f"{now - before:+,}"


def cards_html(values: dict, before: dict | None, keys, lang: str) -> str:
    """A row of cards: title, value, change on the day before (when there is one)."""
    cells = []
    for k in keys:
        moved = change(values[k], before[k]) if before else ""
        cells.append(f"<div class='card'><small>{escape(t(f'card.{k}', lang))}</small><b>{values[k]:,}</b>"
                     + (f"<small>{escape(t('briefing.change', lang, change=moved))}</small>" if moved else "")
                     + "</div>")
    return f"<div class='cards'>{''.join(cells)}</div>"


def card_values(ctx, area_scope, picked, as_of) -> dict:
    h = overview.area_figures(ctx, area_scope, picked, as_of)
    return {**h, "vehicles": h["checkpoint_vehicles"], "persons": h["checkpoint_persons"]}


def map_html(ctx, scope, shown, lang: str) -> str:
    """The map of the view (its areas in the map's colours, their names, the coarser level's outlines) and its
    legend, named by metric, unit and date."""
    data = overview.map_data(ctx, scope, shown.path, shown.metric, shown.as_of, shown.classes, lang)
    found = places(ctx, scope, data.level)
    keep = [i for i, code in enumerate(found["code"]) if code.startswith(shown.path[-1] if shown.path else "")]
    labels = pd.DataFrame({k: v[keep] for k, v in found.items()})
    context = ctx.query("areas", scope, level=LEVELS[len(shown.path) - 1])["wkb"] if shown.path else ()
    drawing = printed.map_svg(data.areas["wkb"], printed.fill_colours(data.props), labels, context)
    rows = "".join(f"<li><span class='sw' style='background:{escape(c)}'></span>{escape(str(span))} ({n:,})</li>"
                   for c, span, n in data.legend)
    unit = "score" if shown.metric == "risk" and data.level == "communities" else overview.UNITS[shown.metric]
    caption = t("caption", lang, metric=t(f"metric.{shown.metric}", lang), unit=t(f"unit.{unit}", lang),
                date=shown.as_of.isoformat())
    layers = "、".join(t(f"layer.{x}", lang) for x in shown.layers) or "—"
    generated = bool(data.areas["generated"].any())
    return (f"<h3>{escape(t('briefing.map', lang, metric=caption))}</h3><div class='map'>{drawing}</div>"
            f"<ul class='legend'>{rows}</ul><div class='muted'>{escape(t('briefing.layers', lang, layers=layers))}"
            + (f" · {escape(t('briefing.generated', lang))}" if generated else "") + "</div>")


def feeds_html(ctx, scope, lang: str) -> str:
    """Each channel group's freshness, the channels gone quiet (named, with their last file), the corrections."""
    status = ctx.query("feed_status", scope, now=None)
    stamps = "；".join(f"{t(f'fresh.group.{r.group}', lang)} "
                      + t("fresh.stamp", lang, data_to=freshness.when(r.data_to), received=freshness.when(r.received))
                      for r in freshness.stamps(status).itertuples())
    quiet = [t("feeds.quiet", lang, channel=label_or_code("channel", r.channel, lang), hours=r.quiet_hours,
               gap=r.median_gap_hours) + " " + t("fresh.last_file", lang, file=r.last_file)
             for r in status[status["quiet"]].itertuples()]
    stale = ("<ul class='warn'>" + "".join(f"<li>{escape(q)}</li>" for q in quiet) + "</ul>") if quiet else \
        f"<div>{escape(t('briefing.stale.none', lang))}</div>"
    fixes = corrections.summary(corrections.log(ctx, scope, lang), lang)
    return (f"<h3>{escape(t('fresh.title', lang))}</h3><div class='muted'>{escape(stamps)}</div>"
            f"<h3>{escape(t('briefing.stale', lang))}</h3>{stale}"
            f"<h3>{escape(t('corrections', lang))}</h3><div>{escape(fixes)}</div>")


def page_html(ctx, scope, shown, lang: str, user: str, now: dt.datetime) -> str:
    """The briefing as one HTML page (every text escaped)."""
    area_scope = session.within(scope, (shown.path or [None])[-1])
    picked = shown.selected if shown.selected and session.within(scope, shown.selected) is not None else None
    period = ctx.period()
    values = card_values(ctx, area_scope, picked, shown.as_of)
    before = card_values(ctx, area_scope, picked, shown.as_of - dt.timedelta(days=1)) \
        if shown.as_of > period.start else None
    tally_now = ctx.headline(area_scope, shown.as_of)
    tally_before = ctx.headline(area_scope, shown.as_of - dt.timedelta(days=1)) if before else None
    labels = {**{k: t(f"panel.{k}", lang) for k in PANEL_LABELS if k != "as_of"}, "as_of": t("as_of", lang)}
    chart = printed.daily_svg(overview.daily_frame(ctx, scope, shown.path, shown.as_of), shown.as_of, labels)
    where = " › ".join(overview.area_names(ctx, scope, shown.path, picked, lang))
    title = f"{t('app.title', lang)} · {t('briefing.title', lang)}"
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>{CSS}</style></head><body>
<h1>{escape(title)}</h1>
<div class="sub">{escape(where)} · {escape(t('as_of', lang))} {shown.as_of.isoformat()} ·
{escape(t('briefing.made', lang, when=now.strftime('%Y-%m-%d %H:%M'), user=user))}</div>
{cards_html(values, before, overview.CARDS, lang)}
<div class="row"><div class="col">{map_html(ctx, scope, shown, lang)}</div>
<div class="col"><h3>{escape(t('chart.daily', lang))}</h3><div class="chart">{chart}</div>
<h3>{escape(t('tally', lang))}</h3>{cards_html(tally_now, tally_before, TALLY, lang)}
{feeds_html(ctx, scope, lang)}</div></div>
</body></html>"""


def pdf(html_text: str) -> bytes:
    from weasyprint import HTML          # imported on first use: it loads Pango, fonts

    return HTML(string=html_text).write_pdf()


def register(app, ctx) -> None:
    def briefing():
        """GET BRIEFING?<view>: the view's briefing as a PDF (inline: the browser shows it, ready to print),
        named after the city, the area, metric and day and when it was made; one audit row."""
        lang, scope, user = session.language(), session.current_scope(), session.current_user()
        shown = overview.view_of(ctx, scope, flask.request.args.to_dict())
        now = dt.datetime.now(dt.timezone.utc)
        body = pdf(page_html(ctx, scope, shown, lang, user.display_name if user else "", now))
        name = "_".join([file_prefix(), "briefing", (shown.path or ["city"])[-1] if not shown.selected
                         else shown.selected, shown.metric, shown.as_of.isoformat(), now.strftime("%Y%m%dT%H%MZ")])
        session.audit(ctx.state, "export", "briefing", {"view": view.query_of(shown), "bytes": len(body)})
        return flask.Response(body, content_type="application/pdf",
                              headers={"Content-Disposition": attachment(f"{name}.pdf", "inline")})
    app.server.add_url_rule(overview.BRIEFING, "briefing", briefing)
