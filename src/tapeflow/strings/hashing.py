"""String hash functions with TF's exact values, vectorized over strings of equal length.

- `fingerprint64`: FarmHash Fingerprint64 (farmhashna's 64-bit hash), which TF's
  `tf.strings.to_hash_bucket_fast` and `tf.fingerprint` use.
- `siphash64`: SipHash-2-4 with a 128-bit key, as `tf.strings.to_hash_bucket_strong`.
- `legacy_hash64`: the 64-bit Murmur-style hash (seed 0xDECAFCAFFE) of
  `tf.strings.to_hash_bucket`.

Every function takes an iterable of `bytes` and returns a `uint64` NumPy array. Strings
are grouped by length; within a group the hash runs once on `uint64` columns, so the
Python work is per distinct length, not per string.

>>> int(fingerprint64([b""])[0]) == 0x9AE16A3B2F90404F
True
"""
import numpy as np

__all__ = ["fingerprint64", "siphash64", "legacy_hash64"]

_K0 = np.uint64(0xC3A5C85C97CB3127)
_K1 = np.uint64(0xB492B66FBE98F273)
_K2 = np.uint64(0x9AE16A3B2F90404F)
_U = np.uint64


def _by_length(strings, hash_group):
    """Applies `hash_group(bytes_matrix, length)` to each group of equal-length strings."""
    strings = list(strings)
    out = np.empty(len(strings), np.uint64)
    if not strings:
        return out
    lengths = np.fromiter((len(s) for s in strings), np.int64, len(strings))
    order = np.argsort(lengths, kind="stable")
    bounds = np.flatnonzero(np.diff(lengths[order])) + 1
    for idx in np.split(order, bounds):
        n = int(lengths[idx[0]])
        buf = b"".join(strings[i] for i in idx)
        mat = np.frombuffer(buf, np.uint8).reshape(len(idx), n) if n else \
            np.zeros((len(idx), 0), np.uint8)
        with np.errstate(over="ignore"):
            out[idx] = hash_group(mat, n)
    return out


def _fetch64(m, i):
    return np.ascontiguousarray(m[:, i:i + 8]).view("<u8")[:, 0].astype(np.uint64)


def _fetch32(m, i):
    return np.ascontiguousarray(m[:, i:i + 4]).view("<u4")[:, 0].astype(np.uint64)


def _rotr(v, s):
    return v if s == 0 else (v >> _U(s)) | (v << _U(64 - s))


def _rotl(v, s):
    return (v << _U(s)) | (v >> _U(64 - s))


def _shift_mix(v):
    return v ^ (v >> _U(47))


def _len16(u, v, mul):
    a = (u ^ v) * mul
    a ^= a >> _U(47)
    b = (v ^ a) * mul
    b ^= b >> _U(47)
    return b * mul


def _len0to16(m, n, rows):
    if n >= 8:
        mul = _K2 + _U(n * 2)
        a = _fetch64(m, 0) + _K2
        b = _fetch64(m, n - 8)
        c = _rotr(b, 37) * mul + a
        d = (_rotr(a, 25) + b) * mul
        return _len16(c, d, mul)
    if n >= 4:
        mul = _K2 + _U(n * 2)
        a = _fetch32(m, 0)
        return _len16(_U(n) + (a << _U(3)), _fetch32(m, n - 4), mul)
    if n > 0:
        a, b, c = (m[:, i].astype(np.uint64) for i in (0, n >> 1, n - 1))
        y = (a + (b << _U(8))) & _U(0xFFFFFFFF)
        z = (_U(n) + (c << _U(2))) & _U(0xFFFFFFFF)
        return _shift_mix(y * _K2 ^ z * _K0) * _K2
    return np.full(rows, _K2, np.uint64)


def _head(m, n, k):
    """The mixing both 17-32 and 33-64 byte hashes start with (`k`: the first multiplier)."""
    mul = _K2 + _U(n * 2)
    a = _fetch64(m, 0) * k
    b = _fetch64(m, 8)
    c = _fetch64(m, n - 8) * mul
    d = _fetch64(m, n - 16) * _K2
    return mul, a, b, c, _rotr(a + b, 43) + _rotr(c, 30) + d, a + _rotr(b + _K2, 18) + c


def _len17to32(m, n):
    mul, _, _, _, u, v = _head(m, n, _K1)
    return _len16(u, v, mul)


def _len33to64(m, n):
    mul, a, _, _, y, v = _head(m, n, _K2)
    z = _len16(y, v, mul)
    e = _fetch64(m, 16) * mul
    f = _fetch64(m, 24)
    g = (y + _fetch64(m, n - 32)) * mul
    h = (z + _fetch64(m, n - 24)) * mul
    return _len16(_rotr(e + f, 43) + _rotr(g, 30) + h, e + _rotr(f + a, 18) + g, mul)


