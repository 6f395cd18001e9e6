"""Vectorized TFRecord framing: finding, checking and cutting many records at once.

A TFRecord file is a chain of `length (u64) | masked crc(length) (u32) | data |
masked crc(data) (u32)`. `scan` walks a byte buffer to the record starts
speculatively: it reads one length and checks with one gather whether the
records that would follow have the same length (the usual case: Examples of
one schema), so a run of equal-length records costs a few NumPy calls; stretches
of differing lengths are walked by a short Python loop over offsets. `cut`
then checks a run as one strided matrix — its length CRCs against the one CRC
of that length, its data CRCs with google-crc32c (when installed) or with
CRC-32C lanes in NumPy (slicing-by-4 over 16-bit tables) — and turns its rows
into `bytes` with one `tolist`.

>>> from tapeflow.io.tfrecord import frame
>>> raw = frame(b"ab") + frame(b"cd") + frame(b"xyz")
>>> runs, end = scan(raw, 0, len(raw))
>>> runs, end
([(0, 2, 2), (36, 3, 1)], 55)
>>> cut(raw, runs)
([b'ab', b'cd', b'xyz'], -1)
"""
import struct

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..lib.io import crc32c

__all__ = ["scan", "cut", "crc32c_lanes"]

HEADER, FOOTER = 12, 4
_U64 = struct.Struct("<Q").unpack_from
_U32 = struct.Struct("<I").unpack_from
_BYTE8 = np.arange(8)
_MASK_DELTA = np.uint32(0xA282EAD8)


def _slicing_tables():
    t = [crc32c._TABLE.astype(np.uint32)]
    for _ in range(3):
        t.append((t[-1] >> np.uint32(8)) ^ t[0][t[-1] & 0xFF])
    i = np.arange(1 << 16, dtype=np.uint32)
    return t[0], t[3][i & 0xFF] ^ t[2][i >> 8], t[1][i & 0xFF] ^ t[0][i >> 8]


_T8, _LO16, _HI16 = _slicing_tables()


def crc32c_lanes(mat):
    """CRC-32C of each row of a uint8 matrix (rows of one length), vectorized over rows:
    four bytes per step through two 64k-entry tables."""
    k, n = mat.shape
    regs = np.full(k, 0xFFFFFFFF, np.uint32)
    m = n // 4
    if m:
        words = np.ascontiguousarray(mat[:, :4 * m]).view("<u4")
        for j in range(m):
            c = regs ^ words[:, j]
            regs = _LO16[c & 0xFFFF] ^ _HI16[c >> 16]
    for j in range(4 * m, n):
        regs = _T8[(regs ^ mat[:, j]) & 0xFF] ^ (regs >> 8)
    return regs ^ np.uint32(0xFFFFFFFF)


def _mask(crc):
    return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + _MASK_DELTA


def _u64_at(buf, offsets):
    """The little-endian uint64 at each of `offsets` (a gather of 8 bytes per offset)."""
    return np.ascontiguousarray(buf[offsets[:, None] + _BYTE8]).view("<u8").reshape(-1)


def scan(raw, start, end):
    """The whole records of `raw[start:end]` (a bytes-like object) as runs.

    Returns (runs, stop): runs are (offset, data length, count) of consecutive
    records of one length; `stop` is the offset of the first record that does not
    fit before `end` (== end when all fit). Lengths are not checked here (`cut` does).
    """
    buf = np.frombuffer(raw, np.uint8)
    runs, off, grow = [], start, 64
    while off + HEADER <= end:
        length = _U64(raw, off)[0]
        step = length + HEADER + FOOTER
        if off + step > end:
            break
        fit = (end - off) // step  # at most this many records of this length follow
        k = 1
        if fit > 1:
            probe = off + step * np.arange(1, min(fit, 2 * grow + 64), dtype=np.int64)
            same = _u64_at(buf, probe) == length
            k = 1 + (int(np.argmin(same)) if not same.all() else len(probe))
        if k >= 2:
            runs.append((off, length, k))
            off += step * k
            grow = k
            continue
        # differing lengths: a plain loop over the next offsets, then speculate again
        runs.append((off, length, 1))
        off += step
        for _ in range(255):
            if off + HEADER > end:
                break
            nxt = _U64(raw, off)[0]
            if off + nxt + HEADER + FOOTER > end:
                break
            if nxt == length:
                break  # a run may start here
            length = nxt
            runs.append((off, length, 1))
            off += length + HEADER + FOOTER
        grow = 1
    return runs, off


def _header_crc(length):
    return crc32c.masked_value(struct.pack("<Q", length))


def _cut_one(raw, off, length):
    """One record's data, or None when a CRC is wrong."""
    if _U32(raw, off + 8)[0] != _header_crc(length):
        return None
    data = bytes(raw[off + HEADER:off + HEADER + length])
    if crc32c.masked_value(data) != _U32(raw, off + HEADER + length)[0]:
        return None
    return data


def _cut_run(raw, off, length, count):
    """(records, index of the first bad one or -1) for a run of equal-length records."""
    step = length + HEADER + FOOTER
    frames = as_strided(np.frombuffer(raw, np.uint8, count * step, off), (count, step), (step, 1))
    bad = frames[:, 8:12].copy().view("<u4").reshape(-1) != _header_crc(length)
    data = np.ascontiguousarray(frames[:, HEADER:HEADER + length])
    records = data.view(f"V{length}").reshape(-1).tolist() if length else [b""] * count
    if crc32c._native is not None:
        crcs = np.fromiter(map(crc32c._native.value, records), np.uint32, count)
    else:
        crcs = crc32c_lanes(data)
    bad |= _mask(crcs) != frames[:, HEADER + length:].copy().view("<u4").reshape(-1)
    return records, (int(np.argmax(bad)) if bad.any() else -1)


def cut(raw, runs):
    """The data of the records in `runs` (bytes each) and the index of the first record
    with a wrong length or data CRC (-1: all good); records from that one on are dropped."""
    out = []
    for off, length, count in runs:
        if count >= 8:
            records, bad = _cut_run(raw, off, length, count)
            if bad >= 0:
                return out + records[:bad], len(out) + bad
            out += records
            continue
        step = length + HEADER + FOOTER
        for i in range(count):
            data = _cut_one(raw, off + i * step, length)
            if data is None:
                return out, len(out)
            out.append(data)
    return out, -1


def header_ok(header):
    """True when a record header's (12 bytes) length CRC matches."""
    return _header_crc(_U64(header, 0)[0]) == _U32(header, 8)[0]
