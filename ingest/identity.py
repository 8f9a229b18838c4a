"""Resolve the person behind each accepted row, across channels.

1. Exact: any normalised document number already known -> that person, unless the row's name and birth
   date both contradict the person's (then a new person and a pair in `identity_review`).
2. Rows of this batch sharing a document are one person.
3. Rows with no known document: scored against the known persons they are blocked with (same name form,
   birth date, phone or document) by the store's probabilistic model (ingest/linkage.py, Splink), in three
   bands: a match probability >= MERGE with one person merges; REVIEW..MERGE becomes a new person plus
   pairs in `identity_review` (never merged silently); below REVIEW a new person. A store without a
   model trains one by EM on the first batch with enough records on both sides; until then the
   candidates are exact name plus the same birth date or phone (scored 0.5-1.1, merged from 0.8).
Input: temp table `acc` (line, name, phone, birth_date?, doc columns). Output: temp table `resolved`
(line, person_id, is_new).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ingest import linkage
from ingest.channels import Feed
from ingest.names import name_keys
from ingest.validate import DOC_PATTERNS

DOC_TYPES = tuple(DOC_PATTERNS)
MERGE = 0.9           # match probability from which one candidate is merged
REVIEW = 0.002        # ... from which a candidate pair is put to a person (bench/bench_identity.py)
STRONG = 0.8          # without a model: name + birth date, or name + phone
MIN_TRAIN = 1000      # records needed on each side to estimate a model


@dataclass
class Resolution:
    persons_new: int
    persons_matched: int
    review_pairs: int


def doc_columns_sql(feed: Feed) -> str:
    """SELECT items giving one column per document type from the feed's columns."""
    items = []
    for doc in DOC_TYPES:
        sources = []
        if doc == "resident_id" and feed.column("resident_id"):
            sources.append("resident_id")
        if feed.column("doc_type"):
            sources.append(f"CASE WHEN doc_type = '{doc}' THEN doc_number END")
        elif feed.column("doc_number"):   # any_doc: the type follows from the number's form
            sources.append(f"CASE WHEN regexp_full_match(doc_number, '{DOC_PATTERNS[doc]}') THEN doc_number END")
        items.append(f"COALESCE({', '.join(sources) or 'NULL'}, NULL) AS doc_{doc}")
    items.append(f"{'phone' if feed.column('phone') else 'CAST(NULL AS VARCHAR)'} AS id_phone")
    birth = "birth_date" if feed.column("birth_date") else "NULL"
    items.append(f"COALESCE({birth}, CAST(try_strptime(substr(doc_resident_id, 7, 8), '%Y%m%d') AS DATE))"
                 " AS id_birth_date")
    return ", ".join(items)


