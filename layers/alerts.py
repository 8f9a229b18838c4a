"""Alert layers and the quarantine-monitoring charts: alerts as map points by kind, the funnel with its leaks,
hotel occupancy per day, the day-14 release calendar. Query rows in, Plotly traces / figure dicts out."""
from __future__ import annotations

import numpy as np
import pandas as pd

from layers import points as point_layer
from layers.basemap import DATE_AXIS, TEMPLATE

KIND_COLOURS = {"return": "#6a1b9a", "leak_arrival": "#ef6c00", "leak_quarantine": "#d84315",
                "leak_release": "#8d6e63", "leak_temperature": "#f9a825", "fever": "#c62828"}
ALERT_COLOUR = "#c2185b"            # apart from the orange-red classes of the areas under it
FUNNEL_COLOURS = ["#6a1b9a", "#1565c0", "#00838f", "#d84315", "#2e7d32"]


def points(frame: pd.DataFrame, kind_labels: dict[str, str], state_labels: dict[str, str],
           visible: bool = True) -> list[dict]:
    """One trace per alert kind present (alerts.with_state rows with lon/lat): where each alert is, its
    person (masked), state and detail on hover; customdata[0] is the alert id. Plain scattermap traces (built
    on every date change: plotly's validated objects cost more than the rest)."""
    lon, lat = frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    placed = ~(np.isnan(lon) | np.isnan(lat))
    kinds = frame["kind"].to_numpy(dtype=object)
    states = [state_labels.get(s, s) for s in frame["state"].tolist()] if "state" in frame else [""] * len(frame)
    custom = list(zip(frame["alert_id"].tolist(), frame["name"].fillna("").tolist(), states,
                      frame["detail"].fillna("").astype(str).tolist()))
    traces = []
    for kind, colour in KIND_COLOURS.items():
        rows = np.flatnonzero(placed & (kinds == kind))
        if not len(rows):
            continue
        label = kind_labels.get(kind, kind)
        raised = frame["raised_at"].iloc[rows].astype(str).str[:16]       # per kind: all at midnight reads as dates
        traces.append({"type": "scattermap", "lon": lon[rows].tolist(), "lat": lat[rows].tolist(),
                       "mode": "markers", "name": label, "visible": visible,
                       "marker": {"size": 10, "color": colour, "opacity": 0.85},
                       "customdata": [[*custom[i], when] for i, when in zip(rows, raised)],
                       "hovertemplate": f"{label}<br>%{{customdata[1]}} · %{{customdata[2]}}<br>%{{customdata[3]}}"
                                        "<br>%{customdata[4]}<extra></extra>"})
    return traces


def by_place(rows: pd.DataFrame, places, kind_labels: dict[str, str], at=None) -> dict[str, list]:
    """Alerts counted per place (layers.points.tally) from alert rows (kind, raised_at, community_code) and places
    (layers.points.area_points of the communities, or of other areas with `at`): how many,
    the latest day raised, and how many of each kind. `at`: each row's place (layers.points.positions), by
    default its community's. Rows with no place are left out; nothing about a person is kept."""
    where = point_layer.positions(places, rows["community_code"]) if at is None else at
    order = {k: kind_labels.get(k, k) for k in KIND_COLOURS}
    return point_layer.tally(places, where, rows["raised_at"], rows["kind"], order)


def place_points(rows: pd.DataFrame, places, kind_labels: dict[str, str], label: str,
                 latest_label: str, visible: bool = True, at=None) -> dict:
    """The alerts of `rows` as one point layer of counts per place (by_place): for leadership, no person."""
    return point_layer.place_counts(by_place(rows, places, kind_labels, at), label, ALERT_COLOUR, latest_label,
                                    visible)


def funnel_with_leaks(stages: list[tuple[str, int]], leaks: list[int], leak_label) -> dict:
    """The closed-loop funnel (label, people) with the leaks between consecutive stages written beside each
    stage: leaks[i] is lost between stages[i] and stages[i + 1]; leak_label(n) -> text."""
    text = [f"{int(n):,}" + (f"  ·  {leak_label(leaks[i])}" if i < len(leaks) and leaks[i] else "")
            for i, (_, n) in enumerate(stages)]
    return {"data": [{"type": "funnel", "y": [s[0] for s in stages], "x": [int(s[1]) for s in stages],
                      "text": text, "textinfo": "text", "marker": {"color": FUNNEL_COLOURS[:len(stages)]}}],
            "layout": {"template": TEMPLATE, "height": 280, "margin": {"l": 110, "r": 16, "t": 16, "b": 16}}}


