"""Community risk as a choropleth (low / medium / high, the reasons on hover), and confirmed cases as two point
layers (imported, local). Scores come from loop.risk; labels from the page."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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


def choropleth(geojson_url: str, areas: pd.DataFrame, scores: pd.DataFrame, labels: dict, visible: bool = True
               ) -> go.Choroplethmap:
    """The communities of `areas` (code, name) coloured by risk level; areas with no score are 'none'.
    labels: level.<low|medium|high>, none, score, and factor.<name> for the reasons."""
    by_code = scores.set_index("community_code") if len(scores) else pd.DataFrame(columns=["score", "level",
                                                                                           "reasons"])
    factors = {k.split(".", 1)[1]: v for k, v in labels.items() if k.startswith("factor.")}
    z, custom = [], []
    for code, name in zip(areas["code"], areas["name"]):
        if code in by_code.index:
            row = by_code.loc[code]
            z.append(("low", "medium", "high").index(row["level"]) + 1)
            custom.append([name, labels[f"level.{row['level']}"], f"{row['score']:g}",
                           reasons_text(row["reasons"], factors)])
        else:
            z.append(0)
            custom.append([name, labels["none"], "0", ""])
    scale = [[0, NONE_COLOUR], [0.25, NONE_COLOUR], [0.25, LEVEL_COLOURS["low"]], [0.5, LEVEL_COLOURS["low"]],
             [0.5, LEVEL_COLOURS["medium"]], [0.75, LEVEL_COLOURS["medium"]], [0.75, LEVEL_COLOURS["high"]],
             [1, LEVEL_COLOURS["high"]]]
    return go.Choroplethmap(
        geojson=geojson_url, featureidkey="id", locations=list(areas["code"]), z=z, zmin=-0.5, zmax=3.5,
        colorscale=scale, showscale=False, marker={"line": LINE, "opacity": 0.75}, customdata=custom,
        name="risk", visible=visible,
        hovertemplate=f"%{{customdata[0]}}<br>%{{customdata[1]}} · {labels['score']} %{{customdata[2]}}"
                      "<br>%{customdata[3]}<extra></extra>")


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
