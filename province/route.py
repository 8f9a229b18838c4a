"""Which city of the province a record belongs to, from what the record itself says.

Tried in this order, the first that answers wins:
1. its point (lon, lat): the city whose communities contain it (one locator over every city's boundaries);
2. its district code: the city that has that district;
3. a site it names: a checkpoint, a quarantine site or an arrival point (station, airport) of one city's store;
4. its address: it names one city (贺州市 / 贺州) or a district name only one city has;
5. its person: a document number already routed to one city (earlier in the run, or in a city's store).
A record none of these place is not guessed: it is kept with its file, line, text and the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.locate import Locator
from ingest.readers import Parsed

UNROUTED = "city: none of the province's cities (no point, district, site, address or known document)"
SITE_COLUMNS = {"checkpoint_id": ("checkpoints", "checkpoint_id", "true"),
                "site_id": ("quarantine_sites", "site_id", "true"),
                "place": ("arrival_points", "name", "in_city")}
DOC_COLUMNS = ("resident_id", "doc_number")
_SQUEEZE = re.compile(r"[\s\-.]")


def documents(values: dict[str, list]) -> np.ndarray:
    """Per record its first document number, squeezed and upper-cased as identity matching does ('' if none)."""
    n = len(next(iter(values.values()), []))
    out = np.full(n, "", dtype=object)
    for column in reversed(DOC_COLUMNS):
        for i, v in enumerate(values.get(column) or [None] * n):
            if v and str(v).strip():
                out[i] = _SQUEEZE.sub("", str(v)).upper()
    return out


@dataclass
class Router:
    """The province's cities as their stores hold them, to route records by."""
    cities: list[str]
    locator: Locator                      # every city's communities
    city_of_district: dict[str, int]
    sites: dict[str, dict[str, int]]      # column -> value -> city (values in more than one city are left out)
    names: list[tuple[str, int]]          # text an address may hold -> city
    docs: dict[str, int]                  # document -> city, from the stores' persons

    @classmethod
    def from_stores(cls, readers: dict[str, object], names_zh: dict[str, str]) -> "Router":
        """From a read-only connection per city (name -> connection) and each city's Chinese name."""
        cities = list(readers)
        frames, districts, sites, docs = [], {}, {c: {} for c in SITE_COLUMNS}, {}
        for i, (city, conn) in enumerate(readers.items()):
            df = conn.execute("SELECT code, township_code, district_code, wkb FROM communities").df()
            frames.append(gpd.GeoDataFrame(df.drop(columns="wkb"), crs="EPSG:4326",
                                           geometry=shapely.from_wkb(df["wkb"].map(bytes).to_numpy())))
            for code, name in conn.execute("SELECT code, name FROM districts").fetchall():
                districts[code] = (i, name)
            for column, (table, key, condition) in SITE_COLUMNS.items():
                for (value,) in conn.execute(f"SELECT DISTINCT {key} FROM {table} WHERE {condition}").fetchall():
                    sites[column][value] = i if sites[column].get(value, i) == i else -1
            for (doc,) in conn.execute("SELECT DISTINCT doc_number FROM documents").fetchall():
                docs[doc] = i if docs.get(doc, i) == i else -1
        district_names = pd.Series({code: name for code, (_, name) in districts.items()})
        unique = district_names[~district_names.duplicated(keep=False)]
        names = [(names_zh[c], i) for i, c in enumerate(cities)] + \
                [(names_zh[c].removesuffix("市"), i) for i, c in enumerate(cities)] + \
                [(name, districts[code][0]) for code, name in unique.items()]
        return cls(cities, Locator(pd.concat(frames, ignore_index=True)),
                   {code: i for code, (i, _) in districts.items()},
                   {c: {v: i for v, i in m.items() if i >= 0} for c, m in sites.items()}, names,
                   {d: i for d, i in docs.items() if i >= 0})

    def route(self, parsed: Parsed) -> np.ndarray:
        """The city (index into `cities`) of each readable record, -1 where its own fields do not tell."""
        values = parsed.values
        n = len(parsed.lines)
        city = np.full(n, -1, dtype=np.int64)
        if "lon" in values and "lat" in values:
            lon = pd.to_numeric(pd.Series(values["lon"], dtype=object), errors="coerce").to_numpy(float)
            lat = pd.to_numeric(pd.Series(values["lat"], dtype=object), errors="coerce").to_numpy(float)
            _, district = self.locator.codes_for(self.locator.locate(lon, lat))
            city = self._fill(city, district, self.city_of_district)
        if "district_code" in values:
            city = self._fill(city, values["district_code"], self.city_of_district)
        for column, known in self.sites.items():
            if column in values:
                city = self._fill(city, values[column], known)
        if "address" in values:
            for i in np.flatnonzero(city < 0):
                address = values["address"][i] or ""
                found = {c for name, c in self.names if name in address}
                city[i] = found.pop() if len(found) == 1 else -1
        return city

    @staticmethod
    def _fill(city: np.ndarray, keys, known: dict) -> np.ndarray:
        todo = np.flatnonzero(city < 0)
        found = pd.Series(np.asarray(keys, dtype=object)[todo]).astype(str).str.strip().map(known)
        city[todo] = found.fillna(-1).to_numpy(np.int64)
        return city


def by_documents(city: np.ndarray, docs: np.ndarray, known: dict[str, int]) -> np.ndarray:
    """Route the records still without a city by their document: this file's routed records first teach
    `known` (updated in place), then the others look it up."""
    routed = (city >= 0) & (docs != "")
    known.update(zip(docs[routed].tolist(), city[routed].tolist()))
    todo = np.flatnonzero((city < 0) & (docs != ""))
    city = city.copy()
    city[todo] = [known.get(d, -1) for d in docs[todo]]
    return city


def split(parsed: Parsed, city: np.ndarray, count: int) -> tuple[list[Parsed | None], list[tuple[int, str, str]]]:
    """Each city's records of the file (None when it has none), and the records of no city plus the file's
    unreadable ones, as (line, reason, text)."""
    parts: list[Parsed | None] = []
    for c in range(count):
        rows = np.flatnonzero(city == c).tolist()
        parts.append(parsed.subset(rows) if rows else None)
    left = np.flatnonzero(city < 0).tolist()
    texts = parsed.texts()
    unrouted = [(parsed.lines[i], UNROUTED, texts[i]) for i in left] + list(parsed.rejects)
    return parts, sorted(unrouted)

