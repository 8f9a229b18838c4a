"""Classify area values into a few colour classes (quantile or natural breaks) and style a choropleth with them.

The choropleth's `z` is each area's class index (unambiguous at class edges, which integer counts often hit)
over a stepped colour scale; the value itself travels in customdata for the hover. A recolour changes only
z, customdata and the scale.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PALETTE = ("#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")   # light -> dark, one per class
EMPTY = "#f4f4f4"                                                  # every area is zero
METHODS = ("quantile", "natural")


@dataclass(frozen=True)
class Classes:
    """Class upper bounds (ascending) over `values`; class i spans (bounds[i-1], bounds[i]]."""
    lower: float
    bounds: tuple[float, ...]
    counts: tuple[int, ...]

    @property
    def colours(self) -> tuple[str, ...]:
        if self.bounds == (self.lower,):
            return (EMPTY,)
        picks = np.round(np.linspace(0, len(PALETTE) - 1, len(self.bounds))).astype(int)
        return tuple(PALETTE[i] for i in picks)

    def index(self, values) -> np.ndarray:
        """The class of each value."""
        return np.searchsorted(np.asarray(self.bounds), np.asarray(values, dtype=float), side="left")

    def legend(self) -> list[tuple[str, str, int]]:
        """(colour, value range, number of areas) per class; values are whole counts."""
        lows = (self.lower,) + tuple(b + 1 for b in self.bounds[:-1])
        spans = [f"{lo:,.0f}" if lo >= hi else f"{lo:,.0f}–{hi:,.0f}" for lo, hi in zip(lows, self.bounds)]
        return list(zip(self.colours, spans, self.counts))


def quantile_bounds(values: np.ndarray, k: int) -> list[float]:
    return list(np.quantile(values, np.linspace(0, 1, k + 1)[1:], method="inverted_cdf"))


def natural_bounds(values: np.ndarray, k: int) -> list[float]:
    """Jenks natural breaks: Fisher's exact minimum of within-class squared deviation, over the distinct
    values weighted by how often they occur (counts repeat a lot, so this stays small)."""
    x, w = np.unique(values.astype(float), return_counts=True)
    n, k = len(x), min(k, len(x))
    cum = [np.concatenate([[0.0], np.cumsum(a)]) for a in (w, w * x, w * x * x)]

    def sse(i, j):   # weighted squared deviation of x[i:j], vectorised over i
        m, s1, s2 = (c[j] - c[i] for c in cum)
        return s2 - s1 * s1 / m

    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            i = np.arange(c - 1, j)
            total = cost[c - 1, i] + sse(i, j)
            best = int(np.argmin(total))
            cost[c, j], back[c, j] = total[best], i[best]
    ends, j = [], n
    for c in range(k, 0, -1):
        ends.append(x[j - 1])
        j = back[c, j]
    return ends[::-1]


def classify(values, method: str = "quantile", k: int = len(PALETTE)) -> Classes:
    """Classes of `values` (counts) by `method` ('quantile' or 'natural'), at most k, never empty."""
    v = np.asarray(values, dtype=float)
    if v.size == 0 or v.max() == v.min():
        lower = float(v.min()) if v.size else 0.0
        return Classes(lower, (lower,), (int(v.size),))
    bounds = natural_bounds(v, k) if method == "natural" else quantile_bounds(v, k)
    bounds = sorted({float(b) for b in bounds})
    edges = np.searchsorted(np.asarray(bounds), v, side="left")
    counts = tuple(int(c) for c in np.bincount(edges, minlength=len(bounds)))
    return Classes(float(v.min()), tuple(bounds), counts)


def choropleth_colours(classes: Classes) -> dict:
    """zmin, zmax and a colour scale with one flat step per class index."""
    n = len(classes.bounds)
    scale = []
    for i, colour in enumerate(classes.colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return {"zmin": -0.5, "zmax": n - 0.5, "colorscale": scale}
