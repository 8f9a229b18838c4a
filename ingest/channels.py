"""What each channel sends: one declaration per feed (file kind), the contract for ingest and the demo.

A feed declares its file format and dialect, the header (or JSON key) of each column, the column's
kind (which decides how it is validated and normalised, see `ingest.validate`), and what it writes.
Canonical column names are shared by all feeds, so identity resolution and placement work the same
for every channel: name, sex, birth_date, resident_id, doc_type + doc_number, phone, address, lon, lat.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    source: str           # header in the file (CSV/XLSX) or key (JSON lines)
    name: str             # canonical name
    kind: str             # see ingest.validate.KINDS
    required: bool = False


@dataclass(frozen=True)
class Feed:
    name: str
    channel: str
    pattern: str                     # file name glob that selects this feed
    format: str                      # csv | xlsx | jsonl
    columns: tuple[Column, ...]
    writes: tuple[str, ...]          # writer names in ingest.writers
    encoding: str = "utf-8"          # utf-8 (BOM or not) | gbk ; detected per file among these
    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    person: str = "none"             # none | resolve (create or match) | known (match documents only)
    place: str = "none"              # none | point (lon/lat, else address) | address | arrival_point | site | checkpoint
    time_column: str | None = None   # the event time: batches are stored sorted on it
    key: tuple[str, ...] = ()        # canonical columns naming one record: a re-send adds nothing, a change corrects
    label_zh: str = ""
    label_en: str = ""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


C = Column
PERSON_DOC = (C("证件类型", "doc_type", "doc_type", True), C("证件号码", "doc_number", "doc_number", True))

FEEDS: tuple[Feed, ...] = (
    # -- exit-entry administration: every registered resident who left and has not come back
    Feed("abroad", "exit_entry", "abroad*.jsonl", "jsonl", (
        C("name", "name", "name", True), C("sex", "sex", "sex"), C("birth_date", "birth_date", "birth_date"),
        C("resident_id", "resident_id", "resident_id", True),
        C("doc_type", "doc_type", "doc_type", True), C("doc_number", "doc_number", "doc_number", True),
        C("exit_date", "exit_date", "date", True), C("exit_port", "exit_port", "text"),
        C("country", "country", "text", True), C("city", "city", "text"),
        C("planned_return", "planned_return", "date"), C("phone", "phone", "phone"),
        C("hukou_address", "address", "address", True),
        C("verification", "verification_status", "verification"), C("verified_by", "verified_by", "text"),
        C("verified_at", "verified_at", "datetime"),
    ), writes=("registered_resident", "residence", "abroad"), key=("doc_type", "doc_number", "exit_date"),
        person="resolve", place="address", time_column="exit_date",
        label_zh="出入境管理：出境未归名单", label_en="Exit-entry: residents abroad"),

    # -- police big-data platform: border entries of residents, and rumour/enforcement cases
    Feed("police_entries", "police", "police_entries*.csv", "csv", (
        C("姓名", "name", "name", True), C("公民身份号码", "resident_id", "resident_id"), *PERSON_DOC,
        C("入境日期", "entry_date", "date", True), C("入境口岸", "port", "text", True),
        C("交通方式", "transport", "transport"), C("航班车次", "carrier_no", "text"),
        C("出发国家地区", "from_country", "text"), C("联系电话", "phone", "phone"),
    ), writes=("registered_resident", "border_entry", "sighting"), key=("doc_type", "doc_number", "entry_date", "port"),
        encoding="gbk", person="resolve",
        time_column="entry_date",
        label_zh="公安大数据平台：入境记录", label_en="Police platform: border entries"),
    Feed("police_cases", "police", "police_cases*.csv", "csv", (
        C("案件编号", "case_id", "text", True), C("查处日期", "handled_on", "date", True),
        C("区县代码", "district_code", "district_code", True), C("类别", "case_kind", "case_kind", True),
        C("教育训诫人数", "educated", "count", True), C("行政拘留人数", "detained", "count", True),
        C("罚款人数", "fined", "count", True), C("摘要", "summary", "text"),
    ), writes=("enforcement_case",), key=("case_id",), time_column="handled_on",
        label_zh="公安：涉疫案件查处", label_en="Police: rumour and enforcement cases"),

    # -- the tracing app: self-reports with a location
    Feed("tracing", "tracing_app", "tracing*.jsonl", "jsonl", (
        C("user_name", "name", "name", True), C("id_number", "resident_id", "resident_id", True),
        C("mobile", "phone", "phone"), C("reported_at", "seen_at", "datetime", True),
        C("lng", "lon", "lon", True), C("lat", "lat", "lat", True),
        C("came_from_country", "from_country", "text"), C("entry_date", "entry_date", "date"),
        C("entry_port", "port", "text"), C("body_temp", "temperature", "temperature"),
    ), writes=("sighting", "border_entry", "return_alert"), key=("resident_id", "seen_at"),
        person="resolve", place="point", time_column="seen_at",
        label_zh="新冠肺炎监控溯源APP", label_en="Tracing app"),

    # -- hotel / lodging registration
    Feed("hotel", "hotel", "hotel*.csv", "csv", (
        C("旅馆编码", "place_code", "text", True), C("旅馆名称", "place", "text", True),
        C("旅馆地址", "address", "address"), C("经度", "lon", "lon"), C("纬度", "lat", "lat"),
        C("入住时间", "seen_at", "datetime", True), C("姓名", "name", "name", True), *PERSON_DOC,
        C("联系电话", "phone", "phone"),
    ), writes=("sighting", "return_alert"), encoding="gbk", key=("place_code", "seen_at", "doc_type", "doc_number"),
        person="resolve", place="point",
        time_column="seen_at", label_zh="旅宿业管理系统", label_en="Hotel lodging registration"),

    # -- transport: rail and air passenger lists of arrivals
    Feed("rail", "transport", "rail*.csv", "csv", (
        C("车次", "carrier_no", "text", True), C("出发站", "from_place", "text"),
        C("到达站", "place", "text", True), C("到达时间", "seen_at", "datetime", True),
        C("姓名", "name", "name", True), *PERSON_DOC, C("手机", "phone", "phone"),
    ), writes=("sighting", "arrival", "return_alert"), key=("carrier_no", "seen_at", "doc_type", "doc_number"),
        person="resolve", place="arrival_point", time_column="seen_at",
        label_zh="交通运输：铁路旅客", label_en="Transport: rail passengers"),
    Feed("air", "transport", "air*.xlsx", "xlsx", (
        C("航班号", "carrier_no", "text", True), C("始发地", "from_place", "text"),
        C("到达机场", "place", "text", True), C("到达时间", "seen_at", "datetime", True),
        C("旅客姓名", "name", "name", True), *PERSON_DOC, C("联系电话", "phone", "phone"),
    ), writes=("sighting", "arrival", "return_alert"), key=("carrier_no", "seen_at", "doc_type", "doc_number"),
        person="resolve", place="arrival_point", time_column="seen_at",
        label_zh="交通运输：民航旅客", label_en="Transport: air passengers"),

    # -- university student registry: students abroad and their return home
    Feed("university", "university", "university*.xlsx", "xlsx", (
        C("学号", "student_no", "text", True), C("姓名", "name", "name", True),
        C("身份证号", "resident_id", "resident_id", True), C("学校", "school", "text"),
        C("所在国家", "from_country", "text"), C("返梧日期", "seen_at", "datetime", True),
        C("手机", "phone", "phone"), C("家庭住址", "address", "address", True),
    ), writes=("residence", "sighting", "return_alert"), key=("student_no", "seen_at"), person="resolve", place="address",
        time_column="seen_at",
        label_zh="高校学生管理系统", label_en="University student registry"),

    # -- community grid screening: door-to-door checks; the ID number is sometimes missing
    Feed("grid", "grid", "grid*.csv", "csv", (
        C("排查日期", "seen_at", "datetime", True), C("姓名", "name", "name", True),
        C("身份证号", "resident_id", "resident_id"), C("手机", "phone", "phone", True),
        C("现住址", "address", "address", True), C("经度", "lon", "lon"), C("纬度", "lat", "lat"),
        C("来自国家地区", "from_country", "text"), C("入境日期", "entry_date", "date"),
        C("服务措施", "measure", "text"),
    ), writes=("residence", "sighting", "service_measure", "return_alert"), key=("seen_at", "name", "phone"),
        encoding="gbk", person="resolve", place="point",
        time_column="seen_at", label_zh="社区网格化排查", label_en="Community grid screening"),

    # -- joint checkpoints: the list of stations, and their vehicle and person checks
    Feed("checkpoint_sites", "checkpoints", "checkpoints*.csv", "csv", (
        C("卡点编号", "checkpoint_id", "text", True), C("卡点名称", "place", "text", True),
        C("道路", "road", "text"), C("经度", "lon", "lon", True), C("纬度", "lat", "lat", True),
    ), writes=("checkpoint",), key=("checkpoint_id",), place="point", label_zh="联合检测站名录", label_en="Checkpoint list"),
    Feed("vehicle_checks", "checkpoints", "vehicle_checks*.csv", "csv", (
        C("卡点编号", "checkpoint_id", "checkpoint_id", True), C("检查时间", "checked_at", "datetime", True),
        C("车牌号", "plate", "plate", True), C("车辆类型", "vehicle_type", "text"),
        C("乘员数", "occupants", "count"),
    ), writes=("vehicle_check",), key=("checkpoint_id", "checked_at", "plate"), time_column="checked_at",
        label_zh="联合检测站：车辆检查", label_en="Checkpoints: vehicle checks"),
    Feed("person_checks", "checkpoints", "person_checks*.csv", "csv", (
        C("卡点编号", "checkpoint_id", "checkpoint_id", True), C("检查时间", "checked_at", "datetime", True),
        C("姓名", "name", "name"), C("身份证号", "resident_id", "resident_id", True),
        C("体温", "temperature", "temperature"), C("来自", "from_place", "text"),
    ), writes=("person_check", "checkpoint_arrival", "return_alert"), key=("checkpoint_id", "checked_at", "resident_id"),
        person="known", place="checkpoint",
        time_column="checked_at", label_zh="联合检测站：人员查验", label_en="Checkpoints: person checks"),

    # -- quarantine: designated sites, check-ins (with the transfer), daily temperatures, releases
    Feed("quarantine_sites", "quarantine", "qsites*.csv", "csv", (
        C("场所编号", "site_id", "text", True), C("场所名称", "place", "text", True),
        C("类型", "site_kind", "site_kind", True), C("房间数", "capacity", "count", True),
        C("地址", "address", "address"), C("经度", "lon", "lon", True), C("纬度", "lat", "lat", True),
    ), writes=("quarantine_site",), key=("site_id",), place="point", label_zh="隔离场所", label_en="Quarantine sites"),
    Feed("quarantine_checkins", "quarantine", "qcheckin*.csv", "csv", (
        C("姓名", "name", "name", True), *PERSON_DOC, C("联系电话", "phone", "phone"),
        C("隔离方式", "quarantine_kind", "quarantine_kind", True), C("场所编号", "site_id", "site_id"),
        C("居家地址", "address", "address"), C("经度", "lon", "lon"), C("纬度", "lat", "lat"),
        C("开始时间", "seen_at", "datetime", True), C("接送地点", "transfer_from", "text"),
        C("接送时间", "transfer_at", "datetime"), C("转运专班", "transfer_team", "text"),
        C("车牌号", "vehicle", "plate"),
    ), writes=("residence", "quarantine", "transfer", "sighting", "quarantine_measure", "return_alert"), key=("doc_type", "doc_number", "seen_at"),
        person="resolve", place="site",
        time_column="seen_at", label_zh="隔离登记与转运", label_en="Quarantine check-ins and transfers"),
    Feed("quarantine_temps", "quarantine", "qtemps*.xlsx", "xlsx", (
        C("证件号码", "doc_number", "any_doc", True), C("姓名", "name", "name"),
        C("检测时间", "checked_at", "datetime", True), C("体温", "temperature", "temperature", True),
        C("症状", "symptoms", "text"),
    ), writes=("health_check",), key=("doc_number", "checked_at"), person="known", time_column="checked_at",
        label_zh="隔离人员每日体温", label_en="Daily temperature checks"),
    Feed("quarantine_releases", "quarantine", "qrelease*.csv", "csv", (
        C("证件号码", "doc_number", "any_doc", True), C("姓名", "name", "name"),
        C("解除时间", "released_at", "datetime", True),
    ), writes=("release",), key=("doc_number", "released_at"), person="known", time_column="released_at",
        label_zh="解除隔离", label_en="Quarantine releases"),

    # -- CDC: confirmed cases
    Feed("cases", "cdc", "cases*.csv", "csv", (
        C("病例编号", "case_id", "text", True), C("姓名", "name", "name", True), *PERSON_DOC,
        C("确诊日期", "confirmed_on", "date", True), C("类型", "case_kind", "case_origin", True),
        C("现住址", "address", "address", True),
    ), writes=("residence", "case"), key=("case_id",), person="resolve", place="address", time_column="confirmed_on",
        label_zh="疾控中心：确诊病例", label_en="CDC: confirmed cases"),
)

CHANNELS: tuple[str, ...] = tuple(dict.fromkeys(f.channel for f in FEEDS))


def feed_named(name: str) -> Feed:
    for feed in FEEDS:
        if feed.name == name:
            return feed
    raise KeyError(f"unknown feed {name!r}; feeds: {', '.join(f.name for f in FEEDS)}")


def feed_for(channel: str, file_name: str) -> Feed:
    """The feed of `channel` whose pattern matches the file's name."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; channels: {', '.join(CHANNELS)}")
    candidates = [f for f in FEEDS if f.channel == channel and fnmatch.fnmatch(file_name.lower(), f.pattern)]
    if not candidates:
        patterns = ", ".join(f.pattern for f in FEEDS if f.channel == channel)
        raise ValueError(f"{file_name}: no {channel} feed matches this file name (expected {patterns})")
    return candidates[0]