def resolve(conn, feed: Feed, batch_id: int, create: bool) -> Resolution:
    """Fill temp table `resolved`; with create=False only exact document matches count."""
    if create:
        _batch_names(conn)
    docs_union = " UNION ALL ".join(
        f"SELECT line, '{d}' AS doc_type, doc_{d} AS doc_number FROM acc WHERE doc_{d} IS NOT NULL" for d in DOC_TYPES)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE row_docs AS {docs_union}")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE exact AS
        SELECT r.line, min(d.person_id) AS person_id, count(DISTINCT d.person_id) AS persons
        FROM row_docs r JOIN documents d USING (doc_type, doc_number) GROUP BY r.line""")
    review = _review_conflicts(conn, feed, batch_id)
    if create:
        review += _hold_contradicted(conn, feed, batch_id)
    conn.execute("CREATE OR REPLACE TEMP TABLE resolved AS SELECT line, person_id, false AS is_new FROM exact")
    if not create:
        return Resolution(0, _count(conn, "SELECT count(DISTINCT person_id) FROM resolved"), review)

    # rows of this batch that share a document are one person (two passes close short chains)
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE pending AS SELECT line FROM acc WHERE line NOT IN (SELECT line FROM exact);
        CREATE OR REPLACE TEMP TABLE cluster AS SELECT line, line AS root FROM pending;""")
    for _ in range(2):
        conn.execute("""
            CREATE OR REPLACE TEMP TABLE cluster AS
            WITH doc_root AS (SELECT r.doc_type, r.doc_number, min(c.root) AS root
                              FROM row_docs r JOIN cluster c USING (line) GROUP BY ALL)
            SELECT c.line, least(c.root, coalesce(min(d.root), c.root)) AS root
            FROM cluster c LEFT JOIN row_docs r USING (line) LEFT JOIN doc_root d USING (doc_type, doc_number)
            GROUP BY c.line, c.root""")
    # rows without any document group by name + phone
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE cluster AS
        SELECT c.line, CASE WHEN c.line IN (SELECT line FROM row_docs) OR a.id_phone IS NULL THEN c.root
                            ELSE min(c.line) OVER (PARTITION BY a.name, a.id_phone,
                                 c.line IN (SELECT line FROM row_docs)) END AS root
        FROM cluster c JOIN acc a USING (line)""")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE roots AS
        SELECT a.line AS root, a.name, a.id_phone AS phone, a.id_birth_date AS birth_date FROM acc a
        WHERE a.line IN (SELECT root FROM cluster)""")
    review += _match_candidates(conn, feed, batch_id)
    next_id = _count(conn, "SELECT coalesce(max(person_id), 0) + 1 FROM persons")
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE new_roots AS
        SELECT root, {next_id} - 1 + row_number() OVER (ORDER BY root) AS person_id
        FROM (SELECT DISTINCT root FROM cluster) WHERE root NOT IN (SELECT root FROM merged)""")
    conn.execute("""
        INSERT INTO resolved
        SELECT c.line, coalesce(m.person_id, n.person_id), m.person_id IS NULL
        FROM cluster c LEFT JOIN merged m USING (root) LEFT JOIN new_roots n USING (root)""")
    conn.execute("UPDATE identity_review SET person_id = r.person_id FROM resolved r"
                 " WHERE identity_review.batch_id = ? AND identity_review.person_id = -r.line", [batch_id])
    _store_persons(conn, feed, batch_id)
    return Resolution(_count(conn, "SELECT count(*) FROM new_roots"),
                      _count(conn, "SELECT count(DISTINCT person_id) FROM resolved WHERE NOT is_new"), review)


def _store_persons(conn, feed: Feed, batch_id: int) -> None:
    """Insert the new persons and every document now known; fill gaps in matched persons' details."""
    sex = "a.sex" if feed.column("sex") else "NULL"
    conn.execute(f"""
        INSERT INTO persons (person_id, name, sex, birth_date, phone, first_channel, first_batch_id)
        SELECT n.person_id, a.name, {sex}, a.id_birth_date, a.id_phone, ?, ?
        FROM new_roots n JOIN acc a ON a.line = n.root""", [feed.channel, batch_id])
    conn.execute("""
        UPDATE persons SET phone = coalesce(persons.phone, u.phone), birth_date = coalesce(persons.birth_date, u.birth)
        FROM (SELECT r.person_id, max(a.id_phone) AS phone, max(a.id_birth_date) AS birth
              FROM resolved r JOIN acc a USING (line) WHERE NOT r.is_new GROUP BY r.person_id) u
        WHERE persons.person_id = u.person_id AND (persons.phone IS NULL OR persons.birth_date IS NULL)""")
    conn.execute("""
        INSERT OR IGNORE INTO person_names
        SELECT DISTINCT r.person_id, n.name_flat, n.name_tokens
        FROM resolved r JOIN acc a USING (line) JOIN batch_names n ON n.name = a.name""")
    conn.execute("""
        INSERT OR IGNORE INTO documents
        SELECT DISTINCT ON (doc_type, doc_number) doc_type, doc_number, person_id, ?
        FROM row_docs JOIN resolved USING (line) ORDER BY doc_type, doc_number, line""", [batch_id])