def occupancy(frame: pd.DataFrame, label: str) -> dict:
    """Occupancy of each site per day (quarantine_occupancy rows) as a heat map of occupants / rooms, with the
    days over capacity outlined in red. Plain arrays (this runs on every date change)."""
    if frame.empty:
        return {"data": [], "layout": {"template": TEMPLATE, "height": 120}}
    days, day_at = np.unique(frame["day"].to_numpy(), return_inverse=True)
    sites, first, site_at = np.unique(frame["site_id"].to_numpy(dtype=object), return_index=True,
                                      return_inverse=True)
    names = frame["name"].to_numpy(dtype=object)[first]                     # each site's first name listed
    occ, cap = np.full((2, len(sites), len(days)), np.nan)
    occ[site_at, day_at] = frame["occupants"].to_numpy(dtype=float)
    cap[site_at, day_at] = frame["capacity"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(cap > 0, occ / cap, np.nan)
    rate = np.where(np.isnan(rate), 0, rate).round(3)
    x = [str(d)[:10] for d in days]
    custom = np.stack([occ, cap], axis=-1).astype(np.int64).tolist()
    traces = [{"type": "heatmap", "z": rate.tolist(), "x": x, "y": names.tolist(), "zmin": 0, "zmax": 1,
               "colorscale": [[0, "#f7f9fa"], [0.5, "#fdbb84"], [1, "#b30000"]], "customdata": custom,
               "colorbar": {"tickformat": ".0%", "thickness": 10}, "name": label,
               "hovertemplate": "%{y}<br>%{x}: %{customdata[0]:,} / %{customdata[1]:,}<extra></extra>"}]
    over = frame["over_capacity"].to_numpy(dtype=bool)
    if over.any():
        traces.append({"type": "scatter", "mode": "markers", "x": [str(d)[:10] for d in days[day_at[over]]],
                       "y": names[site_at[over]].tolist(), "hoverinfo": "skip", "showlegend": False,
                       "marker": {"symbol": "square-open", "size": 12, "color": "#d50000", "line": {"width": 2}}})
    return {"data": traces, "layout": {"template": TEMPLATE, "height": max(220, 26 * len(names) + 80),
                                       "xaxis": DATE_AXIS, "yaxis": {"automargin": True}}}


def release_calendar(frame: pd.DataFrame, labels: dict[str, str], kind_labels: dict[str, str]) -> dict:
    """Day-14 releases per day (quarantine_calendar rows): stacked bars of the quarantines due that day — released
    already, by kind, and not released yet (red) — so a bar's height is all that fall due; a line of the
    releases actually made each day. labels: due, due_open, released."""
    days, day_at = np.unique(frame["day"].to_numpy(), return_inverse=True)
    x = [str(d)[:10] for d in days]
    kinds = frame["kind"].to_numpy(dtype=object)
    done = (frame["due"] - frame["due_open"]).to_numpy()
    traces = []
    for kind, colour in (("hotel", "#1565c0"), ("home", "#00838f")):
        y = np.zeros(len(days), dtype=np.int64)
        y[day_at[kinds == kind]] = done[kinds == kind]
        traces.append({"type": "bar", "x": x, "y": y.tolist(), "marker": {"color": colour},
                       "name": f"{labels['due']} · {kind_labels.get(kind, kind)}"})
    total = {c: np.bincount(day_at, frame[c].to_numpy(dtype=float), len(days)).astype(np.int64).tolist()
             for c in ("due_open", "released")}
    traces.append({"type": "bar", "x": x, "y": total["due_open"], "name": labels["due_open"],
                   "marker": {"color": "#c62828"}})
    traces.append({"type": "scatter", "mode": "lines+markers", "x": x, "y": total["released"],
                   "name": labels["released"], "line": {"color": "#2e7d32", "width": 2}})
    return {"data": traces, "layout": {"template": TEMPLATE, "height": 300, "barmode": "stack",
                                       "hovermode": "x unified", "legend": {"orientation": "h", "y": 1.15, "x": 0},
                                       "xaxis": DATE_AXIS}}
