"""数据导出 Analyst export: filters, a grid paging server-side (AG Grid infinite row model: the browser holds
only the blocks it shows; the server cuts them from one DuckDB query per filter and sort), and downloads of
exactly the filtered rows (CSV, Excel, Parquet) or of the area figures as GeoJSON. Person-level fields come
masked from the query layer; every download is audited with its filters and row count; CSV follows RFC 4180
and text cells a spreadsheet would run as a formula are neutralised in CSV and Excel.

Downloads are links to an HTTP route (`DOWNLOAD`), not callback outputs: the browser saves the response
natively, and the people files stream (CSV here, Excel and Parquet in pages/streamed_files.py: the first rows
leave while the rest is written) instead of travelling base64 inside a callback's JSON. The links carry the
filters in their query string; the route checks them against the session's scope exactly as the callbacks do,
and the gate lets only this page's roles reach it."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import unicodedata
from urllib.parse import quote

import flask
import pandas as pd
from dash import Input, Output, State, dcc, html

import settings
from layers.areas import feature_collection
from pages import session
from pages.components import area_options, coded_options, column, dropdown, paged_grid, purge_on, section
from pages.context import as_date
from pages.i18n import t
from pages.people import EXPORT_COLUMNS, POPULATIONS, loop_people, people_block, people_count, readable, records
from pages.streamed_files import MAX_ROWS, fits_a_sheet, parquet_chunks, xlsx_chunks
from queries.dashboard import LEVELS, METRICS

PATH, NAME, NAV = "/export", "export", "nav.export"
ROLES = ("police", "analyst")
DOWNLOAD = "/export/download/"                # + kind; the gate gives it this page's ROLES
ROUTES = (DOWNLOAD,)
KINDS = {                                     # the download links, in this order, and their content types
    "csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet", "geojson": "application/geo+json"}
CSV_ROWS = (1000, 32000)                      # a streamed CSV's first chunk in rows, doubling up to the last
GRID_COLUMNS = ("name", "stage", "populations", "doc_type", "country", "district", "township", "community",
                "exit_date", "entry_date", "quarantine_kind", "quarantine_start", "days_in_quarantine",
                "last_temperature", "channels", "resident_id", "phone")
FILTERS = ("district", "township", "community", "population", "doc_type", "country", "channel")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CODE_COLUMN = {"districts": "district_code", "townships": "township_code", "communities": "community_code"}


def file_prefix() -> str:
    """Downloads are named after the configured city (settings.city())."""
    return settings.city().name_en.lower().replace(" ", "_")


def file_name(what: str, params: dict, filters: dict, kind: str, now: dt.datetime | None = None) -> str:
    """A download's name: city, what it holds, the dates, every filter set (the area's code, then stage,
    document, country, channel) and when it was made (UTC), e.g.
    wuzhou_loop_2020-01-20_2020-03-29_450403_in_quarantine_passport_20261205T1315Z.csv."""
    area = filters.get("community") or filters.get("township") or filters.get("district")
    chosen = [area, params.get("population"), params.get("doc_type"), params.get("country"), params.get("channel")]
    parts = [file_prefix(), what, str(params["since"]), str(params["as_of"]),
             *[re.sub(r"[^\w-]+", "-", str(v)).strip("-") for v in chosen if v],
             (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%MZ")]
    return "_".join(parts) + f".{kind}"


def query_of(ctx, filters):
    """(scope, loop_people parameters) for the filters the browser sent, checked against the session's scope;
    None when the chosen area is outside the caller's jurisdiction (or the filters are malformed)."""
    if not isinstance(filters, dict):
        return None
    text = {k: v for k, v in filters.items() if isinstance(v, str) and v}     # anything else means "any"
    scope = session.within(session.current_scope(), text.get("community") or text.get("township")
                           or text.get("district"))
    if scope is None:
        return None
    period = ctx.period()
    params = {"since": as_date(text.get("since"), period, period.start), "as_of": as_date(text.get("as_of"), period),
              "population": text.get("population") if text.get("population") in POPULATIONS else None,
              **{k: text.get(k) for k in ("community", "doc_type", "country", "channel")}}
    return scope, params


