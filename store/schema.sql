-- The store: one DuckDB file, the single source of truth.
-- Every person-level row carries community/township/district codes assigned once at ingest.
-- Tables that grow with time are appended batch by batch in time order (each batch sorted on its time column).

-- ---------------------------------------------------------------- geography (loaded by `demo` / `geo` set-up)
CREATE TABLE IF NOT EXISTS districts (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, generated BOOLEAN NOT NULL, wkb BLOB);
CREATE TABLE IF NOT EXISTS townships (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, district_code VARCHAR NOT NULL,
    generated BOOLEAN NOT NULL, wkb BLOB);
CREATE TABLE IF NOT EXISTS communities (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    township_code VARCHAR NOT NULL, district_code VARCHAR NOT NULL, generated BOOLEAN NOT NULL,
    lon DOUBLE, lat DOUBLE, wkb BLOB);
-- named places where travellers arrive (stations, airport) or are met
CREATE TABLE IF NOT EXISTS arrival_points (
    name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, lon DOUBLE, lat DOUBLE, in_city BOOLEAN NOT NULL,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR, source VARCHAR);

-- ---------------------------------------------------------------- batches and rejects (provenance)
CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
    batch_id BIGINT PRIMARY KEY, channel VARCHAR NOT NULL, feed VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL UNIQUE, rows_read BIGINT NOT NULL, rows_accepted BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL, persons_new BIGINT NOT NULL, persons_matched BIGINT NOT NULL,
    review_pairs BIGINT NOT NULL, data_from TIMESTAMP, data_to TIMESTAMP,
    started_at TIMESTAMP NOT NULL, committed_at TIMESTAMP NOT NULL,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,  -- accepted rows whose record was already stored as sent
    rows_corrected BIGINT NOT NULL DEFAULT 0); -- accepted rows that replaced a stored record's values
CREATE TABLE IF NOT EXISTS rejects (
    batch_id BIGINT NOT NULL, channel VARCHAR NOT NULL, feed VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
    line BIGINT NOT NULL, reason VARCHAR NOT NULL, raw VARCHAR);
