"""Charts beside the map: daily counts, the closed-loop funnel, checkpoint volumes per day. Plain figure dicts:
building them through plotly's validated objects costs ten times more, in callbacks that run on every date."""
from __future__ import annotations

import pandas as pd

from layers.basemap import TEMPLATE

SERIES_COLOURS = {"abroad": "#6a1b9a", "entered": "#1565c0", "in_quarantine": "#d84315"}


def daily_counts(frame: pd.DataFrame, labels: dict[str, str]) -> dict:
    """Lines per day (frame: day, abroad, entered, in_quarantine): abroad on the right axis, the others left."""
    days = [str(d)[:10] for d in frame["day"]]
    traces = [{"type": "scatter", "mode": "lines", "x": days, "y": frame[key].astype(int).tolist(),
               "name": labels[key], "line": {"color": colour, "width": 2}, "yaxis": "y2" if key == "abroad" else "y"}
              for key, colour in SERIES_COLOURS.items()]
    return {"data": traces, "layout": {
        "template": TEMPLATE, "hovermode": "x unified", "height": 280,
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "xaxis": {"type": "date"}, "yaxis2": {"overlaying": "y", "side": "right", "showgrid": False,
                                              "title": {"text": labels["abroad"]}}}}


def funnel(stages: list[tuple[str, int]]) -> dict:
    """The closed loop as a funnel of (label, people) from abroad to released."""
    return {"data": [{"type": "funnel", "y": [s[0] for s in stages], "x": [int(s[1]) for s in stages],
                      "textinfo": "value",
                      "marker": {"color": ["#6a1b9a", "#1565c0", "#00838f", "#d84315", "#2e7d32"]}}],
            "layout": {"template": TEMPLATE, "height": 280, "margin": {"l": 110, "r": 16, "t": 16, "b": 16}}}


def checkpoint_days(frame: pd.DataFrame, labels: dict[str, str]) -> dict:
    """Vehicles and persons per checkpoint per day (checkpoint_daily rows) as two stacked heat maps."""
    days = sorted(frame["day"].unique())
    names = frame.drop_duplicates("checkpoint_id").set_index("checkpoint_id")["name"].sort_index()
    traces, layout = [], {"template": TEMPLATE, "height": 520, "annotations": []}
    for row, key in enumerate(("vehicles", "persons")):
        grid = frame.pivot(index="checkpoint_id", columns="day", values=key).reindex(index=names.index,
                                                                                     columns=days).fillna(0)
        axis = "" if row == 0 else "2"
        traces.append({"type": "heatmap", "z": grid.to_numpy().astype(int).tolist(), "x": [str(d)[:10] for d in days],
                       "y": names.tolist(), "xaxis": f"x{axis}", "yaxis": f"y{axis}", "colorscale": "Blues",
                       "showscale": False, "name": labels[key],
                       "hovertemplate": "%{y}<br>%{x}: %{z:,}<extra>" + labels[key] + "</extra>"})
        top = 1.0 if row == 0 else 0.46
        layout[f"yaxis{axis}"] = {"domain": [top - 0.44, top - 0.04], "automargin": True}
        layout[f"xaxis{axis}"] = {"anchor": f"y{axis}", "matches": "x" if row else None, "type": "date"}
        layout["annotations"].append({"text": labels[key], "x": 0.5, "y": top, "xref": "paper", "yref": "paper",
                                      "showarrow": False, "yanchor": "bottom"})
    return {"data": traces, "layout": layout}
