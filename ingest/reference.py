"""Write the city's reference geography into the store: boundaries (as WKB) and arrival points."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import shapely

from geo.boundaries import Boundaries
from geo.locate import Locator

ARRIVAL_POINTS = Path(__file__).resolve().parent.parent / "data" / "reference" / "arrival_points.csv"
LEVEL_COLUMNS = {
    "districts": ["code", "name", "generated"],
    "townships": ["code", "name", "district_code", "generated"],
    "communities": ["code", "name", "short_name", "kind", "township_code", "district_code", "generated"],
}


def write_reference(conn, boundaries: Boundaries) -> None:
    """Replace the boundary tables and arrival points in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        for level, columns in LEVEL_COLUMNS.items():
            gdf = getattr(boundaries, level)
            frame = pd.DataFrame(gdf[columns])
            if level == "communities":
                anchor = gdf.geometry.representative_point()
                frame["lon"], frame["lat"] = anchor.x.round(6), anchor.y.round(6)
            frame["wkb"] = shapely.to_wkb(gdf.geometry.to_numpy())
            conn.register("level_rows", frame)
            conn.execute(f"DELETE FROM {level}")
            conn.execute(f"INSERT INTO {level} BY NAME SELECT * FROM level_rows")
            conn.unregister("level_rows")
        _write_arrival_points(conn, boundaries)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _write_arrival_points(conn, boundaries: Boundaries) -> None:
    points = pd.read_csv(ARRIVAL_POINTS)
    locator = Locator(boundaries.communities)
    community = locator.locate(points["lon"].to_numpy(), points["lat"].to_numpy())
    townships, districts = locator.codes_for(community)
    points["community_code"], points["township_code"], points["district_code"] = community, townships, districts
    points["in_city"] = pd.notna(community)
    conn.register("point_rows", points)
    conn.execute("DELETE FROM arrival_points")
    conn.execute("INSERT INTO arrival_points BY NAME SELECT * FROM point_rows")
    conn.unregister("point_rows")
