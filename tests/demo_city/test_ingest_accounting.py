"""Every demo file is accounted for row by row, and identity resolution matches the generator's truth."""
import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_accepted_plus_rejected_equals_read_for_every_file(demo_city):
    store, _ = demo_city
    bad = store.reader().execute("""
        SELECT b.file_name, b.rows_read, b.rows_accepted, b.rows_rejected,
               (SELECT count(*) FROM rejects r WHERE r.batch_id = b.batch_id) AS stored_rejects
        FROM batches b WHERE rows_accepted + rows_rejected <> rows_read
           OR rows_rejected <> (SELECT count(*) FROM rejects r WHERE r.batch_id = b.batch_id)""").fetchall()
    assert bad == []


def test_rejects_are_exactly_the_planted_dirt(demo_city):
    store, feeds = demo_city
    truth = pd.read_parquet(feeds / "truth" / "rows.parquet")
    planted = set(map(tuple, truth.loc[truth["expect"] == "reject", ["file", "line"]].to_numpy()))
    rejected = set(store.reader().execute("SELECT file_name, line FROM rejects").fetchall())
    assert rejected == planted


def pair_counts(labels: pd.DataFrame, left: str, right: str) -> tuple[int, int, int]:
    """Same-cluster pairs in `left`, in `right`, and in both (from the contingency table)."""
    def pairs(sizes):
        return int((sizes * (sizes - 1) // 2).sum())
    both = pairs(labels.groupby([left, right]).size())
    return pairs(labels.groupby(left).size()), pairs(labels.groupby(right).size()), both


def test_identity_resolution_precision_and_recall(demo_city):
    store, feeds = demo_city
    truth = pd.read_parquet(feeds / "truth" / "rows.parquet")
    truth = truth[(truth["expect"] == "accept") & truth["person_key"].notna()]
    resolved = store.reader().execute("""
        SELECT b.file_name AS file, s.line, s.person_id FROM sightings s JOIN batches b USING (batch_id)
        UNION SELECT b.file_name, a.line, a.person_id FROM abroad a JOIN batches b USING (batch_id)
        UNION SELECT b.file_name, e.line, e.person_id FROM border_entries e JOIN batches b USING (batch_id)
        """).df()
    labels = truth.merge(resolved, on=["file", "line"])
    assert len(labels) > 5000
    resolved_pairs, true_pairs, agreed = pair_counts(labels, "person_id", "person_key")
    precision, recall = agreed / resolved_pairs, agreed / true_pairs
    print(f"identity resolution: precision {precision:.4f}, recall {recall:.4f}, rows {len(labels)}")
    assert precision >= 0.99
    assert recall >= 0.97


def test_every_feed_of_every_channel_was_ingested(demo_city):
    from ingest.channels import FEEDS

    store, _ = demo_city
    accepted = dict(store.reader().execute("SELECT feed, sum(rows_accepted) FROM batches GROUP BY feed").fetchall())
    assert {f.name for f in FEEDS} <= set(accepted)
    assert all(accepted[f.name] > 0 for f in FEEDS)


def test_every_kind_of_dirt_is_caught_with_its_reason(demo_city):
    store, _ = demo_city
    reasons = {r[0] for r in store.reader().execute("SELECT DISTINCT split_part(reason, ':', 1) FROM rejects").fetchall()}
    # check digits, impossible dates, temperatures, unknown references, coordinates outside the city
    for column in ("resident_id", "checked_at", "temperature", "checkpoint_id", "lon/lat", "doc_type"):
        assert column in reasons, column


def test_messy_values_were_normalised_not_rejected(demo_city):
    store, _ = demo_city
    db = store.reader()
    assert db.execute("SELECT count(*) FROM persons WHERE phone NOT SIMILAR TO '(1[3-9][0-9]{9}|0[1-9][0-9]{8,10})'"
                      ).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM documents WHERE doc_number <> upper(doc_number)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM persons WHERE regexp_matches(name, '\\p{Han}\\s+\\p{Han}')").fetchone()[0] == 0
