"""The report's figures as of 2020-03-29 and the exact plan that reproduces them by construction.

At scale N every count is N times the plan (the stories count once, inside the plan). `figures` recomputes
the report's definitions from the generated travellers so the build can assert the plan held.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo.timeline import REPORT_DAY, START, day_gap

REPORT = {"abroad_passport": 3813, "abroad_permit": 1317, "entered": 839, "arrived": 729, "measures": 362,
          "rumours": 41, "educated": 33, "detained": 7, "fined": 4, "imported_cases": 0}
VEHICLES_BY_REPORT = 485_000      # "48万余辆次": any count in [480,000, 490,000)
PERSONS_BY_REPORT = 144_600       # "14万余人次": any count in [140,000, 150,000)


@dataclass(frozen=True)
class Plan:
    """How the report's people split up (scale 1); each field times the scale."""
    returned_passport: int = 530      # listed residents back by 03-29 (of them short trips below)
    returned_permit: int = 222
    short_passport: int = 8           # left after 01-20 and back by 03-29
    short_permit: int = 10
    departed_passport: int = 95       # new departures 01-20 .. 03-29
    departed_permit: int = 60
    departed_after_passport: int = 15
    departed_after_permit: int = 10
    returned_after_passport: int = 150
    returned_after_permit: int = 40
    unlisted: int = 87                # residents the list missed, known from police entries (by 03-29)
    unlisted_after: int = 25
    arrived_residents: int = 655      # residents who entered and arrived within 30 days, by 03-29
    others: int = 74                  # people from elsewhere living in Wuzhou, arrived by 03-29
    others_after: int = 30

    def initial(self, doc: str) -> int:
        """Listed before 01-20 and still abroad then: abroad now + returned - new departures."""
        if doc == "passport":
            return REPORT["abroad_passport"] + self.returned_passport - self.departed_passport
        return REPORT["abroad_permit"] + self.returned_permit - self.departed_permit

    def check(self) -> None:
        assert self.returned_passport + self.returned_permit + self.unlisted == REPORT["entered"]
        assert self.arrived_residents + self.others == REPORT["arrived"]


PLAN = Plan()


def figures(t: pd.DataFrame, day=REPORT_DAY) -> dict[str, int]:
    """The report's definitions evaluated on the travellers table as of the end of `day`."""
    day = np.datetime64(day, "D")
    entry = t["entry"].to_numpy("datetime64[D]")
    exit_ = t["exit"].to_numpy("datetime64[D]")
    recorded = (t["police"] | t["app"]).to_numpy()      # an entry some channel reports
    entered_by = recorded & (entry <= day) & ~np.isnat(entry)
    listed = (t["cls"] == "A").to_numpy() & (exit_ <= day)
    abroad = listed & ~(entered_by & (entry >= exit_))
    arr = t["arr_at"].to_numpy("datetime64[s]").astype("datetime64[D]")
    lag = day_gap(arr, entry)
    arrived = recorded & (arr <= day) & (arr >= START) & (lag >= 0) & (lag <= 30)
    resident = t["cls"].isin(["A", "R"]).to_numpy()
    return {
        "abroad_passport": int((abroad & (t["doc"] == "passport").to_numpy()).sum()),
        "abroad_permit": int((abroad & (t["doc"] == "hk_macau_permit").to_numpy()).sum()),
        "entered": int((entered_by & resident & (entry >= START)).sum()),
        "arrived": int(arrived.sum()),
        "measures": int((t["m_at"].to_numpy("datetime64[s]").astype("datetime64[D]") <= day).sum()),
    }
