"""Travel geography: destination countries and cities, ports of entry, flights and trains into Wuzhou."""
from __future__ import annotations

import numpy as np

# where Wuzhou people abroad are: (country, weight for a holiday trip, weight for a long stay, cities)
COUNTRIES = (
    ("马来西亚", 12, 20, ("吉隆坡", "槟城", "新山")), ("泰国", 22, 8, ("曼谷", "清迈", "普吉")),
    ("日本", 16, 9, ("东京", "大阪", "名古屋")), ("越南", 14, 7, ("河内", "胡志明市", "芒街")),
    ("新加坡", 10, 9, ("新加坡",)), ("韩国", 8, 5, ("首尔", "釜山")), ("美国", 3, 10, ("纽约", "洛杉矶", "旧金山")),
    ("英国", 0, 8, ("伦敦", "曼彻斯特", "伯明翰")), ("意大利", 2, 3, ("米兰", "罗马")),
    ("澳大利亚", 2, 6, ("悉尼", "墨尔本")), ("加拿大", 0, 4, ("温哥华", "多伦多")), ("新西兰", 0, 2, ("奥克兰",)),
    ("法国", 0, 2, ("巴黎",)), ("德国", 0, 2, ("柏林", "法兰克福")), ("柬埔寨", 4, 1, ("金边", "暹粒")),
    ("印度尼西亚", 4, 2, ("雅加达", "巴厘岛")), ("菲律宾", 3, 0, ("马尼拉",)), ("阿联酋", 0, 2, ("迪拜",)),
)
PERMIT_PLACES = (("中国香港", 0.8, ("香港",)), ("中国澳门", 0.2, ("澳门",)))
# ports of entry by region: (port, weight)
_ASEAN_AIR = (("广州白云机场", 65), ("南宁吴圩机场", 20), ("上海浦东机场", 10), ("北京首都机场", 5))
_FAR_AIR = (("广州白云机场", 40), ("上海浦东机场", 35), ("北京首都机场", 25))
PORTS = {
    "越南": (("东兴口岸", 40), ("凭祥友谊关口岸", 30), ("南宁吴圩机场", 20), ("广州白云机场", 10)),
    "日本": (("广州白云机场", 50), ("上海浦东机场", 35), ("北京首都机场", 15)),
    "韩国": (("广州白云机场", 50), ("上海浦东机场", 35), ("北京首都机场", 15)),
    "中国香港": (("罗湖口岸", 40), ("福田口岸", 30), ("深圳湾口岸", 30)),
    "中国澳门": (("珠海拱北口岸", 100),),
    **{c: _ASEAN_AIR for c in ("马来西亚", "泰国", "新加坡", "柬埔寨", "印度尼西亚", "菲律宾")},
}
FAR_PORTS = _FAR_AIR
TRANSPORT = {"深圳湾口岸": "汽车", "罗湖口岸": "步行", "福田口岸": "步行", "珠海拱北口岸": "步行", "东兴口岸": "步行",
             "凭祥友谊关口岸": "汽车"}
AIRLINES = {"马来西亚": ("MH", "AK", "CZ"), "泰国": ("TG", "FD", "CZ"), "日本": ("NH", "JL", "CZ", "MU"),
            "越南": ("VN", "VJ", "CZ"), "新加坡": ("SQ", "TR", "CZ"), "韩国": ("KE", "OZ", "CZ"),
            "美国": ("CZ", "UA", "AA", "MU"), "英国": ("BA", "CZ", "CA"), "意大利": ("CA", "MU"),
            "澳大利亚": ("CZ", "QF"), "加拿大": ("AC", "CZ"), "新西兰": ("NZ", "CZ"), "法国": ("AF", "CZ"),
            "德国": ("LH", "CA"), "柬埔寨": ("K6", "CZ"), "印度尼西亚": ("GA", "CZ"), "菲律宾": ("PR", "5J"),
            "阿联酋": ("EK", "CZ")}
