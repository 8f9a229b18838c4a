"""Column kinds: how each raw text value is normalised and, when it cannot be, why it is rejected.

Everything is SQL run inside DuckDB on the staged batch, so a 3-million-row file validates at
column-store speed. A kind gives a normalising expression (NULL when the value is invalid) and,
optionally, a sharper reason than the generic "invalid <kind>".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import settings
from ingest.channels import Feed

ID_WEIGHTS = "[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]"
TEMPERATURE_RANGE = (34.0, 42.5)
DOC_PATTERNS = {
    "resident_id": r"[0-9]{17}[0-9X]",
    "passport": r"[A-Z]{1,2}[0-9]{7,8}",
    "hk_macau_permit": r"[CW][A-Z0-9][0-9]{7}",
    "home_return_permit": r"[HM][0-9]{8}([0-9]{2})?",
}
DOC_TYPE_NAMES = {
    "resident_id": ("身份证", "居民身份证", "resident_id", "id card"),
    "passport": ("护照", "普通护照", "passport"),
    "hk_macau_permit": ("港澳通行证", "往来港澳通行证", "hk_macau_permit", "hk/macau permit"),
    "home_return_permit": ("回乡证", "港澳居民来往内地通行证", "home_return_permit", "home return permit"),
}
ENUMS = {
    "sex": {"男": "M", "女": "F", "m": "M", "f": "F", "1": "M", "2": "F"},
    "transport": {"飞机": "air", "航空": "air", "火车": "rail", "动车": "rail", "高铁": "rail", "铁路": "rail",
                  "汽车": "road", "公路": "road", "自驾": "road", "船舶": "sea", "水路": "sea", "步行": "foot"},
    "verification": {"已核实": "verified", "未核实": "pending", "联系不上": "unreachable",
                     "无法联系": "unreachable"},
    "case_kind": {"网络谣言": "online_rumour", "其他涉疫": "other"},
    "case_origin": {"境外输入": "imported", "本土": "local"},
    "quarantine_kind": {"集中隔离": "hotel", "集中": "hotel", "居家隔离": "home", "居家": "home"},
    "site_kind": {"酒店": "hotel", "宾馆": "hotel"},
    "doc_type": {name: code for code, names in DOC_TYPE_NAMES.items() for name in names},
}
ENUM_DEFAULTS = {"verification": "pending"}

MACROS = f"""
CREATE OR REPLACE TEMP MACRO squeeze(s) AS upper(regexp_replace(s, '[\\s\\-.]', '', 'g'));
CREATE OR REPLACE TEMP MACRO id_check_ok(v) AS
    substr('10X98765432', CAST(list_sum(list_transform(range(17),
        lambda i: TRY_CAST(substr(v, i + 1, 1) AS INTEGER) * {ID_WEIGHTS}[i + 1])) % 11 AS BIGINT) + 1, 1) = substr(v, 18, 1);