def _review_conflicts(conn, feed: Feed, batch_id: int) -> int:
    """Documents of one row that name different persons: keep the first, ask a person about the rest."""
    return _count(conn, """
        INSERT INTO identity_review (batch_id, channel, line, person_id, candidate_person_id, score, reasons)
        SELECT DISTINCT ?, ?, e.line, e.person_id, d.person_id, 1.0, 'documents of one row name different persons'
        FROM exact e JOIN row_docs r USING (line) JOIN documents d USING (doc_type, doc_number)
        WHERE e.persons > 1 AND d.person_id <> e.person_id RETURNING 1""", [batch_id, feed.channel], rows=True)


def _batch_names(conn) -> None:
    """Temp table `batch_names` (name, name_flat, name_tokens) for the batch's distinct names."""
    names = [n for (n,) in conn.execute("SELECT DISTINCT name FROM acc WHERE name IS NOT NULL").fetchall()]
    keys = [name_keys(n) for n in names]
    frame = pd.DataFrame({"name": pd.Series(names, dtype=object), "name_flat": [k[0] for k in keys],
                          "name_tokens": [k[1] for k in keys]})
    conn.execute("CREATE OR REPLACE TEMP TABLE batch_names AS SELECT name::VARCHAR AS name, name_flat::VARCHAR AS"
                 " name_flat, name_tokens::VARCHAR AS name_tokens FROM frame WHERE name_flat IS NOT NULL")
    if _count(conn, "SELECT count(*) FROM person_names") == 0 and _count(conn, "SELECT count(*) FROM persons"):
        _backfill_names(conn)


def _backfill_names(conn) -> None:
    """A store built before person_names: derive every known person's name forms once."""
    rows = conn.execute("SELECT person_id, name FROM persons WHERE name IS NOT NULL").fetchall()
    keys = [name_keys(name) for _, name in rows]
    frame = pd.DataFrame({"person_id": [p for p, _ in rows], "name_flat": [k[0] for k in keys],
                          "name_tokens": [k[1] for k in keys]})
    conn.execute("INSERT OR IGNORE INTO person_names SELECT * FROM frame WHERE name_flat IS NOT NULL")


def _hold_contradicted(conn, feed: Feed, batch_id: int) -> int:
    """Exact document matches whose name and birth date both contradict the person: not merged, reviewed."""
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE held AS
        SELECT e.line, e.person_id FROM exact e JOIN acc a USING (line) JOIN persons p USING (person_id)
        JOIN batch_names n ON n.name = a.name
        WHERE e.persons = 1 AND p.birth_date IS NOT NULL AND a.id_birth_date IS NOT NULL
          AND damerau_levenshtein(strftime(p.birth_date, '%Y%m%d'), strftime(a.id_birth_date, '%Y%m%d')) > 1
          AND NOT EXISTS (SELECT 1 FROM person_names k WHERE k.person_id = e.person_id
                          AND jaro_winkler_similarity(k.name_flat, n.name_flat) >= 0.8)""")
    conn.execute("DELETE FROM exact WHERE line IN (SELECT line FROM held)")
    return _count(conn, """
        INSERT INTO identity_review (batch_id, channel, line, person_id, candidate_person_id, score, reasons)
        SELECT ?, ?, line, -line, person_id, 1.0, 'same document, name and birth date contradict' FROM held
        RETURNING 1""", [batch_id, feed.channel], rows=True)


def _match_candidates(conn, feed: Feed, batch_id: int) -> int:
    """Score known persons against each new root; fill temp table `merged` (root, person_id)."""
    model = _model(conn, feed, batch_id)
    if model is None:
        _exact_name_candidates(conn)
    else:
        _scored_candidates(conn, feed, model)
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE merged AS
        SELECT root, min(person_id) AS person_id FROM candidates
        WHERE score >= {STRONG if model is None else MERGE}
          AND NOT EXISTS (SELECT 1 FROM held h JOIN cluster c USING (line)
                          WHERE c.root = candidates.root AND h.person_id = candidates.person_id)
        GROUP BY root HAVING count(*) = 1""")
    return _count(conn, f"""
        INSERT INTO identity_review (batch_id, channel, line, person_id, candidate_person_id, score, reasons, weights)
        SELECT ?, ?, root, -root, person_id, score, reasons, weights FROM candidates
        WHERE root NOT IN (SELECT root FROM merged) AND score >= {REVIEW} RETURNING 1""",
                  [batch_id, feed.channel], rows=True)


