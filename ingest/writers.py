"""Writers: SQL that moves a batch's accepted rows (temp table `acc`) into the store's tables.

`acc` holds the feed's canonical columns, `person_id`, and the row's place (place_lon, place_lat and
its community/township/district codes). A record about a person with no place of its own takes the
person's residence codes; an arrival belongs to where the person lives (the station is its `place`). Rows are inserted sorted on their time column, so tables stay in time order.
Re-sent rows (the same event from the same person again) are not stored twice.
"""
from __future__ import annotations

from ingest.channels import Feed

CODES = ("community_code", "township_code", "district_code")


class _Columns(dict):
    """Template mapping: a feed column's name when the feed has it, else NULL."""

    def __init__(self, feed: Feed):
        super().__init__()
        self.feed = feed

    def __missing__(self, key: str) -> str:
        if key == "codes":        # where the event happened, else where the person lives
            return ", ".join(f"coalesce(a.{c}, p.{c})" for c in CODES)
        if key == "home_codes":   # where the person lives, else where the event happened
            return ", ".join(f"coalesce(p.{c}, a.{c})" for c in CODES)
        if key == "districts":    # a registered resident's ID starts with the district of registration
            return "SELECT code FROM districts"       # the city's, in the store
        if key == "time":
            return f"a.{self.feed.time_column}"
        if key == "place_name":   # what a person reads as the place: a named place, else the address
            names = [f"a.{c}" for c in ("place", "checkpoint_id", "address") if self.feed.column(c)]
            return f"coalesce({', '.join(names)})" if names else "NULL"
        return f"a.{key}" if self.feed.column(key) else "NULL"


PERSON_JOIN = "FROM acc a LEFT JOIN persons p USING (person_id)"