CREATE OR REPLACE TEMP MACRO excel_serial(s) AS regexp_full_match(trim(s), '[1-9][0-9]{{4}}(\\.[0-9]+)?');
CREATE OR REPLACE TEMP MACRO parse_ts(s) AS CASE
    WHEN excel_serial(s) THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(trim(s) AS DOUBLE) * 86400e6) AS BIGINT))
    ELSE try_strptime(replace(regexp_replace(trim(s), '[/.]', '-', 'g'), 'T', ' '),
        ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d', '%Y%m%d', '%Y年%m月%d日', '%Y年%m月%d日 %H:%M'])
    END;
CREATE OR REPLACE TEMP MACRO in_window(t, lo, hi) AS CASE WHEN t BETWEEN lo AND hi THEN t END;
CREATE OR REPLACE TEMP MACRO bare_phone(s) AS regexp_replace(trim(s), '[\\s\\-()（）]', '', 'g');
CREATE OR REPLACE TEMP MACRO norm_phone(s) AS CASE
    WHEN bare_phone(s) LIKE '+86%' THEN substr(bare_phone(s), 4)
    WHEN bare_phone(s) LIKE '0086%' THEN substr(bare_phone(s), 5)
    WHEN bare_phone(s) LIKE '861%' AND length(bare_phone(s)) = 13 THEN substr(bare_phone(s), 3)
    ELSE bare_phone(s) END;
"""

WINDOW_KINDS = {"events_from": dt.date, "events_to": dt.date, "births_from": dt.date, "births_to": dt.date}


def macros() -> str:
    """MACROS with the plausible windows of event and birth dates of the configuration's policy.toml [ingest]
    (settings.py): a date outside is rejected as 'out of range'."""
    window = settings.section("policy.toml", "ingest", WINDOW_KINDS)
    missing = sorted(set(WINDOW_KINDS) - set(window))
    if missing:
        raise settings.ConfigError(f"{settings.config_dir() / 'policy.toml'}: [ingest] lacks {', '.join(missing)}")
    return MACROS + "".join(f"CREATE OR REPLACE TEMP MACRO {name}() AS TIMESTAMP '{day.isoformat()}'"
                            f"{' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND' if name.endswith('_to') else ''};\n"
                            for name, day in window.items())


@dataclass(frozen=True)
class Kind:
    value: str              # SQL normalising {x}; NULL when invalid
    reason: str = ""        # SQL for a specific reason, evaluated when value is NULL; "" = generic
    lookup: str = ""        # a reference table's key column "table.key": valid values are its keys


def _lit(pattern: str) -> str:
    """A regex pattern escaped for use inside a str.format template."""
    return pattern.replace("{", "{{").replace("}", "}}")


def _enum(kind: str) -> Kind:
    pairs = ", ".join(f"'{k.lower()}': '{v}'" for k, v in ENUMS[kind].items())
    lookup = _lit(f"MAP {{{pairs}}}") + "[lower(trim({x}))]"
    default = ENUM_DEFAULTS.get(kind)
    return Kind(f"coalesce({lookup}, CASE WHEN coalesce(trim({{x}}), '') = '' THEN '{default}' END)" if default else lookup)


KINDS: dict[str, Kind] = {
    "text": Kind("NULLIF(trim({x}), '')"),
    "address": Kind("NULLIF(trim({x}), '')"),
    "name": Kind("CASE WHEN length(trim({x})) > 40 THEN NULL WHEN regexp_matches({x}, '\\p{{Han}}')"
                 " THEN regexp_replace(trim({x}), '\\s+', '', 'g') ELSE regexp_replace(trim({x}), '\\s+', ' ', 'g') END"),
    "date": Kind("CAST(in_window(parse_ts({x}), events_from(), events_to()) AS DATE)",
                 "CASE WHEN parse_ts({x}) IS NOT NULL THEN 'out of range' ELSE 'not a date' END"),
    "birth_date": Kind("CAST(in_window(parse_ts({x}), births_from(), births_to()) AS DATE)",
                       "CASE WHEN parse_ts({x}) IS NOT NULL THEN 'out of range' ELSE 'not a date' END"),
    "datetime": Kind("in_window(parse_ts({x}), events_from(), events_to())",
                     "CASE WHEN parse_ts({x}) IS NOT NULL THEN 'out of range' ELSE 'not a date/time' END"),
    "resident_id": Kind(
        f"CASE WHEN regexp_full_match(squeeze({{x}}), '{_lit(DOC_PATTERNS['resident_id'])}') AND id_check_ok(squeeze({{x}}))"
        " AND CAST(in_window(try_strptime(substr(squeeze({x}), 7, 8), '%Y%m%d'), births_from(), births_to()) AS DATE)"
        " IS NOT NULL THEN squeeze({x}) END",
        f"CASE WHEN NOT regexp_full_match(squeeze({{x}}), '{_lit(DOC_PATTERNS['resident_id'])}') THEN 'not 18 characters'"
        " WHEN NOT id_check_ok(squeeze({x})) THEN 'check digit wrong' ELSE 'birth date invalid' END"),
    "doc_number": Kind("NULLIF(squeeze({x}), '')"),   # format checked against doc_type in feed rules
    "any_doc": Kind("CASE WHEN " + " OR ".join(
        f"regexp_full_match(squeeze({{x}}), '{_lit(p)}')" for p in DOC_PATTERNS.values()) + " THEN squeeze({x}) END"),
    "phone": Kind("CASE WHEN regexp_full_match(norm_phone({x}), '1[3-9][0-9]{{9}}|0[1-9][0-9]{{8,10}}')"
                  " THEN norm_phone({x}) END"),
    "temperature": Kind(f"CASE WHEN TRY_CAST(trim({{x}}) AS DOUBLE) BETWEEN {TEMPERATURE_RANGE[0]} AND"
                        f" {TEMPERATURE_RANGE[1]} THEN round(CAST(trim({{x}}) AS DOUBLE), 1) END",
                        f"'outside {TEMPERATURE_RANGE[0]}..{TEMPERATURE_RANGE[1]} °C'"),
    "lon": Kind("CASE WHEN TRY_CAST(trim({x}) AS DOUBLE) BETWEEN -180 AND 180 THEN CAST(trim({x}) AS DOUBLE) END"),
    "lat": Kind("CASE WHEN TRY_CAST(trim({x}) AS DOUBLE) BETWEEN -90 AND 90 THEN CAST(trim({x}) AS DOUBLE) END"),
    "count": Kind("CASE WHEN TRY_CAST(trim({x}) AS DOUBLE) >= 0 AND TRY_CAST(trim({x}) AS DOUBLE) % 1 = 0"
                  " THEN CAST(CAST(trim({x}) AS DOUBLE) AS INTEGER) END"),
    "plate": Kind("CASE WHEN regexp_full_match(squeeze({x}), '[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                  "[A-Z][A-Z0-9]{{5,6}}') THEN squeeze({x}) END"),
    "district_code": Kind("{ref}.key", lookup="districts.code"),      # the city's districts, in the store
    "checkpoint_id": Kind("{ref}.key", "'unknown checkpoint'", "checkpoints.checkpoint_id"),
    "site_id": Kind("{ref}.key", "'unknown quarantine site'", "quarantine_sites.site_id"),
    **{kind: _enum(kind) for kind in ENUMS},
}


def raw_column(column_name: str) -> str:
    return f'"raw_{column_name}"'


def _sql(column, template: str) -> str:
    """A kind's SQL for one column: its own date patterns (feeds file) tried before the usual ones."""
    if column.formats:
        patterns = "[" + ", ".join(f"'{f}'" for f in column.formats) + "]"
        template = template.replace("parse_ts({x})", f"coalesce(try_strptime(trim({{x}}), {patterns}), parse_ts({{x}}))")
    return template.format(x=raw_column(column.name), ref="ref_" + column.name)


def normalise_sql(feed: Feed) -> str:
    """SELECT list items: one normalised column per declared column."""
    return ", ".join(f'{_sql(c, KINDS[c.kind].value)} AS "{c.name}"' for c in feed.columns)


def lookups_sql(feed: Feed) -> str:
    """LEFT JOINs (after FROM raw) of the reference tables that lookup kinds validate against."""
    joins = []
    for col in feed.columns:
        if KINDS[col.kind].lookup:
            table, key = KINDS[col.kind].lookup.split(".")
            joins.append(f"LEFT JOIN (SELECT DISTINCT {key} AS key FROM {table}) ref_{col.name}"
                         f" ON ref_{col.name}.key = trim({raw_column(col.name)})")
    return " ".join(joins)


def reasons_sql(feed: Feed) -> str:
    """SQL for the reject reason of a normalised row ('' when the row is valid)."""
    checks = []
    for col in feed.columns:
        raw, kind = raw_column(col.name), KINDS[col.kind]
        blank = f"({raw} IS NULL OR trim({raw}) = '')"
        why = f"'{col.name}: ' || {_sql(col, kind.reason)}" if kind.reason else \
            f"'{col.name}: invalid {col.kind} ''' || {raw} || ''''"
        missing = f"'{col.name}: missing'" if col.required else "NULL"
        checks.append(f'CASE WHEN {blank} THEN {missing} WHEN "{col.name}" IS NULL THEN {why} END')
    checks.extend(_feed_rules(feed))
    return "concat_ws('; ', " + ", ".join(checks) + ")"


def _feed_rules(feed: Feed) -> list[str]:
    rules = []
    if feed.column("doc_type") and feed.column("doc_number"):
        cases = " ".join(f"WHEN '{t}' THEN regexp_full_match(doc_number, '{p}')" for t, p in DOC_PATTERNS.items())
        rules.append("CASE WHEN doc_type IS NOT NULL AND doc_number IS NOT NULL AND NOT (CASE doc_type "
                     f"{cases} END) THEN 'doc_number: not a valid ' || doc_type || ' number' END")
        rules.append("CASE WHEN doc_type = 'resident_id' AND regexp_full_match(doc_number, "
                     f"'{DOC_PATTERNS['resident_id']}') AND NOT id_check_ok(doc_number)"
                     " THEN 'doc_number: check digit wrong' END")
    if feed.column("quarantine_kind"):
        rules.append("CASE WHEN quarantine_kind = 'hotel' AND site_id IS NULL AND \"raw_site_id\" IS NULL"
                     " THEN 'site_id: missing for hotel quarantine' END")
    return rules
