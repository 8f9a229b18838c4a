"""The demo period (2020-01-20 .. 2020-04-30), its ISO weeks, and the daily shapes of the traffic."""
from __future__ import annotations

import numpy as np

START = np.datetime64("2020-01-20")
END = np.datetime64("2020-04-30")
REPORT_DAY = np.datetime64("2020-03-29")     # the report's "截至3月29日", end of day inclusive
CHECKPOINTS_OPEN = np.datetime64("2020-01-25")
WEEKS = tuple(range(4, 19))                   # ISO weeks 2020-W04 (Mon 01-20) .. 2020-W18 (to 04-30)
_ISO_WEEK1 = np.datetime64("2019-12-30")      # Monday of 2020-W01

# hour-of-day profile of road and rail traffic (24 weights)
DAY_HOURS = np.array([2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 6, 7, 8, 8, 9, 9, 8, 6, 5, 4, 3, 2], float)


def days(lo=START, hi=END) -> np.ndarray:
    """Every day from lo to hi inclusive (datetime64[D])."""
    return np.arange(np.datetime64(lo, "D"), np.datetime64(hi, "D") + 1)


def iso_week(dates) -> np.ndarray:
    """ISO week number (2020) of datetime64 values."""
    d = np.asarray(dates, dtype="datetime64[D]")
    return ((d - _ISO_WEEK1).astype(np.int64) // 7 + 1).astype(np.int64)


def week_label(week: int) -> str:
    return f"2020w{week:02d}"


def week_span(week: int) -> tuple[np.datetime64, np.datetime64]:
    """First and last day of an ISO week, clipped to the period."""
    monday = _ISO_WEEK1 + np.timedelta64(7 * (week - 1), "D")
    return max(monday, START), min(monday + np.timedelta64(6, "D"), END)


def _ramp(d: np.ndarray, lo: str, hi: str, a: float, b: float) -> np.ndarray:
    t = (d - np.datetime64(lo)).astype(float) / (np.datetime64(hi) - np.datetime64(lo)).astype(float)
    return a + (b - a) * np.clip(t, 0, 1)


def road_shape(d: np.ndarray) -> np.ndarray:
    """Checkpoint traffic: holiday lull, the Spring Festival return wave in February, an April taper."""
    w = np.where(d < np.datetime64("2020-02-01"), _ramp(d, "2020-01-25", "2020-01-31", 0.55, 0.75), 0.0)
    w = np.where((d >= np.datetime64("2020-02-01")) & (d < np.datetime64("2020-02-08")), 0.8, w)
    w = np.where((d >= np.datetime64("2020-02-08")) & (d < np.datetime64("2020-03-01")),
                 1.05 + 0.35 * np.exp(-((d - np.datetime64("2020-02-20")).astype(float) / 6) ** 2), w)
    w = np.where(d >= np.datetime64("2020-03-01"), _ramp(d, "2020-03-01", "2020-04-30", 1.0, 0.55), w)
    weekend = np.isin((d - _ISO_WEEK1).astype(np.int64) % 7, (5, 6))
    return w * np.where(weekend, 1.12, 1.0) * (d >= CHECKPOINTS_OPEN)


def travel_shape(d: np.ndarray) -> np.ndarray:
    """Rail, air and hotel volumes: the festival rush, the lockdown trough, a slow recovery."""
    w = np.where(d < np.datetime64("2020-01-25"), 1.5, 0.0)
    w = np.where(d >= np.datetime64("2020-01-25"), _ramp(d, "2020-01-25", "2020-02-05", 0.6, 0.2), w)
    w = np.where(d >= np.datetime64("2020-02-05"), _ramp(d, "2020-02-05", "2020-03-15", 0.2, 0.85), w)
    w = np.where(d >= np.datetime64("2020-03-15"), _ramp(d, "2020-03-15", "2020-04-30", 0.85, 1.05), w)
    weekend = np.isin((d - _ISO_WEEK1).astype(np.int64) % 7, (4, 6))
    return w * np.where(weekend, 1.15, 1.0)


def entry_shape(d: np.ndarray) -> np.ndarray:
    """Border entries of Wuzhou people: holiday-makers back after the festival, a March wave, April cuts."""
    w = np.where(d < np.datetime64("2020-02-01"), 13.0, 0.0)
    w = np.where((d >= np.datetime64("2020-02-01")) & (d < np.datetime64("2020-02-10")), 9.0, w)
    w = np.where((d >= np.datetime64("2020-02-10")) & (d < np.datetime64("2020-03-01")), 3.0, w)
    w = np.where((d >= np.datetime64("2020-03-01")) & (d < np.datetime64("2020-03-15")),
                 _ramp(d, "2020-03-01", "2020-03-14", 4.0, 9.0), w)
    w = np.where((d >= np.datetime64("2020-03-15")) & (d <= REPORT_DAY), 15.0, w)
    return np.where(d > REPORT_DAY, _ramp(d, "2020-03-30", "2020-04-30", 9.0, 4.0), w)


def day_gap(later, earlier) -> np.ndarray:
    """Whole days from earlier to later (float; NaN where either is missing)."""
    gap = np.asarray(later, "datetime64[D]") - np.asarray(earlier, "datetime64[D]")
    return np.where(np.isnat(gap), np.nan, gap.astype(np.int64).astype(float))


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights summing exactly to total (largest remainder)."""
    weights = np.asarray(weights, float)
    share = total * weights / weights.sum()
    out = np.floor(share).astype(np.int64)
    rest = total - int(out.sum())
    if rest:
        out[np.argsort(-(share - out), kind="stable")[:rest]] += 1
    return out


def sample_days(rng: np.random.Generator, n: int, lo, hi, shape) -> np.ndarray:
    """n days in [lo, hi] drawn with the daily weights of shape (sorted)."""
    d = days(lo, hi)
    return np.sort(rng.choice(d, size=n, p=shape(d) / shape(d).sum()))


def times_of_day(rng: np.random.Generator, day: np.ndarray, hours: np.ndarray = DAY_HOURS) -> np.ndarray:
    """A second-resolution timestamp on each given day, hour drawn from the profile."""
    hour = rng.choice(24, size=len(day), p=hours / hours.sum())
    secs = hour * 3600 + rng.integers(0, 3600, len(day))
    return np.asarray(day, "datetime64[D]").astype("datetime64[s]") + secs.astype("timedelta64[s]")
