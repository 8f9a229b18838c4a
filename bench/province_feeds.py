"""A province's feed files for the distributed benchmark: the demo city's files with records of a second city
mixed in, so that one ingest must route every record to its city.

For each CSV or JSON-lines file of a feed that carries a place (point, address or district code), a copy is
written with a share of its own records appended again, moved to the other city: the point to a uniform random
point in one of its communities, the address to that community's, the district code to that city's, a
resident ID to one of that district with a valid check digit (birth date kept), the case number made unique.
The moved records are generated, and so marked: their file names end in `_province`.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from geo.sample import sample_points
from ingest.channels import Feed
from ingest.distributed import closes_wave
from ingest.readers import decode

CHECK = "10X98765432"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def movable(feed: Feed) -> bool:
    """A CSV or JSON-lines feed placed by its own point, address or district (not by a site of a list)."""
    names = {c.name for c in feed.columns}
    return (feed.format in ("csv", "jsonl") and feed.place in ("point", "address", "none") and not closes_wave(feed)
            and bool(names & {"lon", "address", "district_code"}))


def _resident_id(area: str, old: str, seq: int) -> str:
    birth = old[6:14] if len(old) >= 14 and old[6:14].isdigit() else "19800101"
    body = f"{area}{birth}{seq % 1000:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


class Mover:
    """Moves records into `boundaries`' city (named `name_zh`)."""

    def __init__(self, boundaries, name_zh: str, seed: int):
        self.communities = boundaries.communities.reset_index(drop=True)
        self.district_names = dict(zip(boundaries.districts["code"], boundaries.districts["name"]))
        self.township_names = dict(zip(boundaries.townships["code"], boundaries.townships["name"]))
        self.name_zh, self.rng = name_zh, np.random.default_rng(seed)

    def move(self, records: list[dict[str, str]], sources: dict[str, str], tag: str) -> list[dict[str, str]]:
        """The records (by header) moved to the city; `sources` maps canonical names to the file's headers."""
        picks = self.rng.integers(0, len(self.communities), len(records))
        where = self.communities.iloc[picks]
        lon, lat = sample_points(self.communities, where["code"].to_numpy(), self.rng)
        out = []
        for i, (record, (_, c)) in enumerate(zip(records, where.iterrows())):
            record = dict(record)
            new = {"lon": f"{lon[i]:.6f}", "lat": f"{lat[i]:.6f}", "district_code": c["district_code"],
                   "address": f"广西{self.name_zh}{self.district_names[c['district_code']]}"
                              f"{self.township_names.get(c['township_code'], '')}{c['name']}{i % 97 + 1}号",
                   "resident_id": _resident_id(c["district_code"], str(record.get(sources.get("resident_id"), "")),
                                               int(self.rng.integers(0, 1000))),
                   "case_id": f"{tag}-{record.get(sources.get('case_id'), '')}"}
            for name, value in new.items():
                header = sources.get(name)
                if header in record and record[header] not in (None, ""):
                    record[header] = value
            out.append(record)
        return out


def write_province_file(feed: Feed, source: Path, out_dir: Path, mover: Mover, share: float) -> tuple[Path, int]:
    """Copy `source` into out_dir with `share` of its records appended again, moved; return (path, moved)."""
    text, encoding, _ = decode(source)
    target = out_dir / f"{source.stem}_province{source.suffix}"
    sources = {c.name: c.source for c in feed.columns}
    if feed.format == "jsonl":
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        reader = csv.DictReader(io.StringIO(text), delimiter=feed.delimiter, quotechar=feed.quote)
        records = [r for r in reader if None not in r]        # a damaged line (the demo's dirt) is not copied
    chosen = mover.rng.choice(len(records), size=min(len(records), int(len(records) * share)), replace=False)
    moved = mover.move([records[i] for i in sorted(chosen)], sources, tag=mover.name_zh[:1])
    if feed.format == "jsonl":
        extra = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in moved)
    else:
        buffer = io.StringIO()
        csv.DictWriter(buffer, fieldnames=reader.fieldnames, delimiter=feed.delimiter, quotechar=feed.quote,
                       lineterminator="\n").writerows(moved)
        extra = buffer.getvalue()
    body = text if text.endswith("\n") else text + "\n"
    target.write_bytes((body + extra).encode("utf-8-sig" if encoding == "utf-8-sig" else encoding))
    return target, len(moved)
