"""Area layers (districts, townships, communities): a choropleth over served GeoJSON, coloured by classes."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from layers.classes import Classes, choropleth_colours

LINE = {"color": "#607d8b", "width": 0.8}


def choropleth_props(codes: list[str], names: list[str], values, classes: Classes, label: str,
                     notes: list[str] | None = None) -> dict:
    """The choropleth properties that change with data: locations, class index, value, colours, hover (with a
    line of `notes`, one per area, when given). Plain lists (no frames): this runs on every recolour."""
    values = [int(v) for v in values]
    hover = f"%{{customdata[0]}}<br>{label}: %{{customdata[1]:,}}"
    if notes is None:
        custom = [[n, v] for n, v in zip(names, values)]
    else:
        custom = [[n, v, x] for n, v, x in zip(names, values, notes)]
        hover += "<br>%{customdata[2]}"
    return {"locations": list(codes), "z": classes.index(values).tolist(), "customdata": custom,
            "hovertemplate": hover + "<extra></extra>", **choropleth_colours(classes)}


def choropleth(geojson_url: str, props: dict) -> go.Choroplethmap:
    """Areas drawn from the GeoJSON at `geojson_url` (feature id = code), with choropleth_props."""
    return go.Choroplethmap(geojson=geojson_url, featureidkey="id", marker={"line": LINE, "opacity": 0.85},
                            showscale=False, name="areas", **props)


def outline(geojson_url: str, codes: list[str], names: list[str], highlight: str | None = None) -> dict:
    """Areas as plain outlines (one highlighted) named on hover, for context under point layers: a plain
    choroplethmap trace (drawn on every community change: plotly's validated object costs more)."""
    return {"type": "choroplethmap", "geojson": geojson_url, "featureidkey": "id", "locations": list(codes),
            "customdata": list(names), "z": [1 if c == highlight else 0 for c in codes], "zmin": 0, "zmax": 1,
            "colorscale": [[0, "#f7f9fa"], [1, "#ffe0b2"]], "showscale": False,
            "marker": {"line": LINE, "opacity": 0.9}, "hovertemplate": "%{customdata}<extra></extra>",
            "name": "areas"}


def labels(places, size: int = 12) -> dict:
    """The areas' names at a point inside each (places: layers.points.area_points), as a plain text trace. It
    takes no hover and no click (those belong to the areas under it); maplibre hides names that would overlap
    and draws them from the browser's fonts (layers.basemap.STYLE has no glyph server)."""
    return {"type": "scattermap", "mode": "text", "name": "labels", "hoverinfo": "skip",
            "lon": list(places["lon"]), "lat": list(places["lat"]), "text": list(places["name"]),
            "textfont": {"size": size, "color": "#102027"}, "textposition": "middle center"}


def feature_collection(areas: pd.DataFrame, values: dict[str, list]) -> dict:
    """GeoJSON of the areas (areas rows, with WKB) carrying each metric's values (metric -> one per area)."""
    props = areas[["code", "name"]].copy()
    for metric, column in values.items():
        props[metric] = [int(v) for v in column]
    geoms = shapely.from_wkb([bytes(w) for w in areas["wkb"]])
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": p["code"], "properties": p, "geometry": json.loads(shapely.to_geojson(g))}
        for p, g in zip(props.astype(object).to_dict("records"), geoms)]}


def shapes(areas: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """(codes, geometries) of areas rows with WKB, for area_at (parse once, look up on every click)."""
    return areas["code"].tolist(), shapely.from_wkb(np.asarray([bytes(w) for w in areas["wkb"]], dtype=object))


def area_at(found: tuple[list[str], np.ndarray], lon: float, lat: float) -> str | None:
    """The code of the area (of `shapes`) that holds the point lon/lat, None when none does."""
    codes, geoms = found
    hit = np.flatnonzero(shapely.contains_xy(geoms, float(lon), float(lat)))
    return codes[hit[0]] if len(hit) else None
