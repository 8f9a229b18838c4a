"""The city's official code lists and real place coordinates, read from the files its configuration names
(settings.city(): the demo's are data/wuzhou/, NBS 2023 codes)."""
import re

import pandas as pd

import settings

# 社区居民委员会 / 社区居委会 / 社区委员会 / 社区居委员 -> 社区; 村委会 / 村民委员会 -> 村
_SUFFIX = re.compile(r"(社区)(?:居民委员会|居委会|居委员|委员会)?$|(村)(?:委会|民委员会)$")
_SEAT_KINDS = ("district_seat", "county_seat")


def _read(name: str, code_columns: tuple[str, ...]) -> pd.DataFrame:
    """The city's list `name` (districts, townships, communities, places; no places file: none)."""
    path = getattr(settings.city(), name)
    if path is None:
        return pd.DataFrame(columns=["name", "kind", "lon", "lat", "source"])
    return pd.read_csv(path, dtype={c: str for c in code_columns})


def short_name(name: str) -> str:
    """Community name without its committee suffix: 新兴社区居民委员会 -> 新兴社区, 某某村委会 -> 某某村."""
    return _SUFFIX.sub(lambda m: m.group(1) or m.group(2), name)


def districts() -> pd.DataFrame:
    """7 districts: code, name."""
    return _read("districts", ("code",))


def townships() -> pd.DataFrame:
    """66 townships: code, name, district_code, district_name, lon, lat (6 known), coord_source."""
    return _read("townships", ("code", "district_code"))


def communities() -> pd.DataFrame:
    """1015 communities: code, name, township_code, district_code, plus short_name and kind (社区/村)."""
    df = _read("communities", ("code", "township_code", "district_code"))
    df["short_name"] = df["name"].map(short_name)
    df["kind"] = df["short_name"].str.endswith("社区").map({True: "社区", False: "村"})
    return df


def places() -> pd.DataFrame:
    """11 real points (airport, city centre, seats, town centres): name, kind, lon, lat, source."""
    return _read("places", ())


def seats() -> dict[str, tuple[float, float]]:
    """District code -> (lon, lat) of its district/county seat."""
    pl = places()
    pl = pl[pl["kind"].isin(_SEAT_KINDS)]
    out = {}
    for code, name in districts().itertuples(index=False):
        row = pl[pl["name"].str.startswith(name)]
        if len(row) == 1:
            out[code] = (float(row["lon"].iloc[0]), float(row["lat"].iloc[0]))
    return out
