"""Resolve the person behind each accepted row, across channels.

1. Exact: any normalised document number already known -> that person.
2. Rows of this batch sharing a document are one person.
3. Rows with no known document: candidates among known persons with the same name and the same birth
   date or phone. One strong candidate with no contradicting document is merged; several, or a near
   miss (phone one digit off), become a new person plus entries in `identity_review` — never merged
   silently.
Input: temp table `acc` (line, name, phone, birth_date?, doc columns). Output: temp table `resolved`
(line, person_id, is_new).
"""
from __future__ import annotations

from dataclasses import dataclass

from ingest.channels import Feed
from ingest.validate import DOC_PATTERNS

DOC_TYPES = tuple(DOC_PATTERNS)
STRONG = 0.8          # name + birth date, or name + phone


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
    docs_union = " UNION ALL ".join(
        f"SELECT line, '{d}' AS doc_type, doc_{d} AS doc_number FROM acc WHERE doc_{d} IS NOT NULL" for d in DOC_TYPES)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE row_docs AS {docs_union}")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE exact AS
        SELECT r.line, min(d.person_id) AS person_id, count(DISTINCT d.person_id) AS persons
        FROM row_docs r JOIN documents d USING (doc_type, doc_number) GROUP BY r.line""")
    review = _review_conflicts(conn, feed, batch_id)
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
    conn.execute("UPDATE identity_review SET person_id = n.person_id FROM new_roots n"
                 " WHERE identity_review.batch_id = ? AND identity_review.person_id = -n.root", [batch_id])
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


def _match_candidates(conn, feed: Feed, batch_id: int) -> int:
    """Score known persons against each new root; fill temp table `merged` (root, person_id)."""
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
        SELECT * FROM scored WHERE NOT contradicted""")
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE merged AS
        SELECT root, min(person_id) AS person_id FROM candidates WHERE score >= {STRONG}
        GROUP BY root HAVING count(*) = 1""")
    return _count(conn, """
        INSERT INTO identity_review (batch_id, channel, line, person_id, candidate_person_id, score, reasons)
        SELECT ?, ?, root, -root, person_id, score, reasons FROM candidates
        WHERE root NOT IN (SELECT root FROM merged) RETURNING 1""", [batch_id, feed.channel], rows=True)


def _count(conn, sql: str, params=None, rows: bool = False) -> int:
    result = conn.execute(sql, params or []).fetchall()
    return len(result) if rows else int(result[0][0])
