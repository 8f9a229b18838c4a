"""Run a named SQL file with bound parameters and the caller's scope applied.

Every query takes a `Scope`, built by the server from the session (never from the browser). SQL files
mark where the scope applies with `{scope:alias}` (district and township of that table's codes) or
`{scope_district:alias}` (for tables that carry only a district).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

QUERY_DIR = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{(scope|scope_district):(\w+)\}")
PARAM = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class Scope:
    """Who is asking: a role and, for police, the jurisdiction (a district or a township)."""
    role: str
    district_code: str | None = None
    township_code: str | None = None

    @classmethod
    def whole_city(cls, role: str = "system") -> "Scope":
        return cls(role)


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def render(name: str) -> str:
    """The query's SQL with the scope predicates written in (parameters still unbound)."""
    def predicate(match: re.Match) -> str:
        kind, alias = match.groups()
        district = f"($scope_district IS NULL OR {alias}.district_code = $scope_district)"
        if kind == "scope_district":
            return district
        return f"({district} AND ($scope_township IS NULL OR {alias}.township_code = $scope_township))"
    return PLACEHOLDER.sub(predicate, _template(name))


def run(conn, name: str, scope: Scope, **params) -> pd.DataFrame:
    """Run queries/<name>.sql on `conn` for `scope` with named parameters."""
    sql = render(name)
    values = {"scope_district": scope.district_code, "scope_township": scope.township_code, **params}
    wanted = set(PARAM.findall(sql))
    missing = wanted - values.keys()
    if missing:
        raise TypeError(f"query {name} needs parameter(s): {', '.join(sorted(missing))}")
    return conn.execute(sql, {k: v for k, v in values.items() if k in wanted}).df()
