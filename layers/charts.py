"""Charts beside the map: daily counts, the closed-loop funnel, checkpoint volumes per day. Plain figure dicts:
building them through plotly's validated objects costs ten times more, in callbacks that run on every date."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from layers.basemap import DATE_AXIS, TEMPLATE

SERIES = ("entered", "abroad", "in_quarantine")                  # the metrics the panels read, per day
PANELS = ("new_entries", "entered", "abroad", "in_quarantine")   # one panel, one axis, one quantity each
PANEL_LABELS = (*PANELS, "average_7d", "as_of")                    # what daily_panels needs named
COLOURS = {"new_entries": "#90caf9", "average_7d": "#0d47a1", "entered": "#1565c0", "abroad": "#6a1b9a",
           "in_quarantine": "#d84315"}
GAP = 0.12                                                       # between the 2 x 2 panels, share of the figure


def integer_axis(peak: float, ticks: int = 4) -> dict:
    """A y axis counting people: from zero, a whole step of 1, 2 or 5 x 10^k (never 410.1 people)."""
    raw = max(float(peak), 1.0) / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * power for m in (1, 2, 5, 10) if m * power >= raw))
    return {"tickformat": ",d", "dtick": int(step), "tick0": 0, "rangemode": "tozero",
            "range": [0, max(float(peak), 1.0) * 1.1], "fixedrange": True}


def daily_panels(frame: pd.DataFrame, as_of, period: tuple, labels: dict[str, str]) -> dict:
    """Small multiples per day (frame: day, entered, abroad, in_quarantine, up to `as_of`), one quantity and
    axis each: new entries per day as bars with their 7-day average, entries cumulative, people abroad, people
    in quarantine. Every panel spans the whole `period` (start, end) so a replay grows the lines in a fixed
    frame, and marks the selected day `as_of`. labels: PANEL_LABELS -> text."""
    days = [str(d)[:10] for d in frame["day"]]
    new = np.diff(frame["entered"].to_numpy(dtype=np.int64), prepend=0)
    average = pd.Series(new, dtype=float).rolling(7, min_periods=7).mean()
    values = {"new_entries": new, "entered": frame["entered"], "abroad": frame["abroad"],
              "in_quarantine": frame["in_quarantine"]}
    traces, layout = [], {"template": TEMPLATE, "height": 400, "showlegend": False, "hovermode": "x unified",
                          "margin": {"l": 48, "r": 12, "t": 28, "b": 28}, "annotations": [], "shapes": []}
    span, start, end = (1 - GAP) / 2, str(period[0]), str(period[1])
    for i, panel in enumerate(PANELS):
        n = "" if i == 0 else str(i + 1)
        col, row = i % 2, i // 2
        x0, y1 = col * (span + GAP), 1 - row * (span + GAP)
        y = [int(v) for v in values[panel]]
        kind = {"type": "bar", "marker": {"color": COLOURS[panel]}} if panel == "new_entries" else \
            {"type": "scatter", "mode": "lines", "line": {"color": COLOURS[panel], "width": 2}}
        traces.append({**kind, "x": days, "y": y, "name": labels[panel], "xaxis": f"x{n}", "yaxis": f"y{n}",
                       "hovertemplate": "%{y:,d}"})
        if panel == "new_entries":
            traces.append({"type": "scatter", "mode": "lines", "x": days, "name": labels["average_7d"],
                           "y": [None if np.isnan(v) else float(v) for v in average],
                           "line": {"color": COLOURS["average_7d"], "width": 2}, "xaxis": "x", "yaxis": "y",
                           "hovertemplate": "%{y:,.1f}"})
        layout[f"xaxis{n}"] = {**DATE_AXIS, "range": [start, end], "domain": [round(x0, 6), round(x0 + span, 6)],
                               "anchor": f"y{n}", "fixedrange": True, **({"matches": "x"} if n else {})}
        layout[f"yaxis{n}"] = {**integer_axis(max(y, default=0)), "domain": [round(y1 - span, 6), round(y1, 6)], "anchor": f"x{n}"}
        title = f"<b>{labels[panel]}</b>" + (f" <span style='color:{COLOURS['average_7d']}'>— {labels['average_7d']}"
                                             "</span>" if panel == "new_entries" else "")
        layout["annotations"].append({"text": title, "x": x0, "y": y1, "xref": "paper",
                                      "yref": "paper", "xanchor": "left", "yanchor": "bottom", "showarrow": False})
        if row == 0:
            layout["shapes"].append({"type": "line", "xref": f"x{n}", "yref": "paper", "x0": str(as_of),
                                     "x1": str(as_of), "y0": 0, "y1": 1, "line": {"color": "#c62828",
                                                                                 "width": 1, "dash": "dot"}})
    layout["annotations"].append({"text": f"{labels['as_of']} {as_of}", "x": str(as_of), "xref": "x", "y": 1,
                                  "yref": "paper", "yanchor": "bottom", "xanchor": "left", "showarrow": False,
                                  "font": {"color": "#c62828", "size": 11}, "yshift": -14})
    return {"data": traces, "layout": layout}


def weekly_new(cumulative: pd.Series, label: str, colour: str = "#6d4c41") -> dict:
    """New counts per week (weeks from Monday, dated by their Monday) as bars, from a running total per day
    (index: days): the trend of a tally, in whole numbers."""
    new = pd.Series(np.diff(cumulative.to_numpy(dtype=np.int64), prepend=0), index=pd.DatetimeIndex(cumulative.index))
    weeks = new.resample("W-MON", label="left", closed="left").sum()
    y = [int(v) for v in weeks]
    return {"data": [{"type": "bar", "x": [str(d)[:10] for d in weeks.index], "y": y, "name": label,
                      "marker": {"color": colour}, "hovertemplate": "%{x}: %{y:,d}<extra></extra>"}],
            "layout": {"template": TEMPLATE, "height": 160, "margin": {"l": 40, "r": 8, "t": 24, "b": 28},
                       "title": {"text": label, "font": {"size": 12}, "x": 0, "xanchor": "left"},
                       "xaxis": {**DATE_AXIS, "fixedrange": True},
                       "yaxis": integer_axis(max(y, default=0), ticks=3)}}


def funnel(stages: list[tuple[str, int]]) -> dict:
    """The closed loop as a funnel of (label, people) from abroad to released."""
    return {"data": [{"type": "funnel", "y": [s[0] for s in stages], "x": [int(s[1]) for s in stages],
                      "texttemplate": "%{value:,}",
                      "marker": {"color": ["#6a1b9a", "#1565c0", "#00838f", "#d84315", "#2e7d32"]}}],
            "layout": {"template": TEMPLATE, "height": 280, "margin": {"l": 110, "r": 16, "t": 16, "b": 16}}}


def checkpoint_days(frame: pd.DataFrame, labels: dict[str, str]) -> dict:
    """Vehicles and persons per checkpoint per day (checkpoint_daily rows) as two stacked heat maps."""
    days = sorted(frame["day"].unique())
    names = frame.drop_duplicates("checkpoint_id").set_index("checkpoint_id")["name"].sort_index()
    traces, layout = [], {"template": TEMPLATE, "height": max(520, 2 * 16 * len(names) + 120), "annotations": []}
    for row, key in enumerate(("vehicles", "persons")):
        grid = frame.pivot(index="checkpoint_id", columns="day", values=key).reindex(index=names.index,
                                                                                     columns=days).fillna(0)
        axis = "" if row == 0 else "2"
        traces.append({"type": "heatmap", "z": grid.to_numpy().astype(int).tolist(), "x": [str(d)[:10] for d in days],
                       "y": names.tolist(), "xaxis": f"x{axis}", "yaxis": f"y{axis}", "colorscale": "Blues",
                       "showscale": False, "name": labels[key],
                       "hovertemplate": "%{y}<br>%{x}: %{z:,}<extra>" + labels[key] + "</extra>"})
        top = 1.0 if row == 0 else 0.46
        layout[f"yaxis{axis}"] = {"domain": [top - 0.44, top - 0.04], "automargin": True, "tickmode": "array",
                                  "tickvals": names.tolist(), "ticktext": names.tolist()}     # every station named
        layout[f"xaxis{axis}"] = {**DATE_AXIS, "anchor": f"y{axis}", "matches": "x" if row else None}
        layout["annotations"].append({"text": labels[key], "x": 0.5, "y": top, "xref": "paper", "yref": "paper",
                                      "showarrow": False, "yanchor": "bottom"})
    return {"data": traces, "layout": layout}