WRITERS: dict[str, str] = {
    "registered_resident": """
        UPDATE persons SET is_registered_resident = true,
            district_code = coalesce(persons.district_code, CASE WHEN left(d.doc_number, 6) IN ({districts})
                                                                 THEN left(d.doc_number, 6) END)
        FROM (SELECT person_id, min(doc_number) FILTER (WHERE doc_type = 'resident_id') AS doc_number
              FROM documents WHERE person_id IN (SELECT person_id FROM acc) GROUP BY person_id) d
        WHERE persons.person_id = d.person_id""",
    "residence": """
        UPDATE persons SET address = r.address, lon = r.place_lon, lat = r.place_lat,
            community_code = r.community_code, township_code = r.township_code, district_code = r.district_code
        FROM (SELECT DISTINCT ON (person_id) * FROM acc WHERE address IS NOT NULL AND community_code IS NOT NULL
              ORDER BY person_id, line DESC) r
        WHERE persons.person_id = r.person_id""",
    "sighting": """
        INSERT INTO sightings SELECT a.person_id, $channel, $feed, CAST({time} AS TIMESTAMP), {place_name},
            a.place_lon, a.place_lat, {codes}, $batch, a.line
        {join} ORDER BY 4""",
    "return_alert": """
        INSERT OR IGNORE INTO alerts SELECT 'return:' || a.person_id || ':' || x.exit_date, 'return', a.person_id,
            CAST({time} AS TIMESTAMP), $channel, $feed, {place_name}, a.place_lon, a.place_lat,
            a.community_code, a.township_code, a.district_code, $batch, a.line
        FROM acc a JOIN (SELECT person_id, max(exit_date) AS exit_date FROM abroad GROUP BY person_id) x USING (person_id)
        WHERE a.community_code IS NOT NULL AND CAST({time} AS DATE) >= x.exit_date
        QUALIFY row_number() OVER (PARTITION BY a.person_id ORDER BY {time}, a.line) = 1""",
    "abroad": """
        INSERT INTO abroad SELECT a.person_id, a.doc_type, a.doc_number, a.exit_date, {exit_port}, a.country,
            {city}, {planned_return}, a.phone, a.verification_status, {verified_by}, {verified_at}, {codes}, $batch, a.line
        {join} WHERE NOT EXISTS (SELECT 1 FROM abroad x WHERE x.person_id = a.person_id
                                 AND x.doc_number = a.doc_number AND x.exit_date = a.exit_date)
        QUALIFY row_number() OVER (PARTITION BY a.person_id, a.doc_number, a.exit_date ORDER BY a.line) = 1
        ORDER BY a.exit_date""",
    "border_entry": """
        INSERT INTO border_entries SELECT a.person_id, a.entry_date, a.port, {transport}, {carrier_no},
            {from_country}, $channel, {codes}, $batch, a.line
        {join} WHERE a.entry_date IS NOT NULL AND a.port IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM border_entries x WHERE x.person_id = a.person_id
                            AND x.entry_date = a.entry_date)
        QUALIFY row_number() OVER (PARTITION BY a.person_id, a.entry_date ORDER BY a.line) = 1
        ORDER BY a.entry_date""",
    "arrival": """
        INSERT INTO arrivals SELECT a.person_id, a.seen_at, ap.kind, a.place, {carrier_no}, {from_place},
            $channel, {home_codes}, $batch, a.line
        {join} JOIN arrival_points ap ON ap.name = a.place
        WHERE ap.in_city AND NOT EXISTS (SELECT 1 FROM arrivals x WHERE x.person_id = a.person_id
                                         AND x.arrived_at = a.seen_at)
        QUALIFY row_number() OVER (PARTITION BY a.person_id, a.seen_at ORDER BY a.line) = 1
        ORDER BY a.seen_at""",
    "checkpoint_arrival": """
        INSERT INTO arrivals SELECT a.person_id, a.checked_at, 'checkpoint', c.name, NULL, {from_place},
            $channel, {home_codes}, $batch, a.line
        {join} JOIN checkpoints c USING (checkpoint_id)
        WHERE a.person_id IS NOT NULL ORDER BY a.checked_at""",
    "service_measure": """
        INSERT INTO service_measures SELECT a.person_id, a.measure, a.seen_at, $channel, {codes}, $batch, a.line
        {join} WHERE a.measure IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM service_measures x WHERE x.person_id = a.person_id
                            AND x.measure = a.measure AND x.started_at = a.seen_at)
        ORDER BY a.seen_at""",
    "quarantine_measure": """
        INSERT INTO service_measures SELECT a.person_id,
            CASE a.quarantine_kind WHEN 'hotel' THEN '集中隔离医学观察' ELSE '居家隔离医学观察' END, a.seen_at,
            $channel, {codes}, $batch, a.line
        {join} WHERE NOT EXISTS (SELECT 1 FROM quarantines x WHERE x.person_id = a.person_id
                                 AND x.start_at = a.seen_at AND x.batch_id <> $batch)
        ORDER BY a.seen_at""",
    "quarantine": """
        INSERT INTO quarantines SELECT a.person_id, a.quarantine_kind, a.site_id, a.seen_at,
            CAST(a.seen_at AS DATE) + 14, NULL, a.address, a.place_lon, a.place_lat, {codes}, $batch, a.line
        {join} WHERE NOT EXISTS (SELECT 1 FROM quarantines x WHERE x.person_id = a.person_id
                                 AND x.start_at = a.seen_at)
        QUALIFY row_number() OVER (PARTITION BY a.person_id, a.seen_at ORDER BY a.line) = 1
        ORDER BY a.seen_at""",
    "transfer": """
        INSERT INTO transfers SELECT a.person_id, coalesce(a.transfer_at, a.seen_at), a.transfer_from,
            a.quarantine_kind, a.site_id, a.transfer_team, a.vehicle, {codes}, $batch, a.line
        {join} WHERE a.transfer_from IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.person_id = a.person_id
                            AND x.transfer_at = coalesce(a.transfer_at, a.seen_at))
        ORDER BY 2""",
    "health_check": """
        INSERT INTO health_checks SELECT a.person_id, a.checked_at, a.temperature, {symptoms}, $channel, {codes},
            $batch, a.line
        {join} WHERE NOT EXISTS (SELECT 1 FROM health_checks x WHERE x.person_id = a.person_id
                                 AND x.checked_at = a.checked_at)
        QUALIFY row_number() OVER (PARTITION BY a.person_id, a.checked_at ORDER BY a.line) = 1
        ORDER BY a.checked_at""",
    "release": """
        UPDATE quarantines SET released_at = r.released_at
        FROM (SELECT person_id, max(released_at) AS released_at FROM acc GROUP BY person_id) r
        WHERE quarantines.person_id = r.person_id AND quarantines.start_at <= r.released_at
            AND (quarantines.released_at IS NULL
                 OR CAST(quarantines.released_at AS DATE) = CAST(r.released_at AS DATE))""",
    "enforcement_case": """
        INSERT OR IGNORE INTO enforcement_cases SELECT a.case_id, a.handled_on, a.case_kind, a.district_code,
            a.educated, a.detained, a.fined, {summary}, $batch, a.line
        FROM acc a ORDER BY a.handled_on""",
    "case": """
        INSERT OR IGNORE INTO cases SELECT a.case_id, a.person_id, a.confirmed_on, a.case_kind, {codes}, $batch,
            a.line {join} ORDER BY a.confirmed_on""",
    "checkpoint": """
        INSERT OR REPLACE INTO checkpoints SELECT a.checkpoint_id, a.place, {road}, a.place_lon, a.place_lat,
            a.community_code, a.township_code, a.district_code, $batch
        FROM acc a QUALIFY row_number() OVER (PARTITION BY a.checkpoint_id ORDER BY a.line DESC) = 1""",
    "quarantine_site": """
        INSERT OR REPLACE INTO quarantine_sites SELECT a.site_id, a.place, a.site_kind, a.capacity, {address},
            a.place_lon, a.place_lat, a.community_code, a.township_code, a.district_code, $batch
        FROM acc a QUALIFY row_number() OVER (PARTITION BY a.site_id ORDER BY a.line DESC) = 1""",
    "vehicle_check": """
        INSERT INTO checkpoint_vehicle_checks SELECT a.checkpoint_id, a.checked_at, a.plate, {vehicle_type},
            {occupants}, $batch, a.line
        FROM acc a ORDER BY a.checked_at""",
    "person_check": """
        INSERT INTO checkpoint_person_checks SELECT a.checkpoint_id, a.checked_at, a.person_id, {temperature},
            {from_place}, $batch, a.line
        FROM acc a ORDER BY a.checked_at""",
}