# where a port's travellers board for Wuzhou, and the trains they take
PORT_CITY = {"广州白云机场": "广州南", "深圳湾口岸": "深圳北", "罗湖口岸": "深圳北", "福田口岸": "深圳北",
             "珠海拱北口岸": "珠海", "南宁吴圩机场": "南宁东", "东兴口岸": "南宁东", "凭祥友谊关口岸": "南宁东",
             "上海浦东机场": "上海浦东", "北京首都机场": "北京大兴"}
ROAD_FROM = {"广州南": "广东广州", "深圳北": "广东深圳", "珠海": "广东珠海", "南宁东": "广西南宁"}
TRAINS = {"广州南": ("D3626", "D3618", "D3602", "D3630", "D3766", "D3638", "G2906", "D3652"),
          "深圳北": ("D2360", "D2386", "D2376", "D1816"), "珠海": ("D7106", "D7122"),
          "南宁东": ("D3625", "D3617", "D3601", "D3765", "D3637"), "桂林北": ("D8271", "D8285"),
          "柳州": ("D8561", "D8573"), "贵港": ("D3625", "D3601"), "玉林": ("D7221", "D7233"),
          "长沙南": ("G6131", "G6157"), "佛山西": ("D3771",), "肇庆东": ("D3621", "D3633"),
          "贵阳北": ("D2825", "D2861")}
FLIGHTS = {"北京大兴": ("CZ3285", "GX8903"), "上海浦东": ("FM9363", "GX8855"), "杭州萧山": ("GX8885", "ZH9573"),
           "成都双流": ("3U8567", "GX8891"), "重庆江北": ("PN6281",), "西安咸阳": ("GX8915",),
           "昆明长水": ("KY8243",), "海口美兰": ("GX8809", "HU7081"), "贵阳龙洞堡": ("G52731",)}
# rail stations used by home district (others use 梧州南站 / 梧州站)
HOME_STATION = {"450481": ("岑溪站", 0.7), "450422": ("藤县站", 0.6), "450421": ("苍梧站", 0.4)}
AIRPORT = "梧州西江机场"


def pick(rng: np.random.Generator, pairs, n: int) -> np.ndarray:
    """n draws from (value, weight) pairs."""
    values = np.array([v for v, _ in pairs], dtype=object)
    w = np.array([w for _, w in pairs], float)
    return rng.choice(values, n, p=w / w.sum())


def countries(rng: np.random.Generator, recent: np.ndarray) -> np.ndarray:
    """A destination per person: holiday-trip weights for recent departures, long-stay weights otherwise."""
    names = np.array([c[0] for c in COUNTRIES], dtype=object)
    trip = np.array([c[1] for c in COUNTRIES], float)
    stay = np.array([c[2] for c in COUNTRIES], float)
    return np.where(recent, rng.choice(names, len(recent), p=trip / trip.sum()),
                    rng.choice(names, len(recent), p=stay / stay.sum()))


def cities(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    table = {c[0]: c[3] for c in COUNTRIES} | {p[0]: p[2] for p in PERMIT_PLACES}
    return np.array([table[c][rng.integers(len(table[c]))] for c in country], dtype=object)


def ports(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    out = np.empty(len(country), dtype=object)
    for c in np.unique(country):
        rows = np.flatnonzero(country == c)
        out[rows] = pick(rng, PORTS.get(c, FAR_PORTS), len(rows))
    return out


def carriers(rng: np.random.Generator, country: np.ndarray, port: np.ndarray) -> np.ndarray:
    """Flight numbers for airports; empty for land ports."""
    out = np.full(len(country), "", dtype=object)
    for i, (c, p) in enumerate(zip(country, port)):
        if p.endswith("机场"):
            codes = AIRLINES.get(c, ("CZ",))
            out[i] = f"{codes[rng.integers(len(codes))]}{rng.integers(100, 999)}"
    return out
