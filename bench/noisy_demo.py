"""A noisier copy of the demo's feeds for measuring identity resolution (the demo itself stays as calibrated).

The demo's own dirt is what its matcher was written for. Here the accepted person rows of the channels
that create persons get the mistakes real registration makes, rewritten in place (same rows, same lines,
so the generator's truth still labels them):
- air and exit-entry carry passport names: SURNAME GIVEN in pinyin instead of the characters;
- a character of the given name mistyped (another character) in a share of the other channels' rows;
- a passport or permit number with one digit off, a phone with one digit off;
- an exit-entry birth date with two digits transposed.
Resident IDs are left alone: a mistyped one fails its check digit and is rejected, as it should be.
"""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from pypinyin import lazy_pinyin

# feed file prefix -> (name, doc_type, doc_number, phone, birth_date) columns; passport names or not
FIELDS = {
    "abroad": (("name", "doc_type", "doc_number", "phone", "birth_date"), True),
    "air": (("旅客姓名", "证件类型", "证件号码", "联系电话", None), True),
    "police_entries": (("姓名", "证件类型", "证件号码", "联系电话", None), False),
    "tracing": (("user_name", None, None, "mobile", None), False),
    "hotel": (("姓名", "证件类型", "证件号码", "联系电话", None), False),
    "rail": (("姓名", "证件类型", "证件号码", "手机", None), False),
    "university": (("姓名", None, None, "手机", None), False),
    "grid": (("姓名", None, None, "手机", None), False),
    "qcheckin": (("姓名", "证件类型", "证件号码", "联系电话", None), False),
}
TYPO_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"


def passport_name(name: str) -> str:
    syllables = [s.upper() for s in lazy_pinyin(name)]
    return f"{syllables[0]} {''.join(syllables[1:])}" if len(syllables) > 1 else name


def one_digit_off(value: str, rng: random.Random, keep: int) -> str:
    spots = [i for i, c in enumerate(value) if c.isdigit() and i >= keep]
    if not spots:
        return value
    i = rng.choice(spots)
    return value[:i] + str((int(value[i]) + rng.randint(1, 9)) % 10) + value[i + 1:]


def noisy(row: dict, columns, passport: bool, rng: random.Random, rate: float) -> dict:
    name, doc_type, doc_number, phone, birth = columns
    value = row.get(name)
    if isinstance(value, str) and value:
        if passport:
            row[name] = passport_name(value)
        elif len(value) > 1 and rng.random() < rate:
            i = rng.randrange(1, len(value))
            row[name] = value[:i] + rng.choice(TYPO_CHARS.replace(value[i], "")) + value[i + 1:]
    if doc_number and row.get(doc_type) not in (None, "", "身份证") and row.get(doc_number) and rng.random() < rate:
        row[doc_number] = one_digit_off(str(row[doc_number]), rng, keep=3)
    if phone and row.get(phone) and rng.random() < rate:
        row[phone] = one_digit_off(str(row[phone]), rng, keep=len(str(row[phone])) - 8)
    if birth and row.get(birth) and rng.random() < rate:
        text = str(row[birth])
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        a, b = digits[-2:]
        row[birth] = text[:a] + text[b] + text[a + 1:b] + text[a] + text[b + 1:]
    return row


def add_noise(feeds: Path, seed: int = 15, rate: float = 0.05) -> int:
    """Rewrite the accepted person rows of `feeds` with noise; return how many rows were rewritten."""
    rng = random.Random(seed)
    truth = pd.read_parquet(feeds / "truth" / "rows.parquet")
    accepted = truth[(truth["expect"] == "accept") & truth["person_key"].notna()]
    lines = accepted.groupby("file")["line"].agg(set).to_dict()
    rewritten = 0
    for path in sorted(feeds.iterdir()):
        prefix = path.name.rsplit("_", 1)[0]
        if prefix not in FIELDS or path.name not in lines:
            continue
        columns, passport = FIELDS[prefix]
        writer = {".csv": _csv, ".jsonl": _jsonl, ".xlsx": _xlsx}[path.suffix]
        rewritten += writer(path, lines[path.name], lambda row: noisy(row, columns, passport, rng, rate))
    return rewritten


def _csv(path: Path, lines: set, change) -> int:
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "gbk", raw.decode("gbk")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for n, row in enumerate(rows[1:], start=2):
        if n in lines and len(row) == len(header):
            rows[n - 1] = list(change(dict(zip(header, row))).values())
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
    return len(lines)


def _jsonl(path: Path, lines: set, change) -> int:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if n in lines:
            line = json.dumps(change(json.loads(line)), ensure_ascii=False)
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(lines)


def _xlsx(path: Path, lines: set, change) -> int:
    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for n in lines:
        cells = sheet[n]
        values = change({h: c.value for h, c in zip(header, cells)})
        for cell, h in zip(cells, header):
            cell.value = values[h]
    book.save(path)
    return len(lines)
