"""Synthetic people: common names, resident IDs with valid GB 11643 check digits, phones, travel documents.

Every number is random and unique across the whole demo (one `Identities` registry hands them out), so
two generated persons never share a document or a phone.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# surnames common in Guangxi (weights roughly by frequency)
SURNAMES = dict(zip("黄李陈梁韦覃莫蒙黎廖何林刘张王杨吴周罗谢冯邓苏卢蒋蔡潘钟曾彭唐许宋郑徐胡朱高龙陆欧甘农庞麦",
                    (9, 8, 7, 7, 6, 4, 4, 3, 3, 4, 4, 4, 6, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2,
                     2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1)))
MALE = "伟强磊军勇杰涛明超斌浩鹏华建峰辉俊宇文志海波龙东平健锋晨凯鑫立宏家嘉博子思永国成毅翔航宁远哲睿轩"
FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧琳萍红颖倩洁梅丹莉欣怡佳悦琪月秀英兰凤媛雅诗琴晓薇蓉楠彤妍"

WUZHOU = ("450403", "450405", "450406", "450421", "450422", "450423", "450481")
OTHER_AREAS = ("440106", "440103", "440111", "440304", "440305", "440306", "440606", "441202", "441203",
               "445302", "440803", "450102", "450103", "450105", "450202", "450305", "450802", "450902",
               "451102", "451402", "430102", "430104", "430602", "360102", "510107", "420106", "420111",
               "350203", "530102", "520102", "460105", "320106", "330106", "110105", "310115", "500103")
MOBILE_PREFIXES = np.array([130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157,
                            158, 159, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 198, 199])
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK_CHARS = np.array(list("10X98765432"))
_LETTERS = np.array(list("ABCDEFGHJKLMN"))
_POW17 = 10 ** np.arange(16, -1, -1, dtype=np.int64)


def check_digits(bodies: np.ndarray) -> np.ndarray:
    """The GB 11643 check character of each 17-digit body (int64)."""
    bodies = np.asarray(bodies, np.int64)
    out = np.empty(len(bodies), dtype=CHECK_CHARS.dtype)
    for i in range(0, len(bodies), 1 << 20):          # in chunks: 17 digits a number
        digits = (bodies[i:i + (1 << 20), None] // _POW17) % 10
        out[i:i + (1 << 20)] = CHECK_CHARS[(digits @ ID_WEIGHTS) % 11]
    return out


def _join(*parts) -> np.ndarray:
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out.astype(object)


class Identities:
    """Hands out person keys, names and unique documents and phones.

    Numbers of a kind are an affine bijection of a running counter over the kind's space, so they look
    random yet never repeat; ID sequence numbers count per (area, birth date, sex)."""

    SPACES = {"phone": len(MOBILE_PREFIXES) * 10 ** 8, "passport": 2 * 10 ** 8, "permit": 2 * 10 ** 8,
              "hrp": 10 ** 8, "foreign": 3 * 10 ** 7}
    MULTIPLIER = 2_654_435_761          # a prime: coprime with every space above
    AREAS = np.array(sorted(int(a) for a in WUZHOU + OTHER_AREAS))
    _BIRTH0, _BIRTH_DAYS = np.datetime64("1900-01-01"), 45_000

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self._next_key = 1
        self._count = dict.fromkeys(self.SPACES, 0)
        self._offset = {k: int(rng.integers(0, m)) for k, m in self.SPACES.items()}
        self._seq = np.zeros(len(self.AREAS) * self._BIRTH_DAYS * 2, np.int32)

    def keys(self, n: int) -> np.ndarray:
        out = np.arange(self._next_key, self._next_key + n, dtype=np.int64)
        self._next_key += n
        return out

    def _unique(self, kind: str, n: int) -> np.ndarray:
        """n codes in [0, space) never handed out before for this kind."""
        start, m = self._count[kind], self.SPACES[kind]
        if start + n > m:
            raise ValueError(f"out of {kind} numbers")
        self._count[kind] = start + n
        return ((self.MULTIPLIER % m) * (start + np.arange(n, dtype=np.int64)) + self._offset[kind]) % m

    def names(self, male: np.ndarray) -> np.ndarray:
        rng, n = self.rng, len(male)
        sur = np.array(list(SURNAMES))
        weights = np.array(list(SURNAMES.values()), float)
        first = rng.choice(sur, n, p=weights / weights.sum())
        pool_m, pool_f = np.array(list(MALE)), np.array(list(FEMALE))
        g1 = np.where(male, rng.choice(pool_m, n), rng.choice(pool_f, n))
        g2 = np.where(male, rng.choice(pool_m, n), rng.choice(pool_f, n))
        return _join(first, g1, np.where(rng.random(n) < 0.78, g2, ""))

    def births(self, n: int, lo_age: float, hi_age: float) -> np.ndarray:
        age_days = self.rng.uniform(lo_age * 365.25, hi_age * 365.25, n).astype(np.int64)
        return np.datetime64("2020-03-01") - age_days.astype("timedelta64[D]")

    def resident_ids(self, areas: np.ndarray, births: np.ndarray, male: np.ndarray) -> np.ndarray:
        areas = np.asarray(areas).astype(np.int64)
        where = np.searchsorted(self.AREAS, areas)
        if (self.AREAS[np.minimum(where, len(self.AREAS) - 1)] != areas).any():
            raise ValueError("resident ID area code not in people.WUZHOU or people.OTHER_AREAS")
        births = np.asarray(births, "datetime64[D]")
        male = np.asarray(male, bool)
        group = (where * self._BIRTH_DAYS + (births - self._BIRTH0).astype(np.int64)) * 2 + male
        order = np.argsort(group, kind="stable")
        g = group[order]
        run_start = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
        rank = np.empty(len(g), np.int64)
        rank[order] = np.arange(len(g)) - np.repeat(run_start, np.diff(np.r_[run_start, len(g)]))
        k = self._seq[group] + rank
        if len(k) and k.max() >= 500:
            raise ValueError("more than 500 people of one area, birth date and sex")
        np.add.at(self._seq, group, 1)
        seq = ((k * 37 + group * 7919) % 500) * 2 + male
        ymd = pd.DatetimeIndex(births)
        ymd = (ymd.year * 10000 + ymd.month * 100 + ymd.day).to_numpy(np.int64)
        bodies = areas * 10 ** 11 + ymd * 1000 + seq
        return _join(np.char.zfill(bodies.astype(str), 17), check_digits(bodies))

    def mobiles(self, n: int) -> np.ndarray:
        codes = self._unique("phone", n)
        return (MOBILE_PREFIXES[codes // 10 ** 8] * 10 ** 8 + codes % 10 ** 8).astype(str).astype(object)

    def passports(self, n: int) -> np.ndarray:
        """Chinese ordinary passports: E + 8 digits (older) or E + letter + 7 digits."""
        codes = self._unique("passport", n)
        old = codes < 10 ** 8
        letter = _LETTERS[(codes // 10 ** 7) % len(_LETTERS)]
        return np.where(old, _join("E", np.char.zfill((codes % 10 ** 8).astype(str), 8)),
                        _join("E", letter, np.char.zfill((codes % 10 ** 7).astype(str), 7))).astype(object)

    def hk_permits(self, n: int) -> np.ndarray:
        """往来港澳通行证: C + 8 digits (booklet) or C + letter + 7 digits (card)."""
        codes = self._unique("permit", n)
        old = codes < 10 ** 8
        letter = _LETTERS[(codes // 10 ** 7) % len(_LETTERS)]
        return np.where(old, _join("C", np.char.zfill((codes % 10 ** 8).astype(str), 8)),
                        _join("C", letter, np.char.zfill((codes % 10 ** 7).astype(str), 7))).astype(object)

    def home_return_permits(self, n: int, macau: np.ndarray) -> np.ndarray:
        codes = self._unique("hrp", n)
        return _join(np.where(macau, "M", "H"), np.char.zfill(codes.astype(str), 8))

    def foreign_passports(self, n: int) -> np.ndarray:
        """Passports of Vietnamese / Malaysian / Thai visitors (letter(s) + 7-8 digits)."""
        codes = self._unique("foreign", n)
        style, digits = codes // 10 ** 7, (codes % 10 ** 7).astype(str)
        return np.select([style == 0, style == 1], [_join("C", np.char.zfill(digits, 7)),
                                                     _join("A", np.char.zfill(digits, 8))],
                         _join("AA", np.char.zfill(digits, 7))).astype(object)

    def people(self, n: int, areas, lo_age: float = 18, hi_age: float = 70) -> pd.DataFrame:
        """n persons: key, name, sex, birth, rid (area codes given per person or one for all), phone."""
        male = self.rng.random(n) < 0.52
        births = self.births(n, lo_age, hi_age)
        areas = np.broadcast_to(np.asarray(areas, dtype=object), (n,))
        return pd.DataFrame({
            "key": self.keys(n), "name": self.names(male), "sex": np.where(male, "男", "女"),
            "birth": births, "rid": self.resident_ids(areas, births, male), "phone": self.mobiles(n)})


def wuzhou_areas(rng: np.random.Generator, districts: np.ndarray) -> np.ndarray:
    """ID area codes of registered residents: mostly their district's, sometimes another Wuzhou one."""
    districts = np.asarray(districts, dtype=object)
    other = rng.choice(np.array(WUZHOU, dtype=object), len(districts))
    return np.where(rng.random(len(districts)) < 0.9, districts, other)


def other_areas(rng: np.random.Generator, n: int) -> np.ndarray:
    """ID area codes of people from elsewhere (Guangdong and Guangxi most often)."""
    weights = np.array([3 if a[:2] in ("44", "45") else 1 for a in OTHER_AREAS], float)
    return rng.choice(np.array(OTHER_AREAS, dtype=object), n, p=weights / weights.sum())
