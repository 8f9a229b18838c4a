"""Run a named SQL file with bound parameters and the caller's scope applied — where access is enforced.

Every query takes a `Scope`, built by the server from the login session (never from the browser). SQL files
may take in another file's CTEs with `{include:name}`, mark where the scope applies with `{scope:alias}`
(district and township of that table's codes) or `{scope_district:alias}` (for tables that carry only a
district), and write person-level fields only through mask placeholders, rendered here per role:

    {mask_name:p.name:x}   {mask_id:d.resident_id:x}   {mask_phone:p.phone:x}   {mask_address:p.address:x}
    {mask_lon:p:c} {mask_lat:p:c}

(the column, then the alias whose `person_id` decides an unmask; for a point, the persons and the communities
aliases). Police and analysts get them masked (ID: first 6 + last 4; phone: first 3 + last 4; name: at most half
its characters, 张*, 张*丰, 欧阳**; address: the road kept, house, building and room numbers as **); every role
gets a person's point as the community's, spread (`_point`); a police scope carrying an
audited unmask (`Scope.reveal_person`) gets that one person in clear; roles limited to aggregates get NULL.
A file whose first line is `-- access: person` lists people and is refused outright to those roles.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

QUERY_DIR = Path(__file__).resolve().parent
SCOPE = re.compile(r"\{(scope|scope_district):(\w+)\}")
MASK = re.compile(r"\{mask_(name|id|phone|address):([\w.]+):(\w+)\}")
POINT = re.compile(r"\{mask_(lon|lat):(\w+):(\w+)\}")
HOUSE_NUMBER = "[0-9０-９]+([号栋幢座单元室楼层户弄组之\\-－])"   # a number before what it numbers: hidden
SPREAD = 0.003              # degrees (about 300 m): person points spread this wide around their community's point
INCLUDE = re.compile(r"^\{include:(\w+)\}", re.MULTILINE)     # at a line's start (not in a comment)
PARAM = re.compile(r"\$(\w+)")
PERSON_ROLES = ("police", "analyst", "system")          # may list people (masked); the others see aggregates
RESERVED = ("scope_district", "scope_township", "reveal_person")
# DuckDB suggests conn.sql() for Arrow output, to spare a copy (about 8% of the largest list's time); but conn.sql()
# refuses to run while an earlier result on the same cursor is unfinished, and the server's cursors are shared
# by every query of a thread (store.db.Store.reader).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


class Forbidden(PermissionError):
    """The caller's role may not run this query."""


@dataclass(frozen=True)
class Scope:
    """Who is asking: a role, for police the jurisdiction (a district or a township), and — only after an
    audited unmask by police — the one person whose fields come back in clear."""
    role: str
    district_code: str | None = None
    township_code: str | None = None
    reveal_person: int | None = None

    @classmethod
    def whole_city(cls, role: str = "system") -> "Scope":
        return cls(role)

    @property
    def sees_people(self) -> bool:
        return self.role in PERSON_ROLES


def _point(axis: str, person: str, community: str) -> str:
    """A person's place on a map: the home's coordinates only for the one person a police unmask clears; for
    everyone else the community's point moved by a fixed offset drawn from the person's id (never from the home),
    so points of one community do not stack and say nothing of where anyone lives."""
    salt = 0 if axis == "lon" else 7919
    spread = f"(CAST(hash({person}.person_id + {salt}) % 2001 AS DOUBLE) / 2000 - 0.5) * {SPREAD}"
    return (f"CASE WHEN {person}.person_id = $reveal_person THEN coalesce({person}.{axis}, {community}.{axis})"
            f" ELSE {community}.{axis} + {spread} END")


