"""Fast vectorised point -> community lookup with a regular grid index over the city's bbox.

Grid cells wholly inside one community answer by array lookup; points in cells crossed by a border are
tested against that cell's few candidate polygons (prepared shapely.intersects_xy).
"""
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

_OUTSIDE, _BORDER = -1, -2


class Locator:
    """Community codes for lon/lat points (None outside the city); build once per communities frame."""

    def __init__(self, communities: gpd.GeoDataFrame, cell: float = 0.005):
        self.codes = communities["code"].to_numpy(dtype=object)
        self._parents = pd.DataFrame({"t": communities["township_code"].to_numpy(dtype=object),
                                      "d": communities["district_code"].to_numpy(dtype=object)},
                                     index=pd.Index(self.codes))
        self._geoms = np.array(communities.geometry.to_numpy(), dtype=object)
        shapely.prepare(self._geoms)
        x0, y0, x1, y1 = communities.total_bounds
        self._origin, self._cell = (x0, y0), cell
        self._nx, self._ny = int(np.ceil((x1 - x0) / cell)) + 1, int(np.ceil((y1 - y0) / cell)) + 1
        self._index()

    def _index(self) -> None:
        """Per cell: the community containing it, _OUTSIDE, or _BORDER with a CSR list of candidates."""
        iy, ix = np.divmod(np.arange(self._nx * self._ny), self._nx)
        xs, ys = self._origin[0] + ix * self._cell, self._origin[1] + iy * self._cell
        boxes = shapely.box(xs, ys, xs + self._cell, ys + self._cell)
        cell_i, geom_i = shapely.STRtree(self._geoms).query(boxes)  # bbox candidates
        inside = shapely.contains(self._geoms[geom_i], boxes[cell_i])
        self._lookup = np.full(len(boxes), _OUTSIDE, dtype=np.int32)
        self._lookup[cell_i[inside]] = geom_i[inside]
        rest = ~np.isin(cell_i, cell_i[inside])
        cell_i, geom_i = cell_i[rest], geom_i[rest]
        touch = shapely.intersects(self._geoms[geom_i], boxes[cell_i])
        cell_i, geom_i = cell_i[touch], geom_i[touch]  # sorted by cell, then by community
        self._lookup[cell_i] = _BORDER
        self._start = np.searchsorted(cell_i, np.arange(len(boxes) + 1))
        self._candidates = geom_i

    def locate(self, lon, lat) -> np.ndarray:
        """Community code per point (object array, None outside the city)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        ix = np.floor((lon - self._origin[0]) / self._cell)
        iy = np.floor((lat - self._origin[1]) / self._cell)
        ok = (ix >= 0) & (ix < self._nx) & (iy >= 0) & (iy < self._ny)  # also False for NaN
        cell = np.where(ok, iy * self._nx + ix, 0).astype(np.int64)
        hit = np.where(ok, self._lookup[cell], _OUTSIDE)
        border = np.flatnonzero(hit == _BORDER)
        if len(border):
            hit[border] = self._test(border, cell[border], lon[border], lat[border])
        out = np.full(len(hit), None, dtype=object)
        found = hit >= 0
        out[found] = self.codes[hit[found]]
        return out

    def _test(self, points: np.ndarray, cells: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Exact test of border-cell points against their cell's candidates; first hit wins."""
        start, count = self._start[cells], self._start[cells + 1] - self._start[cells]
        pt = np.repeat(np.arange(len(points)), count)
        offset = np.arange(len(pt)) - np.repeat(np.cumsum(count) - count, count)
        cand = self._candidates[np.repeat(start, count) + offset]
        inside = shapely.intersects_xy(self._geoms[cand], lon[pt], lat[pt])
        first_pt, first = np.unique(pt[inside], return_index=True)
        result = np.full(len(points), _OUTSIDE, dtype=np.int64)
        result[first_pt] = cand[inside][first]
        return result

    def codes_for(self, community_codes) -> tuple[np.ndarray, np.ndarray]:
        """(township codes, district codes) for community codes; None where the code is None or unknown."""
        rows = self._parents.reindex(pd.Index(np.asarray(community_codes, dtype=object)))
        rows = rows.astype(object).where(rows.notna(), None)
        return rows["t"].to_numpy(dtype=object), rows["d"].to_numpy(dtype=object)
