"""Place each accepted row in its community, township and district, once, at write time.

Points are located with the vectorised `geo.locate.Locator`; addresses with the gazetteer (placed at
the community's representative point); named places (stations, quarantine sites, checkpoints) by
joining their reference table. A row that must be placed and cannot be is rejected with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.boundaries import Boundaries
from geo.gazetteer import place_addresses
from geo.locate import Locator
from ingest.channels import Feed

PLACE_COLUMNS = ("place_lon DOUBLE", "place_lat DOUBLE", "community_code VARCHAR", "township_code VARCHAR",
                 "district_code VARCHAR")
JOINED = {   # feed.place -> (reference table, key in the table, key in the row, condition on the row)
    "arrival_point": ("arrival_points", "name", "place", "true"),
    "checkpoint": ("checkpoints", "checkpoint_id", "checkpoint_id", "true"),
    "site": ("quarantine_sites", "site_id", "site_id", "quarantine_kind = 'hotel'"),
}
REFERENCE_REASON = {"arrival_point": "place: unknown arrival point", "checkpoint": "checkpoint_id: unknown checkpoint",
                    "site": "site_id: unknown quarantine site"}


LEVELS = ("districts", "townships", "communities")
_BUILT: dict = {}        # the last CityGeo built in this process and the fingerprint of the geography it holds


@dataclass
class CityGeo:
    """The city's boundaries as the store holds them, with a locator built once."""
    boundaries: Boundaries
    locator: Locator
    community_points: pd.DataFrame   # code -> lon, lat (representative point)

    @classmethod
    def from_store(cls, conn) -> "CityGeo":
        """The store's boundaries; built once per process while the geography stays the same (a long-running
        intake ingests file after file: rebuilding took 0.5 s of a 10-row file's 0.6-1.0 s)."""
        fingerprint = conn.execute(" UNION ALL ".join(
            f"SELECT '{level}', count(*), sum(hash(code, wkb)) FROM {level}" for level in LEVELS)).fetchall()
        if _BUILT.get("fingerprint") != fingerprint:
            _BUILT.update(fingerprint=fingerprint, geo=cls._build(conn))
        return _BUILT["geo"]

    @classmethod
    def _build(cls, conn) -> "CityGeo":
        frames = {}
        for level in LEVELS:
            df = conn.execute(f"SELECT * FROM {level} ORDER BY code").df()
            if df.empty:
                raise RuntimeError("the store has no boundaries: run `python app.py demo` or `app.py geo` first")
            geometry = shapely.from_wkb(df.pop("wkb").map(bytes).to_numpy())
            frames[level] = gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")
        communities = frames["communities"]
        points = communities[["code", "lon", "lat"]].set_index("code")
        return cls(Boundaries(**frames), Locator(communities), points)

    def codes(self, communities: np.ndarray) -> pd.DataFrame:
        townships, districts = self.locator.codes_for(communities)
        return pd.DataFrame({"community_code": communities, "township_code": townships, "district_code": districts})


def place(conn, feed: Feed, geo: CityGeo) -> None:
    """Add place columns to temp table `checked` and reject rows that cannot be placed."""
    existing = {c.name for c in feed.columns}
    for column in PLACE_COLUMNS:
        if column.split()[0] not in existing:
            conn.execute(f"ALTER TABLE checked ADD COLUMN {column}")
    if feed.place in JOINED:
        _place_by_reference(conn, feed)
    if feed.place in ("point", "address", "site"):
        _place_geometrically(conn, feed, geo)


def _place_by_reference(conn, feed: Feed) -> None:
    table, key, column, condition = JOINED[feed.place]
    conn.execute(f"""
        UPDATE checked SET place_lon = t.lon, place_lat = t.lat, community_code = t.community_code,
            township_code = t.township_code, district_code = t.district_code
        FROM {table} t WHERE t.{key} = checked.{column} AND checked.reason = '' AND {condition}""")
    conn.execute(f"UPDATE checked SET reason = ? WHERE reason = '' AND {condition} AND community_code IS NULL"
                 f" AND {column} NOT IN (SELECT {key} FROM {table})", [REFERENCE_REASON[feed.place]])


def _place_geometrically(conn, feed: Feed, geo: CityGeo) -> None:
    has_point = feed.column("lon") is not None
    lon_lat = "lon, lat" if has_point else "NULL AS lon, NULL AS lat"
    address = "address" if feed.column("address") else "NULL AS address"
    skip = "AND NOT (quarantine_kind = 'hotel')" if feed.place == "site" else ""
    rows = conn.execute(f"SELECT line, {lon_lat}, {address} FROM checked WHERE reason = '' {skip}").df()
    if rows.empty:
        return
    lon = pd.to_numeric(rows["lon"], errors="coerce").to_numpy(dtype=float, copy=True)
    lat = pd.to_numeric(rows["lat"], errors="coerce").to_numpy(dtype=float, copy=True)
    with_point = ~(np.isnan(lon) | np.isnan(lat))
    community = np.full(len(rows), None, dtype=object)
    if with_point.any():
        community[with_point] = geo.locator.locate(lon[with_point], lat[with_point])
    by_address = ~with_point & rows["address"].notna().to_numpy()
    if by_address.any():
        community[by_address] = place_addresses(rows.loc[by_address, "address"].tolist(), geo.boundaries)
        anchor = geo.community_points.reindex(community[by_address])
        lon[by_address], lat[by_address] = anchor["lon"].to_numpy(), anchor["lat"].to_numpy()
    placed = geo.codes(community)
    placed.insert(0, "line", rows["line"].to_numpy())
    placed["place_lon"], placed["place_lat"] = lon, lat
    placed["reason"] = np.select(
        [pd.notna(community), with_point, by_address],
        ["", "lon/lat: outside the city", "address: cannot be placed"],
        "location: missing (neither coordinates nor address)")
    conn.register("placed_rows", placed)
    conn.execute("""
        UPDATE checked SET place_lon = p.place_lon, place_lat = p.place_lat, community_code = p.community_code,
            township_code = p.township_code, district_code = p.district_code, reason = p.reason
        FROM placed_rows p WHERE checked.line = p.line""")
    conn.unregister("placed_rows")