def _weak32(m, i, a, b):
    w, x, y, z = (_fetch64(m, i + 8 * j) for j in range(4))
    a = a + w
    b = _rotr(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotr(a, 44)
    return a + z, b + c


def _farm_group(m, n):
    rows = m.shape[0]
    if n <= 16:
        return _len0to16(m, n, rows)
    if n <= 32:
        return _len17to32(m, n)
    if n <= 64:
        return _len33to64(m, n)
    seed = _U(81)
    full = lambda v: np.full(rows, v, np.uint64)  # noqa: E731
    x = full(seed)
    y = full(seed * _K1 + _U(113))
    z = full(_shift_mix(y[0] * _K2 + _U(113)) * _K2)
    v0 = v1 = w0 = w1 = full(0)
    x = x * _K2 + _fetch64(m, 0)
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    for s in range(0, end, 64):
        x = _rotr(x + y + v0 + _fetch64(m, s + 8), 37) * _K1
        y = _rotr(y + v1 + _fetch64(m, s + 48), 42) * _K1
        x ^= w1
        y = y + v0 + _fetch64(m, s + 40)
        z = _rotr(z + w0, 33) * _K1
        v0, v1 = _weak32(m, s, v1 * _K1, x + w0)
        w0, w1 = _weak32(m, s + 32, z + w1, y + _fetch64(m, s + 16))
        z, x = x, z
    mul = _K1 + ((z & _U(0xFF)) << _U(1))
    s = last64
    w0 = w0 + _U((n - 1) & 63)
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rotr(x + y + v0 + _fetch64(m, s + 8), 37) * mul
    y = _rotr(y + v1 + _fetch64(m, s + 48), 42) * mul
    x ^= w1 * _U(9)
    y = y + v0 * _U(9) + _fetch64(m, s + 40)
    z = _rotr(z + w0, 33) * mul
    v0, v1 = _weak32(m, s, v1 * mul, x + w0)
    w0, w1 = _weak32(m, s + 32, z + w1, y + _fetch64(m, s + 16))
    z, x = x, z
    return _len16(_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z, _len16(v1, w1, mul) + x, mul)


def fingerprint64(strings):
    """FarmHash Fingerprint64 of each `bytes` in `strings` (uint64 array)."""
    return _by_length(strings, _farm_group)


def _sip_round(v0, v1, v2, v3):
    v0 = v0 + v1
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = v2 + v3
    v3 = _rotl(v3, 16) ^ v2
    v0 = v0 + v3
    v3 = _rotl(v3, 21) ^ v0
    v2 = v2 + v1
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash64(strings, key):
    """SipHash-2-4 of each `bytes` in `strings` with the 128-bit `key` = (k0, k1)."""
    k0, k1 = (_U(int(k) & 0xFFFFFFFFFFFFFFFF) for k in key)

    def group(m, n):
        rows = m.shape[0]
        v = [np.full(rows, c, np.uint64) for c in (
            k0 ^ _U(0x736F6D6570736575), k1 ^ _U(0x646F72616E646F6D),
            k0 ^ _U(0x6C7967656E657261), k1 ^ _U(0x7465646279746573))]
        for i in range(0, n - n % 8, 8):
            word = _fetch64(m, i)
            v[3] ^= word
            v = list(_sip_round(*_sip_round(*v)))
            v[0] ^= word
        last = np.full(rows, _U((n & 0xFF) << 56), np.uint64)
        for j, i in enumerate(range(n - n % 8, n)):
            last |= m[:, i].astype(np.uint64) << _U(8 * j)
        v[3] ^= last
        v = list(_sip_round(*_sip_round(*v)))
        v[0] ^= last
        v[2] ^= _U(0xFF)
        for _ in range(4):
            v = list(_sip_round(*v))
        return v[0] ^ v[1] ^ v[2] ^ v[3]
    return _by_length(strings, group)


def legacy_hash64(strings, seed=0xDECAFCAFFE):
    """TF's legacy 64-bit string hash (MurmurHash64A layout) used by `to_hash_bucket`."""
    mul = _U(0xC6A4A7935BD1E995)
    r = _U(47)

    def group(m, n):
        h = np.full(m.shape[0], _U(seed) ^ (_U(n) * mul), np.uint64)
        for i in range(0, n - n % 8, 8):
            k = _fetch64(m, i) * mul
            k ^= k >> r
            h ^= k * mul
            h *= mul
        tail = n % 8
        if tail:
            for j in range(tail - 1, -1, -1):
                h ^= m[:, n - tail + j].astype(np.uint64) << _U(8 * j)
            h *= mul
        h ^= h >> r
        h *= mul
        return h ^ (h >> r)
    return _by_length(strings, group)
