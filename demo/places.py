"""Where things are: homes and their addresses, checkpoints, quarantine hotels, lodgings, stations.

Every address is written "广西梧州市{区县}{乡镇街道}{社区/村}{门牌}" and checked with the gazetteer;
every point is drawn inside its community and checked with the locator after rounding, so ingest can
place all of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.gazetteer import place_addresses
from geo.locate import Locator
from geo.sample import sample_points

# share of registered residents (户籍) per district
DISTRICT_WEIGHTS = {"450403": 0.10, "450405": 0.07, "450406": 0.09, "450421": 0.12, "450422": 0.29,
                    "450423": 0.08, "450481": 0.25}
SEATS = {"450403": ("角嘴街道", "东兴街道", "富民街道", "城南街道", "城北街道"),
         "450405": ("大塘街道", "兴龙街道", "红岭街道"), "450406": ("龙圩镇",), "450421": ("石桥镇",),
         "450422": ("藤州镇",), "450423": ("蒙山镇",), "450481": ("岑城镇",)}
ROAD_SUFFIXES = ("路", "街", "一路", "二路", "大道", "巷")

# joint checkpoints: name, district, township, road, relative traffic, opening day, last day (None: open)
CHECKPOINTS = (
    ("梧州东收费站联合检测站", "万秀区", "城东镇", "G80广昆高速", 10, "2020-01-25", None),
    ("龙湖检测站", "万秀区", "龙湖镇", "G321国道", 5, "2020-01-25", None),
    ("夏郢粤桂界联合检测站", "万秀区", "夏郢镇", "S304省道", 3, "2020-01-26", "2020-04-12"),
    ("梧州西收费站联合检测站", "长洲区", "长洲镇", "G80广昆高速", 8, "2020-01-25", None),
    ("倒水检测站", "长洲区", "倒水镇", "S210省道", 3, "2020-01-27", "2020-04-12"),
    ("龙圩收费站联合检测站", "龙圩区", "龙圩镇", "G65包茂高速", 9, "2020-01-25", None),
    ("大坡收费站联合检测站", "龙圩区", "大坡镇", "G65包茂高速", 5, "2020-01-25", None),
    ("新地粤桂界联合检测站", "龙圩区", "新地镇", "G207国道", 4, "2020-01-25", None),
    ("广平检测站", "龙圩区", "广平镇", "S313省道", 2, "2020-01-28", "2020-04-05"),
    ("苍梧收费站联合检测站", "苍梧县", "石桥镇", "G78汕昆高速", 7, "2020-01-25", None),
    ("旺甫收费站联合检测站", "苍梧县", "旺甫镇", "G78汕昆高速", 4, "2020-01-25", None),
    ("沙头粤桂界联合检测站", "苍梧县", "沙头镇", "G321国道", 4, "2020-01-25", None),
    ("梨埠检测站", "苍梧县", "梨埠镇", "S304省道", 2, "2020-01-27", "2020-04-05"),
    ("京南检测站", "苍梧县", "京南镇", "G207国道", 2, "2020-01-27", "2020-04-12"),
    ("藤县收费站联合检测站", "藤县", "藤州镇", "G80广昆高速", 8, "2020-01-25", None),
    ("塘步收费站联合检测站", "藤县", "塘步镇", "G80广昆高速", 4, "2020-01-25", None),
    ("太平收费站联合检测站", "藤县", "太平镇", "G65包茂高速", 3, "2020-01-26", None),
    ("金鸡检测站", "藤县", "金鸡镇", "G324国道", 3, "2020-01-26", "2020-04-12"),
    ("濛江检测站", "藤县", "濛江镇", "S304省道", 2, "2020-01-28", "2020-04-05"),
    ("蒙山收费站联合检测站", "蒙山县", "蒙山镇", "S22梧贺高速", 5, "2020-01-25", None),
    ("黄村检测站", "蒙山县", "黄村镇", "G241国道", 2, "2020-01-27", "2020-04-12"),
    ("岑溪收费站联合检测站", "岑溪市", "岑城镇", "G65包茂高速", 8, "2020-01-25", None),
    ("马路收费站联合检测站", "岑溪市", "马路镇", "G65包茂高速", 4, "2020-01-25", None),
    ("水汶收费站联合检测站", "岑溪市", "水汶镇", "G65包茂高速", 3, "2020-01-25", None),
    ("筋竹粤桂界联合检测站", "岑溪市", "筋竹镇", "S305省道", 3, "2020-01-25", None),
    ("南渡粤桂界联合检测站", "岑溪市", "南渡镇", "G324国道", 3, "2020-01-26", None),
    ("归义检测站", "岑溪市", "归义镇", "S305省道", 2, "2020-01-27", "2020-04-12"),
)
# designated quarantine hotels: name, district, seat township, rooms
QUARANTINE_HOTELS = (
    ("梧州江滨商务酒店", "万秀区", "角嘴街道", 120), ("万秀城南假日酒店", "万秀区", "城南街道", 86),
    ("富民宾馆隔离点", "万秀区", "富民街道", 45), ("长洲岛度假酒店", "长洲区", "兴龙街道", 150),
    ("红岭商务酒店", "长洲区", "红岭街道", 64), ("龙圩新城酒店", "龙圩区", "龙圩镇", 98),
    ("苍梧石桥酒店", "苍梧县", "石桥镇", 72), ("藤州大酒店", "藤县", "藤州镇", 110),
    ("藤县东山商务酒店", "藤县", "藤州镇", 58), ("蒙山湄江酒店", "蒙山县", "蒙山镇", 40),
    ("岑溪城东酒店", "岑溪市", "岑城镇", 130), ("岑溪花园酒店", "岑溪市", "岑城镇", 66),
    ("岑溪南渡宾馆隔离点", "岑溪市", "南渡镇", 32),
)
LODGING_STEMS = ("西江", "鸳江", "骑楼", "白云山", "河东", "河西", "新兴", "南环", "湄江", "岑城", "藤州", "长洲",
                 "红岭", "富民", "冰泉", "珠山", "东正", "大中", "桂江", "龙母", "钱鉴", "北山", "登高", "江景")
LODGING_KINDS = ("商务酒店", "宾馆", "快捷酒店", "大酒店", "旅馆", "公寓酒店")


@dataclass
class Site:
    """A fixed place: checkpoint, quarantine hotel or lodging."""
    id: str
    name: str
    district: str
    community: str
    address: str
    lon: float
    lat: float
    road: str = ""
    rooms: int = 0
    weight: float = 1.0
    opened: np.datetime64 | None = None
    closed: np.datetime64 | None = None

    def open_on(self, day) -> bool:
        day = np.datetime64(day, "D")
        return self.opened <= day and (self.closed is None or day <= self.closed)


class City:
    """Communities, their names and a locator; draws homes, addresses and points that ingest can place."""

    def __init__(self, boundaries):
        self.gdf = boundaries.communities
        self.boundaries = boundaries
        self.locator = Locator(self.gdf)
        c = pd.DataFrame(self.gdf.drop(columns="geometry")).set_index("code")
        d = dict(zip(boundaries.districts["code"], boundaries.districts["name"]))
        t = dict(zip(boundaries.townships["code"], boundaries.townships["name"]))
        c["district_name"] = c["district_code"].map(d)
        c["township_name"] = c["township_code"].map(t)
        c["prefix"] = "广西梧州市" + c["district_name"] + c["township_name"] + c["short_name"]
        self.c = c
        self.district_codes = {name: code for code, name in d.items()}

    def codes_in(self, district: str | None = None, townships=None, kind: str | None = None) -> np.ndarray:
        c = self.c
        mask = np.ones(len(c), bool)
        if district:
            mask &= (c["district_code"] == district).to_numpy()
        if townships:
            mask &= c["township_name"].isin(townships).to_numpy()
        if kind:
            mask &= (c["kind"] == kind).to_numpy()
        return c.index[mask].to_numpy(dtype=object)

    def homes(self, rng: np.random.Generator, n: int, district: str | None = None) -> np.ndarray:
        """Home communities: districts by population share, urban 社区 four times as dense as villages."""
        c = self.c
        w = np.where(c["kind"] == "社区", 4.0, 1.0) * c["district_code"].map(DISTRICT_WEIGHTS).to_numpy()
        if district:
            w = w * (c["district_code"] == district).to_numpy()
        return rng.choice(c.index.to_numpy(dtype=object), n, p=w / w.sum())

    def addresses(self, rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
        """A street address inside each community; any the gazetteer would not place loses its road."""
        codes = np.asarray(codes, dtype=object)
        c = self.c.loc[codes]
        urban = (c["kind"] == "社区").to_numpy()
        stem = c["short_name"].str.slice(0, -2).to_numpy(dtype=object)
        road = stem + rng.choice(np.array(ROAD_SUFFIXES, dtype=object), len(codes))
        number = rng.integers(1, 260, len(codes)).astype(str).astype(object)
        group = rng.integers(1, 16, len(codes)).astype(str).astype(object)
        tail = np.where(urban, road + number + "号", group + "组" + np.where(rng.random(len(codes)) < 0.6,
                                                                        number + "号", ""))
        prefix = c["prefix"].to_numpy(dtype=object)
        out = prefix + tail
        wrong = place_addresses(list(out), self.boundaries) != codes
        out[wrong] = prefix[wrong] + number[wrong] + "号"
        return out

    def points(self, rng: np.random.Generator, codes) -> tuple[np.ndarray, np.ndarray]:
        """A point inside each community, rounded to 6 decimals and still inside it."""
        codes = np.asarray(codes, dtype=object)
        lon, lat = np.empty(len(codes)), np.empty(len(codes))
        todo = np.arange(len(codes))
        while len(todo):
            x, y = sample_points(self.gdf, codes[todo], rng)
            x, y = np.round(x, 6), np.round(y, 6)
            ok = self.locator.locate(x, y) == codes[todo]
            lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
            todo = todo[~ok]
        return lon, lat

    def district_of(self, codes) -> np.ndarray:
        return self.c.loc[np.asarray(codes, dtype=object), "district_code"].to_numpy(dtype=object)

    def _sites(self, rng, rows: list[tuple], urban: bool) -> list[Site]:
        """One Site per (id, name, district name or code, township, extra fields) in a community there."""
        communities = []
        for _, _, district, township, _ in rows:
            code = self.district_codes.get(district, district)
            pool = self.codes_in(code, (township,), "社区" if urban else None)
            communities.append(rng.choice(pool if len(pool) else self.codes_in(code, (township,))))
        lon, lat = self.points(rng, communities)
        addresses = self.addresses(rng, communities)
        return [Site(sid, name, c[:6], c, a, float(x), float(y), **kw)
                for (sid, name, _, _, kw), c, a, x, y in zip(rows, communities, addresses, lon, lat)]

    def checkpoints(self, rng: np.random.Generator) -> list[Site]:
        """The joint checkpoints, on rural roads of their township."""
        return self._sites(rng, [
            (f"KD{i:03d}", name, district, township,
             {"road": road, "weight": w, "opened": np.datetime64(opened),
              "closed": np.datetime64(closed) if closed else None})
            for i, (name, district, township, road, w, opened, closed) in enumerate(CHECKPOINTS, start=1)], False)

    def quarantine_hotels(self, rng: np.random.Generator) -> list[Site]:
        return self._sites(rng, [(f"GL{i:03d}", name, district, township, {"rooms": rooms})
                                 for i, (name, district, township, rooms) in enumerate(QUARANTINE_HOTELS, start=1)],
                           True)

    def lodgings(self, rng: np.random.Generator, n: int) -> list[Site]:
        """Ordinary hotels and guesthouses near the seats (more of them in the city districts); 旅馆编码
        is the district code and a serial."""
        share = {"450403": 8, "450405": 5, "450406": 3, "450421": 2, "450422": 4, "450423": 2, "450481": 4}
        district = rng.choice(list(share), n, p=np.array(list(share.values())) / sum(share.values()))
        names = rng.choice(np.array(LODGING_STEMS, dtype=object), n) + rng.choice(
            np.array(LODGING_KINDS, dtype=object), n)
        return self._sites(rng, [(f"{d}{i:04d}", name, d, rng.choice(SEATS[d]), {})
                                 for i, (name, d) in enumerate(zip(names, district), start=1)], True)
