"""Figures for print (the briefing, pages/briefing.py): the map and the daily small multiples as SVG drawn by
matplotlib, with their text kept as text (the PDF renderer sets it in the CJK font, selectable and sharp)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")                       # no display: files only
import matplotlib.dates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from layers.basemap import CONTEXT_LINE  # noqa: E402
from layers.charts import COLOURS, PANELS  # noqa: E402

FONT = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
STYLE = {"font.family": FONT, "font.size": 8, "svg.fonttype": "none", "axes.spines.top": False,
         "axes.spines.right": False, "axes.edgecolor": "#90a4ae", "axes.titlesize": 8.5, "axes.titleweight": "bold"}


def svg(figure) -> str:
    """The figure as SVG text (without the XML prolog, to sit inside HTML)."""
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", pad_inches=0.02)
    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg"):]


def _patch(geom, **style) -> PathPatch:
    """A polygon or multipolygon as one matplotlib patch (holes kept: even-odd)."""
    vertices, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            vertices.append(xy)
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
    return PathPatch(MplPath(np.concatenate(vertices), codes), **style)


def map_svg(wkbs, colours: list[str], labels: pd.DataFrame, context_wkbs=(), size=(5.6, 4.4)) -> str:
    """The areas (WKB) filled in `colours`, their names at `labels` (lon, lat, name), the coarser level's outlines
    (`context_wkbs`) around them for context; lon/lat drawn with the aspect of the areas' mean latitude."""
    geoms = shapely.from_wkb([bytes(w) for w in wkbs])
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=size)
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        for geom in shapely.from_wkb([bytes(w) for w in context_wkbs]):
            ax.add_patch(_patch(geom, facecolor="none", edgecolor=CONTEXT_LINE, linewidth=1.0))
        for geom, colour in zip(geoms, colours):
            ax.add_patch(_patch(geom, facecolor=colour, edgecolor="#607d8b", linewidth=0.4, alpha=0.9))
        small = len(labels) > 30
        for lon, lat, name in zip(labels["lon"], labels["lat"], labels["name"]):
            ax.text(lon, lat, name, ha="center", va="center", fontsize=5 if small else 7.5, color="#102027")
        pad_x, pad_y = (x1 - x0) * 0.03, (y1 - y0) * 0.03
        ax.set_xlim(x0 - pad_x, x1 + pad_x)
        ax.set_ylim(y0 - pad_y, y1 + pad_y)
        ax.set_aspect(1 / np.cos(np.radians((y0 + y1) / 2)))
        ax.axis("off")
        return svg(figure)


def daily_svg(frame: pd.DataFrame, as_of, labels: dict[str, str], size=(5.6, 3.6)) -> str:
    """The overview's daily small multiples (layers.charts.daily_panels: frame day, entered, abroad,
    in_quarantine up to `as_of`) for print: new entries per day with the 7-day average, entries cumulative,
    people abroad, in quarantine; whole people on every axis, the day marked."""
    days = pd.to_datetime(frame["day"])
    new = np.diff(frame["entered"].to_numpy(dtype=np.int64), prepend=0)
    values = {"new_entries": new, "entered": frame["entered"], "abroad": frame["abroad"],
              "in_quarantine": frame["in_quarantine"]}
    whole = FuncFormatter(lambda v, _pos: f"{int(v):,}")
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(2, 2, figsize=size, sharex=True)
        for ax, panel in zip(axes.flat, PANELS):
            if panel == "new_entries":
                ax.bar(days, values[panel], color=COLOURS[panel], width=1.0)
                ax.plot(days, pd.Series(new, dtype=float).rolling(7, min_periods=7).mean(),
                        color=COLOURS["average_7d"], linewidth=1.2)
                ax.set_title(f"{labels[panel]} — {labels['average_7d']}", loc="left")
            else:
                ax.plot(days, values[panel], color=COLOURS[panel], linewidth=1.4)
                ax.set_title(labels[panel], loc="left")
            ax.axvline(pd.Timestamp(as_of), color="#c62828", linestyle=":", linewidth=1)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            ax.yaxis.set_major_formatter(whole)
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", color="#eceff1", linewidth=0.6)
        for ax in axes[-1]:
            ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%m-%d"))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        figure.tight_layout(h_pad=0.6, w_pad=0.8)
        return svg(figure)


def fill_colours(props: dict) -> list[str]:
    """Each area's fill as the map draws it: its `z` placed on the choropleth's stepped colour scale."""
    low, high, scale = props["zmin"], props["zmax"], props["colorscale"]
    out = []
    for z in props["z"]:
        at = (z - low) / (high - low)
        out.append(next((c for pos, c in reversed(scale) if pos <= at), scale[0][1]))
    return out
