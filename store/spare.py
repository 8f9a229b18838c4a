"""A spare copy of the published snapshot, brought up to date by writing only the blocks that differ.

The next write starts from the spare (a rename) instead of copying the whole database. The spare is made
from a retired snapshot that no reader holds open: it already holds most of the published version's blocks,
so only the blocks the last writes changed are written into it. Each unit of the file (DuckDB's headers, then
16 KB at a time: DuckDB's smallest block, so a unit never straddles two blocks of any size) is compared with
the published file and rewritten when it differs; the result is the published file byte for byte. Comparing reads both files (sequentially, from the page cache when warm); what
is written is proportional to what the batches changed.

A reader's open connection holds a POSIX read lock on its file (DuckDB takes one), listed in /proc/locks with
the file's device and inode whatever process holds it. `held` reads that list rather than trying a lock of its
own: opening and closing a descriptor of the file would drop this process's own readers' locks on it.
"""
from __future__ import annotations

import os
from pathlib import Path

HEADER_BYTES = 3 * 4096          # DuckDB's main header and its two database headers
UNIT_BYTES = 16 * 1024           # DuckDB's smallest block size; blocks of any size are whole numbers of units
CHUNK_UNITS = 1024               # units compared per read (16 MB)


def held(path: Path) -> bool:
    """Whether any process (this one included) holds a lock on the file at `path` (Linux /proc/locks)."""
    st = os.stat(path)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any(key in line.split() for line in Path("/proc/locks").read_text().splitlines())


def _units(size: int):
    """(offset, length) of the file's comparison units: the headers, then 16 KB each."""
    if size:
        yield 0, min(HEADER_BYTES, size)
    for offset in range(HEADER_BYTES, size, UNIT_BYTES):
        yield offset, min(UNIT_BYTES, size - offset)


def patch(target: Path, source: Path) -> int:
    """Make `target` equal to `source` by writing the units that differ, durably; return the bytes written."""
    size = source.stat().st_size
    written = 0
    chunk = CHUNK_UNITS * UNIT_BYTES
    mine, theirs = bytearray(chunk), bytearray(chunk)
    with open(source, "rb", buffering=0) as src, open(target, "rb+", buffering=0) as dst:
        fd = dst.fileno()
        units = list(_units(size))
        for start in range(0, len(units), CHUNK_UNITS):
            group = units[start:start + CHUNK_UNITS]
            first, length = group[0][0], group[-1][0] + group[-1][1] - group[0][0]
            a, b = memoryview(theirs)[:length], memoryview(mine)[:length]
            if os.preadv(src.fileno(), [a], first) != length:
                raise OSError(f"{source.name} changed while being read")
            got = os.preadv(fd, [b], first)
            if got == length and a == b:
                continue
            for offset, n in group:
                at = offset - first
                if got < at + n or a[at:at + n] != b[at:at + n]:
                    if os.pwrite(fd, a[at:at + n], offset) != n:
                        raise OSError(f"short write into the spare at {offset}")
                    written += n
        os.ftruncate(fd, size)
        os.fsync(fd)
    return written
