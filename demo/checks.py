"""Joint checkpoint traffic: vehicle and person checks, drawn week by week with numpy into Arrow tables of
strings (tens of millions of rows at scale 100, never a Python loop per row).

Daily totals are fixed up front: exactly `VEHICLES_BY_REPORT` / `PERSONS_BY_REPORT` rows (times the scale)
up to 03-29, then the same daily rate on, while checkpoints close one by one in April.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from demo.calibration import PERSONS_BY_REPORT, VEHICLES_BY_REPORT
from demo.people import Identities, other_areas, wuzhou_areas
from demo.places import Site
from demo.timeline import DAY_HOURS, END, REPORT_DAY, START, allocate, days, road_shape, week_span

PROVINCES = (("桂D", 55), ("桂A", 4), ("桂C", 2), ("桂K", 3), ("桂R", 2), ("桂P", 1), ("桂E", 1), ("桂J", 1),
             ("粤A", 5), ("粤B", 3), ("粤E", 2), ("粤H", 3), ("粤M", 1), ("粤W", 2), ("粤J", 2), ("粤X", 1),
             ("粤S", 2), ("粤T", 1), ("湘A", 2), ("湘D", 1), ("贵A", 1), ("川A", 1), ("云A", 1), ("闽D", 1),
             ("浙A", 1), ("鄂A", 1))
VEHICLE_TYPES = np.array(["小型汽车", "大型汽车", "货车", "摩托车", "新能源汽车"], dtype=object)
FROM_PLACES = np.array(["广东广州", "广东深圳", "广东佛山", "广东东莞", "广东肇庆", "广东云浮", "广东茂名", "广东中山",
                        "广西南宁", "广西玉林", "广西贵港", "广西贺州", "广西柳州", "湖南长沙", "梧州市内"], dtype=object)
FROM_WEIGHTS = np.array([12, 10, 6, 5, 8, 6, 3, 3, 8, 7, 6, 6, 3, 2, 15], float)
_ALNUM = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", np.uint8)
_TEMPS = np.array([f"{t / 10:.1f}" for t in range(340, 426)], dtype=object)     # 34.0 .. 42.5


def _fixed(rows: np.ndarray) -> pa.Array:
    """A uint8 matrix of UTF-8 bytes (one row per value, equal widths) as an Arrow string array."""
    n, width = rows.shape
    arr = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n, [None, pa.py_buffer(rows.tobytes())])
    return arr.cast(pa.binary()).cast(pa.string())


def plates(rng: np.random.Generator, n: int) -> pa.Array:
    """Plates: province + letter + 5 characters (mostly digits); 2% new-energy plates with 6."""
    prefix = np.array([p for p, _ in PROVINCES])
    w = np.array([w for _, w in PROVINCES], float)
    which = rng.choice(len(prefix), n, p=w / w.sum())
    heads = np.stack([np.frombuffer(p.encode(), np.uint8) for p in prefix])[which]     # 3 bytes + letter
    body = np.where(rng.random((n, 5)) < 0.85, rng.integers(48, 58, (n, 5)), rng.choice(_ALNUM, (n, 5)))
    green = rng.random(n) < 0.02
    short = _fixed(np.hstack([heads[~green], body[~green].astype(np.uint8)]))
    ne = np.hstack([heads[green], np.where(rng.random((green.sum(), 1)) < 0.5, 68, 70).astype(np.uint8),
                    rng.integers(48, 58, (green.sum(), 5)).astype(np.uint8)])
    return pa.concat_arrays([short, _fixed(ne)]).take(pa.array(rng.permutation(n)))


def _strings(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object), type=pa.string())


def _pick(choices: np.ndarray, index: np.ndarray) -> pa.Array:
    """choices[index] as Arrow strings, without a Python object per row."""
    return _strings(choices).take(pa.array(index))


class Traffic:
    """Daily totals and the pools the weekly check files are drawn from."""

    def __init__(self, ids: Identities, rng: np.random.Generator, checkpoints: list[Site], scale: int,
                 road_arrivals: pd.DataFrame, known: pd.DataFrame):
        self.checkpoints = checkpoints
        self.ids = np.array([c.id for c in checkpoints], dtype=object)
        self.days = days(START, END)
        weight = np.array([c.weight for c in checkpoints])
        self.open = np.array([[c.open_on(d) for c in checkpoints] for d in self.days]) * weight
        shape = road_shape(self.days) * self.open.sum(1) / weight.sum()
        by = self.days <= REPORT_DAY
        arrivals = road_arrivals["_t"].to_numpy("datetime64[s]").astype("datetime64[D]")
        self.vehicles = self._totals(VEHICLES_BY_REPORT * scale, shape, by)
        persons = self._totals(PERSONS_BY_REPORT * scale - int((arrivals <= REPORT_DAY).sum()), shape, by)
        self.persons = persons
        n_pool = 40_000 * scale
        local = rng.random(n_pool) < 0.55
        areas = np.where(local, wuzhou_areas(rng, rng.choice(np.array(sorted({c.district for c in checkpoints}),
                                                                      dtype=object), n_pool)),
                         other_areas(rng, n_pool))
        pool = ids.people(n_pool, areas, 18, 70)
        pool = pd.concat([pool[["key", "name", "rid"]], known[["key", "name", "rid"]]], ignore_index=True)
        self.pool_key = pool["key"].to_numpy(np.int64)
        self.pool_name, self.pool_rid = _strings(pool["name"]), _strings(pool["rid"])
        self.n_known = len(known)
        self.plates = plates(rng, 150_000 * scale)
        self.road_arrivals = road_arrivals

    def _totals(self, by_report: int, shape: np.ndarray, by: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self.days), np.int64)
        out[by] = allocate(by_report, shape[by])
        out[~by] = np.round(shape[~by] * by_report / shape[by].sum()).astype(np.int64)
        return out

    def _rows(self, rng, week: int, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Checkpoint index and timestamp of every row of the week, in time order."""
        lo, hi = week_span(week)
        sel = np.flatnonzero((self.days >= lo) & (self.days <= hi))
        cps, stamps = [], []
        for i in sel:
            if totals[i] == 0:
                continue
            split = rng.multinomial(totals[i], self.open[i] / self.open[i].sum())
            cps.append(np.repeat(np.arange(len(split)), split))
            hour = rng.choice(24, totals[i], p=DAY_HOURS / DAY_HOURS.sum())
            secs = hour * 3600 + rng.integers(0, 3600, totals[i])
            stamps.append(self.days[i].astype("datetime64[s]") + secs.astype("timedelta64[s]"))
        if not cps:
            return np.empty(0, np.int64), np.empty(0, "datetime64[s]")
        cp, ts = np.concatenate(cps), np.concatenate(stamps)
        order = np.argsort(ts, kind="stable")
        return cp[order], ts[order]

    def vehicle_week(self, rng, week: int) -> pa.Table:
        cp, ts = self._rows(rng, week, self.vehicles)
        n = len(cp)
        plate = self.plates.take(pa.array(np.minimum((len(self.plates) * rng.random(n) ** 2).astype(np.int64),
                                                     len(self.plates) - 1)))
        green = pc.equal(pc.utf8_length(plate), 8).to_numpy(zero_copy_only=False)
        kind = np.where(green, 4, rng.choice(4, n, p=[0.73, 0.07, 0.15, 0.05]))
        occupants = np.select([kind == 1, kind == 2], [rng.integers(1, 46, n), rng.integers(1, 3, n)],
                              rng.choice(np.arange(1, 6), n, p=[0.45, 0.3, 0.15, 0.07, 0.03]))
        return pa.table({"checkpoint_id": _pick(self.ids, cp), "checked_at": pa.array(ts).cast(pa.string()),
                         "plate": plate, "vehicle_type": _pick(VEHICLE_TYPES, kind),
                         "occupants": pa.array(occupants).cast(pa.string())})

    def person_week(self, rng, week: int) -> tuple[pa.Table, np.ndarray]:
        """The week's person checks (travellers and the road arrivals from abroad) and their person keys."""
        cp, ts = self._rows(rng, week, self.persons)
        n = len(cp)
        known = rng.random(n) < 0.05
        n_pool = len(self.pool_key) - self.n_known
        who = np.where(known & (self.n_known > 0), n_pool + rng.integers(0, max(self.n_known, 1), n),
                       np.minimum((n_pool * rng.random(n) ** 1.8).astype(np.int64), n_pool - 1))
        tenths = np.clip(np.round(rng.normal(364, 3, n)), 356, 372).astype(np.int64)
        warm = rng.random(n) < 0.002
        tenths[warm] = rng.integers(373, 377, warm.sum())
        name = self.pool_name.take(pa.array(who))
        name = pc.if_else(pa.array(rng.random(n) < 0.7), name, pa.scalar(None, pa.string()))
        table = pa.table({"checkpoint_id": _pick(self.ids, cp), "checked_at": pa.array(ts).cast(pa.string()),
                          "name": name, "resident_id": self.pool_rid.take(pa.array(who)),
                          "temperature": _pick(_TEMPS, tenths - 340),
                          "from_place": _pick(FROM_PLACES, rng.choice(len(FROM_PLACES), n,
                                                                      p=FROM_WEIGHTS / FROM_WEIGHTS.sum()))})
        keys = self.pool_key[who]
        lo, hi = week_span(week)
        r = self.road_arrivals
        day = r["_t"].to_numpy("datetime64[s]").astype("datetime64[D]")
        r = r[(day >= lo) & (day <= hi)]
        if not len(r):
            return table, keys
        at = r["checked_at"].to_numpy("datetime64[s]")
        extra = pa.table({
            "checkpoint_id": _strings(r["checkpoint_id"]), "checked_at": pa.array(at).cast(pa.string()),
            "name": _strings(r["name"]), "resident_id": _strings(r["resident_id"]),
            "temperature": _strings([f"{v:.1f}" for v in r["temperature"]]), "from_place": _strings(r["from_place"])})
        order = np.argsort(np.concatenate([ts, at]), kind="stable")
        table = pa.concat_tables([table, extra]).take(pa.array(order))
        return table, np.concatenate([keys, r["_key"].to_numpy(np.int64)])[order]