def _mask(kind: str, column: str, alias: str, people: bool) -> str:
    if not people:
        return "NULL"
    clear = f"{alias}.person_id = $reveal_person"
    if kind == "name":                     # at most half shown: 张*, 张*丰, 欧阳**, 司马**明 -> 司马***
        return (f"CASE WHEN {clear} THEN {column} WHEN length({column}) = 3 THEN left({column}, 1) || '*' ||"
                f" right({column}, 1) ELSE left({column}, greatest(length({column}) // 2, 1))"
                f" || repeat('*', greatest(length({column}) - greatest(length({column}) // 2, 1), 1)) END")
    if kind == "address":                  # 新兴一路12号 -> 新兴一路**号, 3栋502室 -> **栋**室, 村2组 -> 村**组
        numbered = f"regexp_replace({column}, '{HOUSE_NUMBER}', '**\\1', 'g')"
        return f"CASE WHEN {clear} THEN {column} ELSE regexp_replace({numbered}, '[0-9０-９]+$', '**') END"
    keep_left = 6 if kind == "id" else 3
    shortest = keep_left + 4 + 1
    return (f"CASE WHEN {clear} OR length({column}) < {shortest} THEN {column} ELSE left({column}, {keep_left})"
            f" || repeat('*', length({column}) - {keep_left + 4}) || right({column}, 4) END")


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _expanded(name: str) -> str:
    """The query's text with every `{include:other}` replaced by that file's, itself expanded."""
    return INCLUDE.sub(lambda m: _expanded(m.group(1)), _template(name))


def lists_people(name: str) -> bool:
    """Whether queries/<name>.sql is a list of people (refused to roles that see aggregates only)."""
    return _template(name).startswith("-- access: person")


def reveals(name: str) -> bool:
    """Whether queries/<name>.sql has person-level fields that an unmask (`Scope.reveal_person`) shows in clear
    (without, its rows are the same for the scope with or without the unmask)."""
    return "$reveal_person" in render(name)


@lru_cache(maxsize=None)
def render(name: str, people: bool = True) -> str:
    """The query's SQL with the scope predicates and the masks written in (parameters still unbound)."""
    def predicate(match: re.Match) -> str:
        kind, alias = match.groups()
        district = f"($scope_district IS NULL OR {alias}.district_code = $scope_district)"
        if kind == "scope_district":
            return district
        return f"({district} AND ($scope_township IS NULL OR {alias}.township_code = $scope_township))"
    sql = SCOPE.sub(predicate, _expanded(name))
    sql = POINT.sub(lambda m: _point(*m.groups()), sql)
    return MASK.sub(lambda m: _mask(*m.groups(), people=people), sql)


def run(conn, name: str, scope: Scope, **params) -> pd.DataFrame:
    """Run queries/<name>.sql on `conn` for `scope` with named parameters; Forbidden when the scope's role may
    not list people and the file does."""
    return frame(arrow(conn, name, scope, **params))


def arrow(conn, name: str, scope: Scope, **params) -> pa.Table:
    """`run`'s result as Arrow (for indexes built of whole columns: no pandas, no Python object per string)."""
    if lists_people(name) and not scope.sees_people:
        raise Forbidden(f"role {scope.role!r} sees aggregates only, not {name}")
    reserved = set(params) & set(RESERVED)
    if reserved:
        raise TypeError(f"{', '.join(sorted(reserved))} come from the scope, not from the caller")
    sql = render(name, scope.sees_people)
    values = {"scope_district": scope.district_code, "scope_township": scope.township_code,
              "reveal_person": scope.reveal_person if scope.role == "police" else None, **params}
    wanted = set(PARAM.findall(sql))
    missing = wanted - values.keys()
    if missing:
        raise TypeError(f"query {name} needs parameter(s): {', '.join(sorted(missing))}")
    return conn.execute(sql, {k: v for k, v in values.items() if k in wanted}).to_arrow_table()


def frame(table: pa.Table) -> pd.DataFrame:
    """A result as pandas, read through Arrow: strings never become one Python object each (DuckDB's own
    `.df()` makes them, which nearly doubles the time of a district's list of people at scale 100). The types are
    `.df()`'s: dates and timestamps as datetime64[us], integers with NULLs as Int64."""
    table = table.cast(pa.schema([_in_us(f) for f in table.schema]))
    out = table.to_pandas()
    for f, column in zip(table.schema, table.columns):
        if pa.types.is_integer(f.type) and column.null_count:
            out[f.name] = column.to_pandas(types_mapper={f.type: pd.Int64Dtype()}.get)
    return out


def _in_us(field: pa.Field) -> pa.Field:
    if pa.types.is_date(field.type):
        return field.with_type(pa.timestamp("us"))
    if pa.types.is_timestamp(field.type):
        return field.with_type(pa.timestamp("us", field.type.tz))
    return field