def _row_records(feed: Feed, lines: str = "SELECT root FROM roots") -> str:
    """SQL: one record per batch row of `lines` (by default the roots still unresolved)."""
    address = "a.address" if feed.column("address") else "NULL"
    docs = ", ".join(f"a.doc_{d}" for d in DOC_TYPES)
    return f"""
        SELECT a.line AS unique_id, n.name_flat, n.name_tokens, strftime(a.id_birth_date, '%Y%m%d') AS birth,
               a.id_birth_date AS birth_date,
               a.id_phone AS phone, {docs}, {address} AS address
        FROM acc a LEFT JOIN batch_names n ON n.name = a.name WHERE a.line IN ({lines})"""


def _known_records(blocked: str) -> str:
    """SQL: one record per known person and name form, for the persons `blocked` (a SELECT of person_id)."""
    docs = ", ".join(f"min(doc_number) FILTER (WHERE doc_type = '{d}') AS doc_{d}" for d in DOC_TYPES)
    return f"""
        WITH cand AS ({blocked}),
             docs AS (SELECT person_id, {docs} FROM documents WHERE person_id IN (SELECT person_id FROM cand)
                      GROUP BY person_id)
        SELECT row_number() OVER (ORDER BY p.person_id, k.name_flat) AS unique_id, p.person_id,
               k.name_flat, k.name_tokens, strftime(p.birth_date, '%Y%m%d') AS birth, p.phone,
               {", ".join(f"d.doc_{d}" for d in DOC_TYPES)}, p.address
        FROM persons p LEFT JOIN person_names k USING (person_id) LEFT JOIN docs d USING (person_id)
        WHERE p.person_id IN (SELECT person_id FROM cand)"""


# blocking: a batch record meets the known persons sharing a name form, a birth date or a phone
BLOCKING_KEYS = ("name_flat", "name_tokens", "birth", "phone")
BLOCKED_PERSONS = """
    SELECT k.person_id FROM person_names k JOIN link_batch r ON k.name_flat = r.name_flat
    UNION SELECT k.person_id FROM person_names k JOIN link_batch r ON k.name_tokens = r.name_tokens
    UNION SELECT p.person_id FROM persons p JOIN link_batch r ON p.birth_date = r.birth_date
    UNION SELECT p.person_id FROM persons p JOIN link_batch r ON p.phone = r.phone"""


def _model(conn, feed: Feed, batch_id: int) -> str | None:
    """The store's model; trained now (and stored) when there is none and the data suffice."""
    row = conn.execute("SELECT model_json FROM identity_model ORDER BY trained_at DESC LIMIT 1").fetchone()
    if row:
        return row[0]
    rows = _count(conn, "SELECT count(*) FROM acc")
    known = _count(conn, "SELECT count(*) FROM persons")
    if min(rows, known) < MIN_TRAIN:
        return None
    left = conn.execute(_row_records(feed, "SELECT line FROM acc")).df()
    sample = f"SELECT person_id FROM persons ORDER BY hash(person_id) LIMIT {50 * MIN_TRAIN}"   # the same on any run
    right = conn.execute(_known_records(sample)).df()
    model = linkage.train(left, right)
    conn.execute("INSERT INTO identity_model VALUES (?, ?, ?, ?, ?)",
                 [dt.datetime.now(), batch_id, len(left), len(right), model])
    return model