-- every record stored, by its feed's natural key (ingest.channels Feed.key): the current values and the
-- batch and line whose derived rows (sightings, arrivals, checks, ...) carry it
CREATE TABLE IF NOT EXISTS records (
    feed VARCHAR NOT NULL, key VARCHAR NOT NULL, fields VARCHAR NOT NULL, -- fields: JSON of the normalised columns
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
-- the history of corrections: a record re-sent with changed values replaced the stored one
CREATE TABLE IF NOT EXISTS corrections (
    feed VARCHAR NOT NULL, key VARCHAR NOT NULL, changed VARCHAR NOT NULL, -- JSON {column: [before, after]}
    before_fields VARCHAR NOT NULL, before_batch_id BIGINT NOT NULL, before_line BIGINT NOT NULL,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL, corrected_at TIMESTAMP NOT NULL);

-- ---------------------------------------------------------------- persons and identity
CREATE TABLE IF NOT EXISTS persons (
    person_id BIGINT PRIMARY KEY, name VARCHAR, sex VARCHAR, birth_date DATE, phone VARCHAR,
    is_registered_resident BOOLEAN NOT NULL DEFAULT false, -- household registration (户籍) in Wuzhou
    address VARCHAR, lon DOUBLE, lat DOUBLE,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    first_channel VARCHAR NOT NULL, first_batch_id BIGINT NOT NULL);
-- every document a person is known by: resident_id, passport, hk_macau_permit, home_return_permit
CREATE TABLE IF NOT EXISTS documents (
    doc_type VARCHAR NOT NULL, doc_number VARCHAR NOT NULL, person_id BIGINT NOT NULL,
    batch_id BIGINT NOT NULL, PRIMARY KEY (doc_type, doc_number));
-- candidate pairs that were not merged automatically: a person reviews them
CREATE TABLE IF NOT EXISTS identity_review (
    batch_id BIGINT NOT NULL, channel VARCHAR NOT NULL, line BIGINT NOT NULL,
    person_id BIGINT NOT NULL, candidate_person_id BIGINT NOT NULL, score DOUBLE NOT NULL,
    reasons VARCHAR NOT NULL, status VARCHAR NOT NULL DEFAULT 'open', -- open, deferred, merged, apart, split
    weights VARCHAR); -- JSON {field: match weight} of the model's score (NULL when no model scored the pair)
-- a pair merged on review (the person merged away lives on in the rows listed, so that a split can undo it)
CREATE TABLE IF NOT EXISTS person_merges (
    merge_id BIGINT PRIMARY KEY, kept_person_id BIGINT NOT NULL, merged_person_id BIGINT NOT NULL,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL, -- the review pair's
    merged_person VARCHAR NOT NULL, -- JSON of the merged person's `persons` row
    merged_at TIMESTAMP NOT NULL, merged_by VARCHAR NOT NULL, split_at TIMESTAMP, split_by VARCHAR);
-- the rows a merge moved from the merged person to the kept one: table and the row's key there
CREATE TABLE IF NOT EXISTS person_merge_rows (
    merge_id BIGINT NOT NULL, table_name VARCHAR NOT NULL, row_key VARCHAR NOT NULL);
-- every comparable form of a name a person was seen with (ingest/names.py: pinyin, case, spacing, order)
CREATE TABLE IF NOT EXISTS person_names (
    person_id BIGINT NOT NULL, name_flat VARCHAR NOT NULL, name_tokens VARCHAR NOT NULL,
    PRIMARY KEY (person_id, name_flat));
-- the probabilistic identity model (Splink's JSON: m and u per comparison level, estimated by EM from the data)
CREATE TABLE IF NOT EXISTS identity_model (
    trained_at TIMESTAMP NOT NULL, batch_id BIGINT NOT NULL, batch_records BIGINT NOT NULL,
    known_records BIGINT NOT NULL, model_json VARCHAR NOT NULL);

-- ---------------------------------------------------------------- every channel row about a person
CREATE TABLE IF NOT EXISTS sightings (
    person_id BIGINT NOT NULL, channel VARCHAR NOT NULL, feed VARCHAR NOT NULL, seen_at TIMESTAMP NOT NULL,
    place VARCHAR, lon DOUBLE, lat DOUBLE,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);

-- ---------------------------------------------------------------- the loop
-- residents abroad (exit-entry list): one row per listed departure
CREATE TABLE IF NOT EXISTS abroad (
    person_id BIGINT NOT NULL, doc_type VARCHAR NOT NULL, doc_number VARCHAR NOT NULL,
    exit_date DATE NOT NULL, exit_port VARCHAR, country VARCHAR NOT NULL, city VARCHAR,
    planned_return DATE, contact_phone VARCHAR, verification_status VARCHAR NOT NULL,
    verified_by VARCHAR, verified_at TIMESTAMP,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS border_entries (
    person_id BIGINT NOT NULL, entry_date DATE NOT NULL, port VARCHAR NOT NULL, transport VARCHAR,
    carrier_no VARCHAR, from_country VARCHAR, channel VARCHAR NOT NULL,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS arrivals (
    person_id BIGINT NOT NULL, arrived_at TIMESTAMP NOT NULL, place_kind VARCHAR NOT NULL, place VARCHAR NOT NULL,
    carrier_no VARCHAR, from_place VARCHAR, channel VARCHAR NOT NULL,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS transfers (
    person_id BIGINT NOT NULL, transfer_at TIMESTAMP NOT NULL, from_place VARCHAR NOT NULL,
    to_kind VARCHAR NOT NULL, to_site_id VARCHAR, team VARCHAR, vehicle VARCHAR,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine_sites (
    site_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, capacity INTEGER NOT NULL,
    address VARCHAR, lon DOUBLE, lat DOUBLE,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR, batch_id BIGINT NOT NULL);
-- kind: hotel (centralised medical observation) or home (approved exception); planned_end = start + 14 days
CREATE TABLE IF NOT EXISTS quarantines (
    person_id BIGINT NOT NULL, kind VARCHAR NOT NULL, site_id VARCHAR, start_at TIMESTAMP NOT NULL,
    planned_end DATE NOT NULL, released_at TIMESTAMP, address VARCHAR, lon DOUBLE, lat DOUBLE,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS health_checks (
    person_id BIGINT NOT NULL, checked_at TIMESTAMP NOT NULL, temperature DOUBLE NOT NULL, symptoms VARCHAR,
    channel VARCHAR NOT NULL, community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS service_measures (
    person_id BIGINT NOT NULL, measure VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, channel VARCHAR NOT NULL,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);

-- ---------------------------------------------------------------- checkpoints (joint inspection stations)
CREATE TABLE IF NOT EXISTS checkpoints (
    checkpoint_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, road VARCHAR, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR, batch_id BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint_vehicle_checks (
    checkpoint_id VARCHAR NOT NULL, checked_at TIMESTAMP NOT NULL, plate VARCHAR NOT NULL, vehicle_type VARCHAR,
    occupants INTEGER, batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint_person_checks (
    checkpoint_id VARCHAR NOT NULL, checked_at TIMESTAMP NOT NULL, person_id BIGINT, -- set when the document is known
    temperature DOUBLE, from_place VARCHAR, batch_id BIGINT NOT NULL, line BIGINT NOT NULL);

-- ---------------------------------------------------------------- enforcement and cases
CREATE TABLE IF NOT EXISTS enforcement_cases (
    case_id VARCHAR PRIMARY KEY, handled_on DATE NOT NULL, kind VARCHAR NOT NULL, district_code VARCHAR,
    educated INTEGER NOT NULL, detained INTEGER NOT NULL, fined INTEGER NOT NULL, summary VARCHAR,
    batch_id BIGINT NOT NULL, line BIGINT NOT NULL);
-- confirmed cases: imported or local
CREATE TABLE IF NOT EXISTS cases (
    case_id VARCHAR PRIMARY KEY, person_id BIGINT, confirmed_on DATE NOT NULL, kind VARCHAR NOT NULL,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR, batch_id BIGINT NOT NULL, line BIGINT NOT NULL);

-- ---------------------------------------------------------------- alerts raised at ingest
-- return alert (回梧即触发预警): someone on the abroad list reported in the city by any channel after leaving;
-- one per person and departure, raised in the batch that carries the first such report
CREATE TABLE IF NOT EXISTS alerts (
    alert_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, person_id BIGINT NOT NULL, raised_at TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL, feed VARCHAR NOT NULL, place VARCHAR, lon DOUBLE, lat DOUBLE,
    community_code VARCHAR, township_code VARCHAR, district_code VARCHAR, batch_id BIGINT NOT NULL, line BIGINT NOT NULL);

-- ---------------------------------------------------------------- derived (store/derived.sql keeps them up to date)
-- where each person belongs before any transfer; every list of people starts from it (at scale 100 grouping
-- 3.1 M reports of 941,000 people per query took 0.5 s)
CREATE TABLE IF NOT EXISTS person_homes (
    person_id BIGINT, community_code VARCHAR, township_code VARCHAR, district_code VARCHAR);
-- when each person is in each population of the closed loop (queries/loop_members.sql reads it for any date): in
-- `population` at the end of day D when from_day <= D < until_day (no until_day: from then on) and, for a
-- population counted from the first day asked ($since: entered, arrived, released), from_day >= that day; the
-- populations' ranks order a person's stage (6 abroad .. 1 measures). Every list of people filters it (at scale
-- 100 the whole city's count took 0.5-0.66 s from the six event tables it is made of, 0.09-0.12 s from it)
CREATE TABLE IF NOT EXISTS loop_spans (
    person_id BIGINT, population VARCHAR, rank TINYINT, from_day DATE, until_day DATE, since_bound BOOLEAN);