def layout(ctx, lang: str, query: dict) -> html.Div:
    scope = session.current_scope()
    ctx.warm(scope)                                     # the metric tables a GeoJSON download reads
    options = ctx.query("filter_options", scope)
    by_kind = {k: list(g["value"]) for k, g in options.groupby("kind")}

    def filter_for(name, opts):
        return html.Div([html.Label(t(f"col.{name}" if name != "population" else "export.population", lang)),
                         dropdown(f"ex-{name}", opts, lang, placeholder=t("any", lang))], className="filter")

    columns = [column(c, lang) for c in GRID_COLUMNS]
    return html.Div([
        section(t("export.filters", lang), html.Div([
            html.Div([html.Label(t("export.dates", lang)),
                      dcc.DatePickerRange(id="ex-dates", start_date=ctx.period().start, end_date=ctx.period().latest,
                                          min_date_allowed=ctx.period().start, max_date_allowed=ctx.period().end,
                                          display_format="YYYY-MM-DD", month_format="YYYY-MM",
                                          start_date_placeholder_text=t("date.start", lang),
                                          end_date_placeholder_text=t("date.end", lang),
                                          first_day_of_week=1)], className="filter wide"),
            filter_for("district", area_options(ctx.query("areas", scope, level="districts"))),
            filter_for("township", []), filter_for("community", []),
            filter_for("population", coded_options("stage", POPULATIONS, lang)),
            filter_for("doc_type", coded_options("doc", by_kind.get("doc_type", []), lang)),
            filter_for("country", [{"label": c, "value": c} for c in by_kind.get("country", [])]),
            filter_for("channel", coded_options("channel", by_kind.get("channel", []), lang)),
        ], className="filters")),
        html.Div([
            html.Strong(id="ex-count", className="count"),
            *[html.A(t(f"export.{kind}", lang), id=f"ex-{kind}", className="button", href=DOWNLOAD + kind)
              for kind in KINDS],
            html.Span([t("export.note", lang), html.Br(), t("export.note.geojson", lang)], className="muted"),
        ], className="toolbar"),
        dcc.Store(id="ex-filters"), dcc.Store(id="ex-purged"),
        paged_grid("ex-grid", columns, style={"height": "62vh"}),
    ], className="export")


def register(app, ctx) -> None:
    @app.callback(Output("ex-township", "options"), Output("ex-township", "value"), Input("ex-district", "value"))
    def townships(district):
        scope = session.within(session.current_scope(), district) if district else None
        return (area_options(ctx.query("areas", scope, level="townships")) if scope else []), None

    @app.callback(Output("ex-community", "options"), Output("ex-community", "value"), Input("ex-township", "value"))
    def communities(township):
        scope = session.within(session.current_scope(), township) if township else None
        return (area_options(ctx.query("areas", scope, level="communities")) if scope else []), None

    @app.callback(Output("ex-filters", "data"), Output("ex-count", "children"),
                  Input("ex-dates", "start_date"), Input("ex-dates", "end_date"),
                  *[Input(f"ex-{f}", "value") for f in FILTERS])
    def apply(since, as_of, *values):
        """The filters as one record (the grid and the downloads read it) and the number of matching people."""
        lang = session.language()
        filters = {"since": since, "as_of": as_of, **dict(zip(FILTERS, values))}
        found = query_of(ctx, filters)
        if found is None:
            return filters, t("outside_scope", lang)
        scope, params = found
        n = people_count(ctx, scope, **params)
        session.audit(ctx.state, "people.list", "export", {"filters": params, "rows": n})
        return filters, t("export.count", lang, n=n)

    purge_on(app, "ex-grid", "ex-filters", "ex-purged")

    @app.callback(Output("ex-grid", "getRowsResponse"), Input("ex-grid", "getRowsRequest"),
                  State("ex-filters", "data"))
    def rows(request, filters):
        """One block of rows, sorted as the grid asks, with the total so the grid knows where it ends."""
        found = query_of(ctx, filters or {})
        if not isinstance(request, dict) or found is None:
            return {"rowData": [], "rowCount": 0}
        scope, params = found
        block, total = people_block(ctx, scope, int(request["startRow"]), int(request["endRow"]),
                                    request.get("sortModel"), **params)
        lang = session.language()
        return session.served(ctx.state, "export", params, request, {
            "rowData": records(readable(block[["person_id", *GRID_COLUMNS]], lang)), "rowCount": total})

    app.clientside_callback(
        """function(filters) {
            const query = new URLSearchParams();
            Object.entries(filters || {}).forEach(([k, v]) => { if (typeof v === 'string' && v) query.set(k, v); });
            const tail = query.toString() ? '?' + query.toString() : '';
            return %s.map(kind => '%s' + kind + tail);
        }""" % (json.dumps(list(KINDS)), DOWNLOAD),
        *[Output(f"ex-{kind}", "href") for kind in KINDS], Input("ex-filters", "data"))

    def download(kind):
        """GET DOWNLOAD<kind>?<filters>: exactly the rows the page counts for these filters (the area figures for
        geojson) as an attachment; 403 outside the caller's jurisdiction; 422 for more rows than an Excel sheet
        holds (before anything is sent: never a truncated workbook); one audit row with the row count."""
        lang = session.language()
        if kind not in KINDS:
            return flask.Response(status=404)
        filters = {k: flask.request.args.get(k) for k in ("since", "as_of", *FILTERS)}
        try:
            found = query_of(ctx, filters)
        except ValueError:                                   # a date that is not one
            session.audit(ctx.state, "export", kind, {"filters": filters, "why": "bad filters"}, outcome="refused")
            return flask.Response(t("export.bad_filters", lang), 400, mimetype="text/plain")
        if found is None:
            session.audit(ctx.state, "export", kind, {"filters": filters, "why": "outside scope"}, outcome="refused")
            return flask.Response(t("outside_scope", lang), 403, mimetype="text/plain")
        scope, params = found
        frame = loop_people(ctx, scope, **params)[list(EXPORT_COLUMNS)]
        if kind == "geojson":
            body, count, level = _area_geojson(ctx, scope, filters, params, frame)
            name = file_name(level, params, filters, kind)
        else:
            if kind == "xlsx" and not fits_a_sheet(frame):
                return flask.Response(t("export.too_many_rows", lang, n=len(frame), most=MAX_ROWS - 1), 422,
                                      mimetype="text/plain")
            body, count, name = _people_file(frame, kind), len(frame), file_name("loop", params, filters, kind)
        session.audit(ctx.state, "export", kind, {"filters": params, "rows": count, "file": name})
        return flask.Response(body, content_type=KINDS[kind], headers={"Content-Disposition": attachment(name)})
    app.server.add_url_rule(DOWNLOAD + "<kind>", "export_download", download)


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that start like a spreadsheet formula (=, +, -, @, tab, carriage return) prefixed with ' so
    a spreadsheet shows them as text instead of running them."""
    out = frame.copy()
    for col in [c for c in out.columns if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]:
        risky = out[col].str.startswith(FORMULA_START).fillna(False).astype(bool)      # non-text cells: no
        if risky.any():
            out[col] = out[col].where(~risky, "'" + out[col].astype(str))
    return out


def csv_chunks(frame: pd.DataFrame, rows: int = CSV_ROWS[0], most: int = CSV_ROWS[1]):
    """The rows as CSV (RFC 4180: CRLF, quoted where needed; UTF-8 with a BOM so Excel reads it) in UTF-8
    chunks: the header, then `rows` rows, twice as many each time up to `most` (a small first chunk leaves soon;
    larger ones cost less per row). A generator: the first rows leave before the last are written."""
    yield ("\ufeff" + frame.head(0).to_csv(index=False, lineterminator="\r\n")).encode()
    start = 0
    while start < len(frame):
        yield neutralised(frame.iloc[start:start + rows]).to_csv(
            index=False, header=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).encode()
        start, rows = start + rows, min(2 * rows, most)


def _people_file(frame: pd.DataFrame, kind: str):
    """The body of a people download, streamed in chunks: CSV, Excel (text cells neutralised as in the CSV;
    the caller has checked the rows fit a sheet) or Parquet."""
    if kind == "csv":
        return csv_chunks(frame)
    if kind == "xlsx":
        return xlsx_chunks(frame, prepare=neutralised)
    return parquet_chunks(frame)


def attachment(name: str, disposition: str = "attachment") -> str:
    """Content-Disposition for a download saved as `name`: an ASCII fallback and, when the name is not ASCII,
    the UTF-8 name too (RFC 6266), as werkzeug's send_file writes it; `inline` for a file the browser shows."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace('"', "")
    return f'{disposition}; filename="{plain}"' + ("" if plain == name else f"; filename*=UTF-8''{quote(name)}")


