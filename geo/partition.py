"""Split a polygon into plausible gap-free cells: seeded Voronoi, weighted Lloyd relaxation, fragment merging.

All overlays use a fixed precision grid so neighbouring cells share identical border vertices.
"""
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, Polygon

from geo.sample import uniform_in

GRID = 1e-9  # degrees (~0.1 mm)


def polygonal(geom) -> shapely.Geometry:
    """Polygonal part of a geometry (Polygon, MultiPolygon or an empty Polygon)."""
    parts = shapely.get_parts(shapely.get_parts(geom))  # flattens GeometryCollection > MultiPolygon
    parts = parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)]
    if len(parts) == 0:
        return Polygon()
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


def relax(zone, seeds: np.ndarray, fixed: np.ndarray, weight, rng, iterations: int = 3) -> np.ndarray:
    """Weighted Lloyd iterations on sample points of zone; fixed seeds do not move, all stay inside zone."""
    k = len(seeds)
    sx, sy = uniform_in(zone, max(2000, 80 * k), rng)
    w = weight(sx, sy)
    seeds = seeds.copy()
    for _ in range(iterations):
        d2 = (sx[:, None] - seeds[None, :, 0]) ** 2 + (sy[:, None] - seeds[None, :, 1]) ** 2
        owner = d2.argmin(axis=1)
        wsum = np.bincount(owner, w, k)
        mx = np.bincount(owner, w * sx, k) / np.where(wsum > 0, wsum, 1)
        my = np.bincount(owner, w * sy, k) / np.where(wsum > 0, wsum, 1)
        move = (wsum > 0) & ~fixed
        inside = shapely.contains_xy(zone, mx, my)
        for i in np.flatnonzero(move & ~inside):  # centroid fell outside a concave zone: nearest own sample
            own = np.flatnonzero(owner == i)
            j = own[((sx[own] - mx[i]) ** 2 + (sy[own] - my[i]) ** 2).argmin()]
            mx[i], my[i] = sx[j], sy[j]
        seeds[move] = np.column_stack([mx, my])[move]
    return seeds


def initial_seeds(zone, fixed_xy: list, weight, rng) -> tuple[np.ndarray, np.ndarray]:
    """Seeds for a zone: given points where known (and inside), else points drawn with density weight."""
    k = len(fixed_xy)
    sx, sy = uniform_in(zone, max(400, 20 * k), rng)
    p = weight(sx, sy)
    pick = rng.choice(len(sx), size=k, replace=False, p=p / p.sum())
    seeds = np.column_stack([sx[pick], sy[pick]])
    fixed = np.zeros(k, bool)
    for i, xy in enumerate(fixed_xy):
        if xy is not None and shapely.contains_xy(zone, *xy):
            seeds[i], fixed[i] = xy, True
    return seeds, fixed


def voronoi_cells(zone, seeds: np.ndarray) -> np.ndarray:
    """Voronoi cells of seeds clipped to zone, in seed order."""
    if len(seeds) == 1:
        return np.array([zone], dtype=object)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=zone, ordered=True)
    cells = shapely.get_parts(cells)
    if len(cells) != len(seeds):
        raise ValueError("duplicate Voronoi seeds")
    return shapely.intersection(cells, zone, grid_size=GRID)


def _give_to_neighbour(fragment, geoms: np.ndarray, owner: int) -> bool:
    """Merge fragment into the geometry sharing the longest border with it; False if none touches it."""
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms), fragment.boundary, grid_size=GRID))
    shared[owner] = 0
    j = int(shared.argmax())
    if shared[j] <= 0:
        return False
    geoms[j] = polygonal(shapely.union(geoms[j], fragment, grid_size=GRID))
    return True


def merge_fragments(geoms, anchors: np.ndarray) -> np.ndarray:
    """One part per geometry where possible: the part nearest its anchor point stays, other parts go to
    the neighbour sharing the longest border (a part touching no neighbour stays with its owner)."""
    geoms = np.array(geoms, dtype=object)
    strays = []
    for i, g in enumerate(geoms):
        parts = shapely.get_parts(g)
        if len(parts) > 1:
            keep = int(shapely.distance(parts, shapely.points(anchors[i])).argmin())
            geoms[i] = parts[keep]
            strays += [(i, p) for j, p in enumerate(parts) if j != keep]
    while strays:
        left = [(i, p) for i, p in strays if not _give_to_neighbour(p, geoms, i)]
        if len(left) == len(strays):
            for i, p in left:
                geoms[i] = polygonal(shapely.union(geoms[i], p, grid_size=GRID))
            break
        strays = left
    return geoms


def _blob(rng) -> Polygon:
    """An irregular roundish polygon around the origin (random low harmonics on a unit radius)."""
    theta = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    k = np.arange(2, 5)[:, None]
    amp = rng.uniform(0.05, 0.18, (3, 1))
    phase = rng.uniform(0, 2 * np.pi, (3, 1))
    r = 1 + (amp * np.cos(k * theta + phase)).sum(axis=0)
    return Polygon(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))


def core_zone(parent, centre, area: float, rng) -> shapely.Geometry:
    """The connected piece of an irregular blob around centre, clipped to parent, of about the given area."""
    shape = _blob(rng)
    scale = np.sqrt(area / shape.area)
    point = shapely.Point(centre)
    for _ in range(4):  # grow when clipping by the parent ate too much
        piece = affinity.translate(affinity.scale(shape, scale, scale, origin=(0, 0)), *centre)
        parts = shapely.get_parts(polygonal(shapely.intersection(piece, parent, grid_size=GRID)))
        core = parts[int(shapely.distance(parts, point).argmin())]
        if core.area >= 0.9 * area:
            break
        scale *= float(np.clip(np.sqrt(area / core.area), 1.0, 2.0))
    return core
