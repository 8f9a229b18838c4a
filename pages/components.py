"""Small building blocks shared by the pages: cards, map graphs, option lists, tables."""
from __future__ import annotations

import dash_ag_grid as dag
from dash import Input, Output, dcc, html

from pages.i18n import label_or_code, t
from pages.session import language

MAP_CONFIG = {"displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
CHART_CONFIG = {"displaylogo": False, "displayModeBar": False}
GRID_THEME = "themeQuartz.withParams({fontFamily: 'Noto Sans CJK SC, sans-serif', spacing: 5, fontSize: 13})"
BLOCK = 100                                     # rows per block of a paged grid


def card(card_id: str, title: str, value: str, detail: str, definition: str, as_of: str,
         definition_link: str | None = None) -> html.Div:
    """A headline card; its definition shows on hover and, with `definition_link`, behind an ⓘ link."""
    link = [html.A("ⓘ", href=definition_link, className="card-def-link", title=definition)] if definition_link else []
    return html.Div([
        html.Div([title, *link], className="card-title"),
        html.Div(value, className="card-value", id=f"{card_id}-value"),
        html.Div(detail, className="card-detail"),
        html.Div(as_of, className="card-asof"),
    ], className="card", id=card_id, title=definition)


PLOTLY_TEXTS = ("Zoom in", "Zoom out", "Pan", "Reset view", "Download plot as a PNG", "Share chart...",
                "Toggle attribution", "Map", "Double-click to zoom back out", "Autoscale", "Reset axes")


def plotly_config(base: dict, lang: str) -> dict:
    """`base` with Plotly's own texts (its mode bar) and month names in `lang`, from pages/i18n.py."""
    months = [t(f"month.{m}", lang) for m in range(1, 13)]
    return {**base, "locale": lang, "locales": {lang: {
        "dictionary": {text: t(f"plotly.{text}", lang) for text in PLOTLY_TEXTS},
        "format": {"months": months, "shortMonths": months}}}}


def map_graph(graph_id: str, figure, height: str = "62vh") -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=figure, config=plotly_config(MAP_CONFIG, language()),
                     style={"height": height}, className="map")


def chart(graph_id: str, figure=None) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=figure or {}, config=plotly_config(CHART_CONFIG, language()),
                     className="chart")


def section(title: str, *children, className: str = "panel", **kwargs) -> html.Section:
    return html.Section([html.H3(title), *children], className=className, **kwargs)


def coded_options(prefix: str, codes, lang: str) -> list[dict]:
    """Dropdown options for coded values (stage, doc, channel ...), labelled in `lang`."""
    return [{"label": label_or_code(prefix, c, lang), "value": c} for c in codes]


def dropdown(dropdown_id: str, options: list[dict], lang: str, **kwargs) -> dcc.Dropdown:
    """A searchable dropdown whose own texts (search, clear, nothing found) speak `lang`."""
    labels = {k: t(f"dropdown.{k}", lang) for k in ("search", "clear_search", "clear_selection", "no_options_found")}
    return dcc.Dropdown(id=dropdown_id, options=options, labels=labels, **kwargs)


def date_picker(picker_id: str, period) -> dcc.DatePickerSingle:
    """A date picker over the period (queries/period.py), at its latest day, with language-neutral formats (ISO
    dates, numeric months), weeks from Monday."""
    return dcc.DatePickerSingle(id=picker_id, date=period.latest, min_date_allowed=period.start,
                                max_date_allowed=period.end, placeholder=t("date.pick", language()),
                                display_format="YYYY-MM-DD", month_format="YYYY-MM", first_day_of_week=1)


def area_options(frame) -> list[dict]:
    """Dropdown options for areas (areas rows): 'name code', searchable by either."""
    return [{"label": f"{n}  {c}", "value": c, "search": f"{n} {c}"} for c, n in zip(frame["code"], frame["name"])]


GRID_TEXTS = ("noRowsToShow", "loadingOoo", "page", "of", "to", "more", "firstPage", "previousPage", "nextPage",
              "lastPage", "pageSizeSelectorLabel", "ariaPageSizeSelectorLabel")


def grid(grid_id: str, columns: list[dict], **kwargs) -> dag.AgGrid:
    """An AG Grid with the app's defaults (sortable, resizable columns), its own texts in the caller's language."""
    lang = language()
    options = {"theme": {"function": GRID_THEME}, "localeText": {k: t(f"grid.{k}", lang) for k in GRID_TEXTS},
               **kwargs.pop("dashGridOptions", {})}
    return dag.AgGrid(id=grid_id, columnDefs=columns, className="grid", dashGridOptions=options,
                      defaultColDef={"sortable": True, "resizable": True, "minWidth": 90},
                      columnSize="responsiveSizeToFit", **kwargs)


def paged_grid(grid_id: str, columns: list[dict], **kwargs) -> dag.AgGrid:
    """A grid the server fills a block at a time (AG Grid infinite row model): a callback answers its getRowsRequest
    with grid_block, and purge_on makes it ask again when what it lists changes."""
    options = {"cacheBlockSize": BLOCK, "maxBlocksInCache": 20, "infiniteInitialRowCount": 1, "rowBuffer": 0,
               **kwargs.pop("dashGridOptions", {})}
    return grid(grid_id, columns, rowModelType="infinite", dashGridOptions=options, **kwargs)


def purge_on(app, grid_id: str, source: str, marker: str) -> None:
    """Drop the paged grid's blocks (it asks for them again) whenever the data of the store `source` changes;
    `marker` is the store this clientside callback writes."""
    app.clientside_callback(
        f"""function(_data) {{
            dash_ag_grid.getApiAsync('{grid_id}').then(api => api.purgeInfiniteCache());
            return Date.now();
        }}""",
        Output(marker, "data"), Input(source, "data"), prevent_initial_call=True)


def sort_of(model, sortable) -> tuple[str | None, bool]:
    """(column, descending) of a grid's sortModel (its first column among `sortable`); (None, False) unsorted."""
    found = [s for s in (model if isinstance(model, list) else [])
             if isinstance(s, dict) and s.get("colId") in sortable][:1]
    return (found[0]["colId"], found[0].get("sort") == "desc") if found else (None, False)


def sorted_by(frame, sort_model, sortable):
    """The frame sorted as a grid's sortModel asks (stable, on the values rather than their text, empty last),
    or as it is when the grid is unsorted."""
    col, desc = sort_of(sort_model, sortable)
    return frame.sort_values(col, ascending=not desc, kind="stable", na_position="last") if col else frame


def grid_block(frame, request: dict, rows) -> dict:
    """A paged grid's getRowsResponse: rows(frame's rows startRow..endRow) and how many rows `frame` has."""
    block = frame.iloc[int(request["startRow"]):int(request["endRow"])]
    return {"rowData": rows(block), "rowCount": len(frame)}


def column(field: str, lang: str, **kwargs) -> dict:
    """A grid column for `field`, headed by its col.<field> label."""
    return {"field": field, "headerName": t(f"col.{field}", lang), **kwargs}
