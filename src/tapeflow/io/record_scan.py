"""Vectorized TFRecord framing: finding, checking and cutting many records at once.

A TFRecord file is a chain of `length (u64) | masked crc(length) (u32) | data |
masked crc(data) (u32)`. `scan` finds the record starts: where one length
repeats it checks with one gather whether many following records have the same
length (Examples of one schema), so a run of equal-length records costs a few
NumPy calls; where records take a few lengths it searches the buffer for their
headers (`_jump`: 8 aligned uint64 views, the masked length CRC after each hit,
then the hits must chain); elsewhere a tight Python loop walks the offsets.
`cut` checks the length CRCs and the data CRCs (google-crc32c when installed,
else CRC-32C lanes in NumPy: slicing-by-4 over 16-bit tables) against the stored
ones in bulk, and cuts a run's records into `bytes` with one strided copy and
`tolist`.

>>> from tapeflow.io.tfrecord import frame
>>> raw = frame(b"ab") + frame(b"cd") + frame(b"xyz")
>>> segments, end = scan(raw, 0, len(raw))
>>> end, [s[0].tolist() for s in segments]
(55, [[0, 18, 36]])
>>> cut(raw, segments)
([b'ab', b'cd', b'xyz'], -1)
"""
import struct

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..lib.io import crc32c

__all__ = ["scan", "cut", "offset_of", "crc32c_lanes", "header_ok"]

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


_STREAK = 32  # equal lengths in a row after which the walk tries a vectorized run again
_SPAN = 4096  # most records per walked stretch


def scan(raw, start, end):
    """The whole records of `raw[start:end]` (a bytes-like object) as segments.

    Returns (segments, stop). A segment is a run `(offset, data length, count)` of
    consecutive records of one length, or a walked stretch `(starts, lengths)` of
    int64 arrays; `stop` is the offset of the first record that does not fit before
    `end` (== end when all fit). Lengths are not checked here (`cut` does).
    """
    buf = np.frombuffer(raw, np.uint8)
    segments, off, grow, seen = [], start, 64, set()
    while off + HEADER <= end:
        length = _U64(raw, off)[0]
        step = length + HEADER + FOOTER
        if off + step > end:
            break
        fit = (end - off) // step  # at most this many records of this length follow
        if fit >= _STREAK:
            probe = off + step * np.arange(1, min(fit, 2 * grow + 64), dtype=np.int64)
            same = _u64_at(buf, probe) == length
            k = 1 + (int(np.argmin(same)) if not same.all() else len(probe))
            if k >= _STREAK:
                segments.append((off, length, k))
                off += step * k
                grow = k
                continue
        if len(seen) <= _FEW:  # lengths from a few values: find all their headers at once
            got = _jump(raw, buf, off, end, seen | {length})
            if got is not None:
                segments.append(got[:2])
                off, grow = got[2], 1
                continue
        # differing lengths: a plain walk over offsets until a streak of equal lengths
        starts, streak, add, limit = [off], 0, HEADER + FOOTER, end - HEADER
        off += step
        for _ in range(_SPAN):
            if off > limit:
                break
            nxt = _U64(raw, off)[0]
            if off + nxt + add > end:
                break
            starts.append(off)
            off += nxt + add
            if nxt == length:
                streak += 1
                if streak >= _STREAK:
                    break
            else:
                length, streak = nxt, 0
        starts = np.array(starts, np.int64)
        segments.append((starts, np.diff(starts, append=off) - add))
        if len(seen) <= _FEW:
            seen.update(np.unique(segments[-1][1]).tolist())
        grow = 1
    return segments, off


_FEW = 8  # most distinct record lengths for which `_jump` looks for headers
_WINDOW = 1 << 18  # bytes searched per `_jump`


