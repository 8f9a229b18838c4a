"""Point layers: joint checkpoints, quarantine sites and residences of people in the loop."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

CHECKPOINT = "#1565c0"
SITE = "#2e7d32"
STAGE_COLOURS = {"abroad": "#6a1b9a", "entered": "#1565c0", "arrived": "#00838f", "measures": "#9e9d24",
                 "in_quarantine": "#d84315", "released": "#2e7d32"}


def sizes(volume: pd.Series, smallest: float = 7, largest: float = 34) -> list[float]:
    """Marker diameters with area proportional to volume."""
    v = volume.to_numpy(dtype=float)
    top = v.max() if len(v) and v.max() > 0 else 1.0
    return (smallest + (largest - smallest) * np.sqrt(v / top)).round(1).tolist()


def checkpoints(frame: pd.DataFrame, labels: tuple[str, str, str], sized: bool = False, visible: bool = True,
                volumes: bool = True) -> go.Scattermap:
    """Checkpoints (checkpoint_totals rows), sized by vehicles + persons checked when `sized`, their volumes
    on hover when `volumes`. labels: (layer, vehicles, persons)."""
    layer, vehicles, persons = labels
    hover = f"{layer}: %{{customdata[0]}}"
    if volumes:
        hover += f"<br>{vehicles}: %{{customdata[1]:,}}<br>{persons}: %{{customdata[2]:,}}"
    return go.Scattermap(
        lon=frame["lon"], lat=frame["lat"], mode="markers", name=layer, visible=visible,
        marker={"size": sizes(frame["vehicles"] + frame["persons"]) if sized else 10, "color": CHECKPOINT,
                "opacity": 0.8},
        customdata=list(zip(frame["name"], frame["vehicles"].tolist(), frame["persons"].tolist())),
        hovertemplate=hover + "<extra></extra>")


def quarantine_sites(frame: pd.DataFrame, label: str, visible: bool = True,
                     occupancy: bool = True) -> go.Scattermap:
    """Designated quarantine sites (quarantine_sites rows), occupants / capacity on hover when `occupancy`."""
    hover = f"{label}: %{{customdata[0]}}" + ("<br>%{customdata[1]} / %{customdata[2]}" if occupancy else "")
    return go.Scattermap(
        lon=frame["lon"], lat=frame["lat"], mode="markers", name=label, visible=visible,
        marker={"size": 12, "color": SITE, "opacity": 0.85},
        customdata=list(zip(frame["name"], frame["occupants"].tolist(), frame["capacity"].tolist())),
        hovertemplate=hover + "<extra></extra>")


def residences(frame: pd.DataFrame, stage_labels: dict[str, str]) -> list[go.Scattermap]:
    """One trace per stage: the residences of people in the loop (loop_people rows), coloured by stage."""
    traces = []
    for stage, colour in STAGE_COLOURS.items():
        rows = frame[frame["stage"] == stage]
        if rows.empty:
            continue
        traces.append(go.Scattermap(
            lon=rows["lon"], lat=rows["lat"], mode="markers", name=stage_labels[stage],
            marker={"size": 11, "color": colour, "opacity": 0.85},
            customdata=list(zip(rows["person_id"].tolist(), rows["name"])),
            hovertemplate=f"%{{customdata[1]}} · {stage_labels[stage]}<extra></extra>"))
    return traces
