"""Point layers: joint checkpoints, quarantine sites, residences of people in the loop, and counts per place
(aggregates that carry no person: the leadership's alert and case layers)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

CHECKPOINT = "#1565c0"
SITE = "#2e7d32"
STAGE_COLOURS = {"abroad": "#6a1b9a", "entered": "#1565c0", "arrived": "#00838f", "measures": "#9e9d24",
                 "in_quarantine": "#d84315", "released": "#2e7d32"}


def sizes(volume: pd.Series, smallest: float = 7, largest: float = 34) -> list[float]:
    """Marker diameters with area proportional to volume."""
    v = np.asarray(volume, dtype=float)
    top = v.max() if len(v) and v.max() > 0 else 1.0
    return (smallest + (largest - smallest) * np.sqrt(v / top)).round(1).tolist()


def checkpoints(frame: pd.DataFrame, labels: tuple[str, str, str], sized: bool = False, visible: bool = True,
                volumes: bool = True) -> go.Scattermap:
    """Checkpoints (AppContext.checkpoint_totals rows), sized by vehicles + persons checked when `sized`, their volumes
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


def residences(frame: pd.DataFrame, stage_labels: dict[str, str]) -> list[dict]:
    """One trace per stage: the residences of people in the loop (loop_people rows), coloured by stage, as plain
    scattermap traces (built on every community or date change: plotly's validated objects cost more than
    the rest)."""
    stage = frame["stage"].to_numpy(dtype=object)
    lon, lat = frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    ids, names = frame["person_id"].tolist(), frame["name"].tolist()
    traces = []
    for name, colour in STAGE_COLOURS.items():
        rows = np.flatnonzero(stage == name)
        if not len(rows):
            continue
        traces.append({"type": "scattermap", "lon": lon[rows].tolist(), "lat": lat[rows].tolist(),
                       "mode": "markers", "name": stage_labels[name],
                       "marker": {"size": 11, "color": colour, "opacity": 0.85},
                       "customdata": [[ids[i], names[i]] for i in rows],
                       "hovertemplate": f"%{{customdata[1]}} · {stage_labels[name]}<extra></extra>"})
    return traces


def area_points(areas: pd.DataFrame) -> dict[str, np.ndarray]:
    """Columns code, name, lon, lat (plain arrays: they are indexed on every date change) of a point inside each
    area (areas rows with WKB): where counts per area are drawn. Rounded to 5 decimals (about a metre): the
    point stands for the area, not for anybody's address."""
    geoms = shapely.point_on_surface(shapely.from_wkb(np.asarray([bytes(w) for w in areas["wkb"]], dtype=object)))
    return {"code": areas["code"].to_numpy(dtype=object), "name": areas["name"].to_numpy(dtype=object),
            "lon": shapely.get_x(geoms).round(5), "lat": shapely.get_y(geoms).round(5)}


PLACE_COLUMNS = ("place", "lon", "lat", "count", "latest", "detail")


def positions(places, codes) -> np.ndarray:
    """The row of places (area_points) of each code, -1 where none."""
    return pd.Index(np.asarray(places["code"], dtype=object)).get_indexer(np.asarray(codes, dtype=object))


def tally(places, where, when, kinds=None, kind_labels: dict[str, str] | None = None) -> dict[str, list]:
    """Rows counted per place (PLACE_COLUMNS as plain lists, places with any row only): each row given by its
    place (`where`: rows of places (area_points) from `positions`, -1 = none, left out), its date (`when`) and,
    with `kind_labels` (kind -> label, in the order to list them), its kind: `detail` then says how many of
    each. Plain arrays (this runs on every date change): nothing but the place, count, latest date and kinds is
    kept."""
    index = np.asarray(where, dtype=np.int64)
    order = list(kind_labels or {None: ""})
    kind = (pd.Index(order).get_indexer(np.asarray(kinds, dtype=object)) if kind_labels
            else np.zeros(len(index), dtype=np.int64))
    when = pd.Series(when)
    when = when if pd.api.types.is_datetime64_any_dtype(when) else pd.to_datetime(when)
    days = np.asarray(when.to_numpy(), dtype="datetime64[D]").astype(np.int64)
    ok = (index >= 0) & (kind >= 0)
    index, kind, days = index[ok], kind[ok], days[ok]
    size = len(places["code"])
    counts = np.bincount(index * len(order) + kind, minlength=size * len(order)).reshape(size, -1)
    latest = np.full(size, np.iinfo(np.int64).min)
    np.maximum.at(latest, index, days)
    keep = np.flatnonzero(counts.sum(axis=1))
    detail = ([" · ".join(f"{kind_labels[k]} {n:,}" for k, n in zip(order, row) if n) for row in counts[keep].tolist()]
              if kind_labels else [""] * len(keep))
    return {"place": np.asarray(places["name"], dtype=object)[keep].tolist(),
            "lon": np.asarray(places["lon"])[keep].tolist(), "lat": np.asarray(places["lat"])[keep].tolist(),
            "count": counts[keep].sum(axis=1).tolist(),
            "latest": np.datetime_as_string(latest[keep].astype("datetime64[D]")).tolist(), "detail": detail}


def place_counts(frame, label: str, colour: str, latest_label: str, visible: bool = True) -> dict:
    """Counts per place (frame or mapping of PLACE_COLUMNS, as tally gives; detail may be ''), sized by count,
    as a plain scattermap trace
    (built on every date change: plotly's validated objects cost ten times more). Hover: the layer, the place,
    the count, the latest date and the detail — aggregates only, never a person, an id or an address, so the
    layer may be shown to anyone who sees the area."""
    return {"type": "scattermap", "mode": "markers", "name": label, "visible": visible,
            "lon": list(frame["lon"]), "lat": list(frame["lat"]),
            "marker": {"size": sizes(frame["count"], 8, 24), "color": colour, "opacity": 0.8},
            "customdata": [[p, int(n), d, x] for p, n, d, x in zip(frame["place"], frame["count"], frame["latest"],
                                                                     frame["detail"])],
            "hovertemplate": f"{label}<br>%{{customdata[0]}}: %{{customdata[1]:,}}<br>{latest_label} "
                             "%{customdata[2]}<br>%{customdata[3]}<extra></extra>"}
