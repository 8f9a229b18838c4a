"""Community risk as a choropleth (low / medium / high, the reasons on hover), and confirmed cases as two point
layers (imported, local): one point per case for the alerts page, counts per community for leadership.
Scores come from loop.risk; labels from the page."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers import points
from layers.areas import LINE

LEVEL_COLOURS = {"low": "#fff3c4", "medium": "#fb8c00", "high": "#c62828"}
NONE_COLOUR = "#f4f6f7"
CASE_COLOURS = {"imported": "#4a148c", "local": "#b71c1c"}


def reasons_text(reasons, factor_labels: dict[str, str], limit: int = 6) -> str:
    """'factor (key): count → points' lines, largest first, for the hover."""
    lines = [f"{factor_labels.get(f, f)}{' · ' + k if k else ''}: {n:,} → {p:g}" for f, k, n, p in reasons[:limit]]
    if len(reasons) > limit:
        lines.append(f"… +{len(reasons) - limit}")
    return "<br>".join(lines)


SCALE = [[0, NONE_COLOUR], [0.25, NONE_COLOUR], [0.25, LEVEL_COLOURS["low"]], [0.5, LEVEL_COLOURS["low"]],
         [0.5, LEVEL_COLOURS["medium"]], [0.75, LEVEL_COLOURS["medium"]], [0.75, LEVEL_COLOURS["high"]],
         [1, LEVEL_COLOURS["high"]]]
CLASSES = ("none", "low", "medium", "high")          # z = the index here


def choropleth_props(codes, names, scores: pd.DataFrame, labels: dict) -> dict:
    """The properties of a choropleth of the communities `codes` (named `names`) coloured by risk level that
    change with the data (the same keys as layers.areas.choropleth_props, so one Patch swaps them): z is the
    index in CLASSES; the level, score and reasons on hover. Communities with no score are 'none'.
    labels: level.<low|medium|high>, none, score, and factor.<name> for the reasons."""
    by_code = {} if scores.empty else dict(zip(scores["community_code"],
                                               zip(scores["level"], scores["score"], scores["reasons"])))
    factors = {k.split(".", 1)[1]: v for k, v in labels.items() if k.startswith("factor.")}
    z, custom = [], []
    for code, name in zip(codes, names):
        if code in by_code:
            level, score, reasons = by_code[code]
            z.append(CLASSES.index(level))
            custom.append([name, labels[f"level.{level}"], f"{score:g}", reasons_text(reasons, factors)])
        else:
            z.append(0)
            custom.append([name, labels["none"], "0", ""])
    return {"locations": list(codes), "z": z, "zmin": -0.5, "zmax": 3.5, "colorscale": SCALE, "customdata": custom,
            "hovertemplate": f"%{{customdata[0]}}<br>%{{customdata[1]}} · {labels['score']} %{{customdata[2]}}"
                             "<br>%{customdata[3]}<extra></extra>"}


def legend(z, labels: dict) -> list[tuple[str, str, int]]:
    """(colour, level, number of communities) per risk class, highest first, for z from choropleth_props."""
    counts = [list(z).count(i) for i in range(len(CLASSES))]
    colours = (NONE_COLOUR, *(LEVEL_COLOURS[lv] for lv in CLASSES[1:]))
    names = (labels["none"], *(labels[f"level.{lv}"] for lv in CLASSES[1:]))
    return list(zip(colours, names, counts))[::-1]


def choropleth(geojson_url: str, areas: pd.DataFrame, scores: pd.DataFrame, labels: dict, visible: bool = True
               ) -> go.Choroplethmap:
    """The communities of `areas` (code, name) coloured by risk level (choropleth_props)."""
    props = choropleth_props(areas["code"].tolist(), areas["name"].tolist(), scores, labels)
    return go.Choroplethmap(geojson=geojson_url, featureidkey="id", showscale=False, name="risk", visible=visible,
                            marker={"line": LINE, "opacity": 0.75}, **props)


def case_points(frame: pd.DataFrame, places, kind: str, label: str, latest_label: str,
                visible: bool = True, at=None) -> dict:
    """Confirmed cases of `kind` (imported or local; risk_cases rows) counted per area (places:
    layers.points.area_points) as one point layer: count and latest confirmation day on hover, no case id, no
    person, no address. `at`: each row's place (layers.points.positions), by default its community's."""
    pick = (frame["kind"] == kind).to_numpy()
    where = points.positions(places, frame["community_code"]) if at is None else np.asarray(at)
    counts = points.tally(places, where[pick], frame["confirmed_on"][pick])
    return points.place_counts(counts, label, CASE_COLOURS[kind], latest_label, visible=visible)


def cases_by_place(frame: pd.DataFrame, places, labels: dict[str, str], latest_label: str,
                   visible=(True, True), at=None) -> list[dict]:
    """case_points for both kinds, imported and local, always both (possibly empty) so a page can toggle them
    by position. visible: (imported, local)."""
    return [case_points(frame, places, kind, labels[kind], latest_label, shown, at)
            for kind, shown in zip(CASE_COLOURS, visible)]


def cases(frame: pd.DataFrame, labels: dict[str, str], visible: bool = True) -> list[go.Scattermap]:
    """Confirmed cases (risk_cases rows) as two layers, imported and local, always both (possibly empty) so a
    page can toggle them by position."""
    traces = []
    for kind, colour in CASE_COLOURS.items():
        rows = frame[frame["kind"] == kind].dropna(subset=["lon", "lat"])
        traces.append(go.Scattermap(
            lon=rows["lon"], lat=rows["lat"], mode="markers", name=labels[kind], visible=visible,
            marker={"size": 13, "color": colour, "symbol": "circle", "opacity": 0.9},
            customdata=list(zip(rows["case_id"], rows["confirmed_on"].astype(str).str[:10],
                                rows["community"].fillna(""))),
            hovertemplate=f"{labels[kind]} %{{customdata[0]}}<br>%{{customdata[1]}} · %{{customdata[2]}}"
                          "<extra></extra>"))
    return traces
