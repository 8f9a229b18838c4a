"""An explainable risk score per community: points from a few counts, each count's points kept as a reason.

    arrivals from abroad in the last `days` days   points_per_arrival x the weight of the country they came from
    people in home quarantine now                  points_per_home_quarantine each
    return and fever alerts of the last `days` days not closed   points_per_open_alert each
    leaks (deadlines missed) in the last `days`    points_per_leak each
    people with a fever in the last `days` days    points_per_fever each

score >= high -> 'high', >= medium -> 'medium', else 'low'. The weights are settings, not a model: every
point on the map can be traced to the rows that gave it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

import pandas as pd

import settings

LEVELS = ("low", "medium", "high")
FACTORS = ("arrivals", "home_quarantine", "open_alerts", "leaks", "fevers")


@dataclass(frozen=True)
class RiskModel:
    days: int = 14
    points_per_arrival: float = 2.0
    points_per_home_quarantine: float = 1.0
    points_per_open_alert: float = 2.0
    points_per_leak: float = 3.0
    points_per_fever: float = 5.0
    medium: float = 4.0
    high: float = 10.0
    country_weights: dict = field(default_factory=dict)   # country -> weight; any other weighs 1

    @classmethod
    def configured(cls) -> RiskModel:
        """The model of the configuration's policy.toml [risk] (settings.py), country weights included."""
        kinds = {f.name: f.type for f in fields(cls)}
        kinds = {k: {"int": int, "float": float}.get(v, dict) for k, v in kinds.items()}
        return cls(**settings.section("policy.toml", "risk", kinds))

    def weight(self, country: str | None) -> float:
        return float(self.country_weights.get(country or "", 1.0))

    def level(self, score: float) -> str:
        return "high" if score >= self.high else "medium" if score >= self.medium else "low"


DEFAULT = RiskModel()


def inputs(query, scope, as_of: dt.date, model: RiskModel | None = None, fever: float = 37.3) -> pd.DataFrame:
    """queries/risk_inputs.sql: (community_code, factor, key, value) rows (model: the configured one)."""
    model = model or RiskModel.configured()
    return query("risk_inputs", scope, as_of=as_of, days=model.days, fever=fever)


def score(rows: pd.DataFrame, alerts: pd.DataFrame, as_of: dt.date, model: RiskModel | None = None) -> pd.DataFrame:
    """Per community: score, level and reasons [(factor, key, count, points)], largest first.

    rows: risk_inputs rows; alerts: loop.alerts.with_state rows (kind, state, raised_at, community_code)."""
    model = model or RiskModel.configured()
    reasons: dict[str, list[tuple[str, str, int, float]]] = {}

    def add(code, factor, key, n, points):
        if code and n:
            reasons.setdefault(code, []).append((factor, key, int(n), round(float(points), 1)))

    per_factor = {"home_quarantine": model.points_per_home_quarantine, "fevers": model.points_per_fever}
    for code, factor, key, n in rows[["community_code", "factor", "key", "value"]].itertuples(index=False):
        if factor == "arrivals":
            add(code, factor, key, n, n * model.points_per_arrival * model.weight(key))
        elif factor in per_factor:
            add(code, factor, "", n, n * per_factor[factor])
    if len(alerts):
        placed = alerts.dropna(subset=["community_code"])
        since = pd.Timestamp(as_of - dt.timedelta(days=model.days - 1))
        placed = placed[pd.to_datetime(placed["raised_at"]) >= since]
        leak = placed["kind"].str.startswith("leak_")
        open_ = placed[~leak & (placed["state"] != "closed")].groupby("community_code").size()
        recent = placed[leak]
        for code, n in open_.items():
            add(code, "open_alerts", "", n, n * model.points_per_open_alert)
        for code, n in recent.groupby("community_code").size().items():
            add(code, "leaks", "", n, n * model.points_per_leak)
    records = []
    for code, items in reasons.items():
        items.sort(key=lambda r: -r[3])
        total = round(sum(r[3] for r in items), 1)
        records.append({"community_code": code, "score": total, "level": model.level(total), "reasons": items})
    out = pd.DataFrame.from_records(records, columns=["community_code", "score", "level", "reasons"])
    return out.sort_values(["score", "community_code"], ascending=[False, True], ignore_index=True)