def _jump(raw, buf, off, end, lengths):
    """(starts, lengths, stop) of the chain of records from `off` whose lengths are in
    `lengths`, found without walking: every 8-byte value in a window equal to one of
    those lengths and followed by its masked CRC is a candidate header; the candidates
    must chain (each start = previous start + 16 + length), else the chain ends there.
    None when fewer than _STREAK records chain (the caller walks instead)."""
    stop = min(end, off + _WINDOW)
    want = sorted(lengths)
    crc_of = {n: _header_crc(n) for n in want}
    starts, lens = [], []
    for a in range(8):  # the uint64 at every byte offset, as 8 aligned views
        count = (stop - off - a) // 8
        if count < 2:
            continue
        values = np.frombuffer(raw, "<u8", count, off + a)
        head = values[:-1]
        hit = head == want[0]
        for n in want[1:]:
            hit |= head == n
        idx = np.flatnonzero(hit)
        if not len(idx):
            continue
        length = values[idx]
        crc = np.zeros(len(idx), np.uint64)
        for n in want:
            crc[length == n] = crc_of[n]
        good = idx[(values[idx + 1] & np.uint64(0xFFFFFFFF)) == crc]  # the CRC follows
        starts.append(off + a + 8 * good)
        lens.append(values[good].astype(np.int64))
    if not starts:
        return None
    starts, lens = np.concatenate(starts), np.concatenate(lens)
    order = np.argsort(starts, kind="stable")
    starts, lens = starts[order], lens[order]
    if not len(starts) or starts[0] != off:
        return None
    nxt = starts + lens + (HEADER + FOOTER)
    chained = starts[1:] == nxt[:-1]
    k = len(starts) if chained.all() else int(np.argmin(chained)) + 1
    while k and nxt[k - 1] > end:  # the last record must fit
        k -= 1
    if k < _STREAK:
        return None
    return starts[:k], lens[:k], int(nxt[k - 1])


def _header_crc(length):
    return crc32c.masked_value(struct.pack("<Q", length))


def _u32_at(buf, offsets):
    return np.ascontiguousarray(buf[offsets[:, None] + _BYTE8[:4]]).view("<u4").reshape(-1)


def _cut_walked(raw, starts, lengths):
    """(records, index of the first bad one or -1) for records of any lengths."""
    buf = np.frombuffer(raw, np.uint8)
    heads = lengths.astype("<u8").view(np.uint8).reshape(-1, 8)  # a header's CRC is its length's
    bad = _mask(crc32c_lanes(heads)) != _u32_at(buf, starts + 8)
    data = starts + HEADER
    records = [raw[a:b] for a, b in zip(data.tolist(), (data + lengths).tolist())]
    if crc32c._native is not None:
        crcs = np.fromiter(map(crc32c._native.value, records), np.uint32, len(records))
    else:
        crcs = np.empty(len(records), np.uint32)
        kinds, inverse = np.unique(lengths, return_inverse=True)
        for k, n in enumerate(kinds.tolist()):
            rows = np.flatnonzero(inverse.reshape(-1) == k)
            crcs[rows] = crc32c_lanes(buf[data[rows][:, None] + np.arange(n)])
    bad |= _mask(crcs) != _u32_at(buf, data + lengths)
    return records, (int(np.argmax(bad)) if bad.any() else -1)


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


def cut(raw, segments):
    """The data of the records in `segments` (bytes each) and the index of the first
    record with a wrong length or data CRC (-1: all good); records from that one on
    are dropped."""
    out = []
    for seg in segments:
        records, bad = _cut_run(raw, *seg) if len(seg) == 3 else _cut_walked(raw, *seg)
        if bad >= 0:
            return out + records[:bad], len(out) + bad
        out += records
    return out, -1


def offset_of(segments, index):
    """Offset of record `index` of `segments`."""
    for seg in segments:
        count = seg[2] if len(seg) == 3 else len(seg[0])
        if index < count:
            if len(seg) == 3:
                return seg[0] + index * (seg[1] + HEADER + FOOTER)
            return int(seg[0][index])
        index -= count
    raise IndexError(index)


def header_ok(header):
    """True when a record header's (12 bytes) length CRC matches."""
    return _header_crc(_U64(header, 0)[0]) == _U32(header, 8)[0]
