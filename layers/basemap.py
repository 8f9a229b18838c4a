"""The map's frame: an offline base style, an optional intranet tile layer, and views fitted to areas."""
from __future__ import annotations

import math

import numpy as np
import shapely

# A background only, and no `glyphs` URL: plotly's "white-bg" names a glyph server on the internet, while without
# one maplibre draws text (the area names) from the browser's own fonts, offline.
# (plotly drops an empty `sources` object when it redraws, which maplibre refuses: hence one empty source.)
STYLE = {"version": 8, "sources": {"none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
         "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}]}
CONTEXT_LINE = "#90a4ae"
# A date axis in either language: numeric months and days (plotly's own would name months in English), the
# hover's day in ISO form (read alike in zh-CN and en).
DATE_AXIS = {"type": "date", "tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"}
MAP_PX = (900, 620)             # the map's usual size in pixels, for fitting a view
FONT = "Noto Sans CJK SC, Noto Sans CJK, Microsoft YaHei, sans-serif"
TEMPLATE = {"layout": {   # a small template of our own instead of plotly's default (kilobytes in every figure)
    "font": {"family": FONT, "size": 12, "color": "#263238"}, "paper_bgcolor": "white", "plot_bgcolor": "white",
    "margin": {"l": 48, "r": 16, "t": 36, "b": 36}, "colorway": ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828"],
    "xaxis": {"gridcolor": "#eceff1", "zeroline": False}, "yaxis": {"gridcolor": "#eceff1", "zeroline": False},
    "hoverlabel": {"font": {"family": FONT}}}}


def bounds_of(wkbs) -> tuple[float, float, float, float]:
    """The bounding box (min lon, min lat, max lon, max lat) of WKB geometries."""
    geoms = shapely.from_wkb(np.asarray([bytes(w) for w in wkbs], dtype=object))
    return tuple(float(v) for v in shapely.total_bounds(geoms))


def fit(bounds: tuple[float, float, float, float], px: tuple[int, int] = MAP_PX) -> dict:
    """center and zoom showing `bounds` whole in a map of `px` pixels (Web Mercator, 512 px tiles)."""
    x0, y0, x1, y1 = bounds

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(x1 - x0, 1e-6)
    dy = max(merc(y1) - merc(y0), 1e-8)
    zoom = min(math.log2(px[0] * 360 / (512 * dx)), math.log2(px[1] * 2 * math.pi / (512 * dy))) - 0.25
    lat = math.degrees(2 * math.atan(math.exp((merc(y0) + merc(y1)) / 2)) - math.pi / 2)
    return {"center": {"lon": (x0 + x1) / 2, "lat": lat}, "zoom": round(zoom, 2)}


def base_layers(tile_url: str | None = None, outlines: list[str] = ()) -> list[dict]:
    """What the map draws under our traces: the optional intranet raster tiles, then outlines of whole levels
    (GeoJSON URLs, the coarsest first and thickest) so that the areas around the shown ones keep their shape on
    screen; drawn by the map from the served files, never sent in a callback."""
    tiles = [{"sourcetype": "raster", "source": [tile_url], "below": "traces"}] if tile_url else []
    return tiles + [{"sourcetype": "geojson", "source": url, "type": "line", "color": CONTEXT_LINE,
                     "line": {"width": 1.6 - 0.6 * i}, "below": "traces"} for i, url in enumerate(outlines)]


def map_layout(view: dict, tile_url: str | None = None, revision: str = "", outlines: list[str] = ()) -> dict:
    """Layout for a map figure: offline style, base_layers, the view."""
    return {"template": TEMPLATE, "map": {"style": STYLE, "layers": base_layers(tile_url, outlines), **view},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False, "uirevision": revision,
            "clickmode": "event"}