def _area_geojson(ctx, scope, filters: dict, params: dict, people: pd.DataFrame) -> tuple[str, int, str]:
    """The areas one level below the chosen one (districts when none; the community itself when one is chosen)
    as GeoJSON text, each with `people`: how many of the listed people (`people`, every filter applied) live
    there (`people_unplaced`: those in none of them, their address not placed), and the overview's figures (METRICS) as of the end date, which count everyone of the area whatever
    the stage, document, country or channel (the collection's `filters` and `figures_filtered_by` say so).
    Returns the text, the number of areas and the level."""
    depth = 2 if filters.get("community") else sum(bool(filters.get(k)) for k in ("district", "township"))
    level = LEVELS[depth]
    areas = ctx.query("areas", scope, level=level)
    if filters.get("community"):
        areas = areas[areas["code"] == filters["community"]]
    caller, as_of = session.current_scope(), params["as_of"]
    listed = people[CODE_COLUMN[level]].value_counts()
    values = {"people": [int(listed.get(c, 0)) for c in areas["code"]],
              **{m: ctx.metric_on(caller, level, m, as_of, areas["code"].tolist()) for m in METRICS}}
    collection = {**feature_collection(areas, values),
                  "filters": {k: str(v) for k, v in params.items() if v is not None},
                  "people_unplaced": len(people) - sum(values["people"]),
                  "figures_filtered_by": ["area", "as_of"]}
    return json.dumps(collection, ensure_ascii=False), len(areas), level


def warm(ctx, scope) -> None:
    """The page's first screen (pages/warmup.py): the filter options and the count for the default filters
    (everyone in the loop in the scope from the period's start to the report day)."""
    ctx.query("filter_options", scope)
    ctx.query("areas", scope, level="districts")
    loop_people(ctx, scope, as_of=ctx.period().latest)
