"""CRC-32C (Castagnoli) and TF's masked form, as TF's file formats store them.

Uses the `google-crc32c` package (a C implementation with SSE4.2 / ARM CRC
instructions) when it is installed; otherwise a NumPy implementation that
checksums many equal-length chunks side by side and joins them with the
GF(2) "combine" rule, fast enough for checkpoints but ~20x slower than the C one.

>>> hex(value(b"123456789"))
'0xe3069283'
>>> unmask(mask(0xE3069283)) == 0xE3069283
True
"""
import numpy as np

try:
    import google_crc32c as _native
    if getattr(_native, "implementation", "c") != "c":
        _native = None
except ImportError:  # the optional dependency is absent
    _native = None

__all__ = ["value", "extend", "mask", "unmask", "masked_value"]

_POLY = 0x82F63B78
_MASK_DELTA = 0xA282EAD8


def _make_table():
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(_POLY), table >> 1)
    return table.astype(np.uint32)


_TABLE = _make_table()
_TABLE_LIST = [int(x) for x in _TABLE]


def _update_small(crc, data):
    crc ^= 0xFFFFFFFF
    table = _TABLE_LIST
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _gf2_times(mat, vec):
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def _shift_operator(length):
    """The 32x32 GF(2) matrix advancing a CRC register over `length` zero bytes."""
    odd = [_POLY] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)  # two bits
    odd = _gf2_square(even)  # four bits
    result = None
    while length:
        even = _gf2_square(odd)  # doubles on each pass, starting at one byte
        if length & 1:
            result = even if result is None else [_gf2_times(even, r) for r in result]
        length >>= 1
        if not length:
            break
        odd = _gf2_square(even)
        if length & 1:
            result = odd if result is None else [_gf2_times(odd, r) for r in result]
        length >>= 1
    return result


def _combine(crc1, crc2, op):
    return _gf2_times(op, crc1) ^ crc2


_LANES = 4096


def _update_numpy(crc, data):
    view = np.frombuffer(data, dtype=np.uint8)
    chunk = len(view) // _LANES
    if chunk < 64:
        return _update_small(crc, bytes(view))
    body = view[:chunk * _LANES].reshape(_LANES, chunk)
    regs = np.full(_LANES, 0xFFFFFFFF, dtype=np.uint32)
    for j in range(chunk):
        regs = _TABLE[(regs ^ body[:, j]) & 0xFF] ^ (regs >> 8)
    regs ^= np.uint32(0xFFFFFFFF)
    op = _shift_operator(chunk)
    for lane in regs.tolist():
        crc = _combine(crc, lane, op)
    return _update_small(crc, bytes(view[chunk * _LANES:]))


def extend(crc, data):
    """The CRC-32C of (the bytes summarized by `crc`) + `data`."""
    if _native is not None:  # it takes bytes or arrays (not memoryviews), without copying
        return _native.extend(crc, data if isinstance(data, bytes) else
                              np.frombuffer(data, dtype=np.uint8))
    data = memoryview(data).cast("B")
    if len(data) < (1 << 16):
        return _update_small(crc, bytes(data))
    return _update_numpy(crc, data)


def value(data):
    """The CRC-32C of `data` (bytes-like)."""
    return extend(0, data)


def mask(crc):
    """TF's masked CRC (rotate right 15, add a constant), stored in TF files."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked):
    """Inverse of `mask`."""
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def masked_value(data):
    """`mask(value(data))`."""
    return mask(value(data))
