"""The demo's feed files and configuration moved in time by whole days: every date and date-time in CSV, JSON
lines and XLSX (cells and serials) shifted, in the file's own format and encoding; birth dates (and the
resident IDs that carry them, even written in groups as 450902 19630720 9603) are left as they are — people do
not get younger."""
from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

from settings import ENV

SHIFT = dt.timedelta(weeks=313)               # 2191 days, six years on the same weekday
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATES = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)" + _TIME
                    + r"|(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日"
                    + r"|(?<!\d)(?<!\d[\s-])((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)(?![\s-]\d{3})")  # not inside "450902 19630720 9603"
_SERIAL = re.compile(r"<v>(\d{5}(?:\.\d+)?)</v>")
_BIRTH = re.compile(r"birth_date\"?\s*[:=]\s*\"?$")


def _shift_match(m: re.Match, shift: dt.timedelta) -> str:
    text = m.group(0)
    if _BIRTH.search(m.string[max(0, m.start() - 20):m.start()]):
        return text
    if m.group(1):
        y, sep, mo, d, fmt = m.group(1), m.group(2), m.group(3), m.group(4), "sep"
    elif m.group(5):
        y, sep, mo, d, fmt = m.group(5), "年", m.group(6), m.group(7), "cn"
    else:
        y, sep, mo, d, fmt = m.group(8), "", m.group(9), m.group(10), "compact"
    try:
        day = dt.date(int(y), int(mo), int(d)) + shift
    except ValueError:
        return text                                      # an impossible date stays impossible
    pad = lambda v, like: f"{v:02d}" if len(like) == 2 else str(v)  # noqa: E731
    if fmt == "cn":
        new = f"{day.year}年{pad(day.month, mo)}月{pad(day.day, d)}日"
    else:
        new = f"{day.year}{sep}{pad(day.month, mo)}{sep}{pad(day.day, d)}"
    end = m.end(4) if fmt == "sep" else m.end()
    return new + text[end - m.start():]


def shift_text(text: str, shift: dt.timedelta = SHIFT) -> str:
    return _DATES.sub(lambda m: _shift_match(m, shift), text)


def shift_file(path: Path, shift: dt.timedelta = SHIFT) -> None:
    """Rewrite one feed file in place (CSV / JSON lines as text in their encoding; XLSX cell by cell)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            items = [(info, z.read(info)) for info in z.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in items:
                if info.filename.startswith("xl/worksheets/"):
                    data = _SERIAL.sub(lambda m: _serial(m, shift), data.decode()).encode()
                z.writestr(info, data)
        return
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "gbk"
    path.write_bytes(shift_text(raw.decode(encoding, "surrogateescape"), shift).encode(encoding, "surrogateescape"))


def _serial(m: re.Match, shift: dt.timedelta) -> str:
    value = float(m.group(1))
    if not 20000 <= value < 60000:                       # 1954 .. 2064: a date; anything else is not
        return m.group(0)
    moved = value + shift.days
    return f"<v>{int(moved) if m.group(1).isdigit() else repr(moved)}</v>"


def shift_config(source: Path, target: Path, shift: dt.timedelta = SHIFT) -> Path:
    """A copy of a configuration directory with the policy's dates shifted (not the births' window) and the
    city's file paths made absolute."""
    target.mkdir(parents=True, exist_ok=True)
    for file in source.glob("*.toml"):
        lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
        if file.name == "policy.toml":
            lines = [line if line.startswith("births_") else shift_text(line, shift) for line in lines]
        if file.name == "city.toml":
            lines = [line.replace('"../', f'"{source.resolve().parent}/') for line in lines]
        (target / file.name).write_text("".join(lines), encoding="utf-8")
    return target


@contextmanager
def configured(directory):
    """Within: the configuration directory is `directory` (settings.ENV)."""
    before = os.environ.get(ENV)
    os.environ[ENV] = str(directory)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