def _scored_candidates(conn, feed: Feed, model: str) -> None:
    """Temp table `candidates` (root, person_id, score, reasons, weights) from the model's match probabilities,
    computed by the model's prediction SQL on the store's connection."""
    conn.execute(f"CREATE OR REPLACE TEMP TABLE link_batch AS {_row_records(feed)}")
    conn.execute(f"CREATE OR REPLACE TEMP TABLE known_persons AS {_known_records(BLOCKED_PERSONS)}")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE name_tf AS
        WITH names AS (SELECT name_flat FROM person_names UNION ALL
                       SELECT name_flat FROM link_batch WHERE name_flat IS NOT NULL)
        SELECT name_flat, count(*) / (SELECT count(*) FROM names) AS tf_name_flat FROM names
        WHERE name_flat IN (SELECT name_flat FROM link_batch UNION SELECT name_flat FROM known_persons)
        GROUP BY name_flat""")
    for table, source in (("link_batch", "link_batch"), ("link_known", "known_persons")):
        conn.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT s.*, t.tf_name_flat, '{table}' AS source_dataset
                         FROM {source} s LEFT JOIN name_tf t USING (name_flat)""")
    conn.execute("CREATE OR REPLACE TEMP TABLE link_pairs AS " + " UNION ".join(
        f"SELECT l.unique_id AS id_l, r.unique_id AS id_r FROM link_batch l JOIN link_known r ON l.{k} = r.{k}"
        for k in BLOCKING_KEYS))
    fields = ", ".join(f"'{c}': round(mw_{c}, 2)" for c in linkage.COMPARED)
    weights = " || ', ' || ".join(f"'{c} ' || printf('%+.1f', mw_{c})" for c in linkage.COMPARED)
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        SELECT s.unique_id_l AS root, k.person_id, max(s.match_probability) AS score,
               arg_max({weights}, s.match_probability) AS reasons,
               arg_max(CAST(to_json({{{fields}}}) AS VARCHAR), s.match_probability) AS weights
        FROM ({linkage.predict_sql(model, REVIEW)}) s JOIN link_known k ON k.unique_id = s.unique_id_r GROUP BY ALL""")


def _exact_name_candidates(conn) -> None:
    """Without a model: same name plus the same birth date or phone (or a phone one digit apart)."""
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE candidates AS
        WITH pairs AS (
            SELECT r.root, p.person_id FROM roots r JOIN persons p ON p.name = r.name AND p.birth_date = r.birth_date
            UNION
            SELECT r.root, p.person_id FROM roots r JOIN persons p ON p.name = r.name AND p.phone = r.phone
            UNION
            SELECT r.root, p.person_id FROM roots r JOIN persons p ON p.name = r.name
                AND length(p.phone) = 11 AND length(r.phone) = 11 AND left(p.phone, 3) = left(r.phone, 3)
                AND levenshtein(p.phone, r.phone) = 1),
        scored AS (
            SELECT q.root, q.person_id,
                   0.5 + 0.3 * coalesce(p.birth_date = r.birth_date, false)::INT
                       + 0.3 * coalesce(p.phone = r.phone, false)::INT AS score,
                   concat_ws(', ', 'same name', CASE WHEN p.birth_date = r.birth_date THEN 'same birth date' END,
                             CASE WHEN p.phone = r.phone THEN 'same phone'
                                  WHEN p.phone IS NOT NULL THEN 'phone one digit apart' END) AS reasons,
                   EXISTS (SELECT 1 FROM row_docs x JOIN cluster c USING (line)
                           JOIN documents d ON d.doc_type = x.doc_type AND d.person_id = q.person_id
                           WHERE c.root = q.root AND d.doc_number <> x.doc_number) AS contradicted
            FROM pairs q JOIN roots r USING (root) JOIN persons p USING (person_id))
        SELECT root, person_id, score, reasons, NULL AS weights FROM scored WHERE NOT contradicted""")


def _count(conn, sql: str, params=None, rows: bool = False) -> int:
    result = conn.execute(sql, params or []).fetchall()
    return len(result) if rows else int(result[0][0])