# the tables a writer inserts into, each row naming the batch and line of the record it came from: a corrected
# record's rows are deleted before its new values are written (writers that update in place need nothing)
DERIVED: dict[str, str] = {
    "sighting": "sightings", "return_alert": "alerts", "abroad": "abroad", "border_entry": "border_entries",
    "arrival": "arrivals", "checkpoint_arrival": "arrivals", "service_measure": "service_measures",
    "quarantine_measure": "service_measures", "quarantine": "quarantines", "transfer": "transfers",
    "health_check": "health_checks", "enforcement_case": "enforcement_cases", "case": "cases",
    "vehicle_check": "checkpoint_vehicle_checks", "person_check": "checkpoint_person_checks",
}

# rows a writer cannot use are rejected before anything is written (reason, SQL condition on `acc` a)
ROW_RULES: dict[str, tuple[str, str]] = {
    "release": ("released_at: no open quarantine for this person", """NOT EXISTS (
        SELECT 1 FROM quarantines q WHERE q.person_id = a.person_id AND q.start_at <= a.released_at
        AND (q.released_at IS NULL OR CAST(q.released_at AS DATE) = CAST(a.released_at AS DATE)))"""),
}


def render(writer: str, feed: Feed) -> str:
    """The writer's SQL for this feed, with $channel, $feed and $batch left as parameters."""
    sql = WRITERS[writer].replace("{join}", PERSON_JOIN)
    return sql.format_map(_Columns(feed))
