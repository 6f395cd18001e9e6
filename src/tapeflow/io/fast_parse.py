"""A vectorized tf.train.Example parser for `FixedLenFeature`s (the fast path of
`tf.io.parse_example`).

The batch's serialized records are joined into one NumPy byte buffer and the
protobuf wire format is walked for all records at once: `Example.features`
(field 1), its map entries (field 1: `key` = 1, `value` = 2), the `Feature`'s
list (bytes_list = 1, float_list = 2, int64_list = 3) and its packed values.
Varints (tags, lengths, int64 values) are decoded with array arithmetic; a
feature's float values are one gather of `4 * n` bytes per record viewed as
little-endian float32. When all records have one length and the framing bytes
(tags, lengths, keys) of the layout last seen for the schema, each feature is a
column slice of the records matrix (`_parse_uniform`); a few lengths take one
layout each. Features not asked for are skipped without looking inside (as TF's
own fast parser does).

Only the canonical encoding is taken: exactly these fields, each once, in this
order, packed numeric lists, no duplicate keys, keys in ASCII. Anything else —
other feature kinds, a wrong value count, a missing feature without a default,
unpacked lists, unknown fields, truncated bytes — returns None, and the caller
runs the general (protobuf) parser, which gives the same values or raises the
error naming the feature. So results and errors never depend on the path.

>>> from tapeflow.train.example_pb import Example, Features, Feature, FloatList
>>> rec = Example(features=Features(feature={"x": Feature(float_list=FloatList(
...     value=[1.5, 2.0]))})).SerializeToString()
>>> out = parse_fixed([rec, rec], {"x": ((2,), "float32", None)})
>>> out["x"].tolist()
[[1.5, 2.0], [1.5, 2.0]]
"""
import numpy as np

__all__ = ["parse_fixed"]

_KIND_TAG = {"bytes": 0x0A, "float32": 0x12, "int64": 0x1A}
_SHIFTS = (7 * np.arange(10)).astype(np.uint64)


class _Fallback(Exception):
    """The batch is not in the canonical encoding this parser takes."""


def _varint(buf, pos):
    """(value int64, position after) of the varint at each of `pos`."""
    b0 = buf[pos]
    if not (b0 & 0x80).any():
        return b0.astype(np.int64), pos + 1
    value = (b0 & 0x7F).astype(np.uint64)
    more = b0 >= 0x80
    size = np.ones(len(pos), np.int64)
    for j in range(1, 10):  # one byte position at a time, while any varint goes on
        bj = buf[pos + j]
        value |= np.where(more, (bj & 0x7F).astype(np.uint64) << _SHIFTS[j], np.uint64(0))
        size += more
        more &= bj >= 0x80
        if not more.any():
            return value.view(np.int64), pos + size
    raise _Fallback  # more than 10 bytes: not a varint


def _field(buf, pos, end, tag):
    """(body start, body end) of a length-delimited field `tag` at each of `pos`,
    which must lie within `end`."""
    if len(pos) == 0:
        return pos, pos
    if (pos >= end).any() or (buf[pos] != tag).any():
        raise _Fallback
    length, body = _varint(buf, pos + 1)
    stop = body + length
    if (length < 0).any() or (stop > end).any():
        raise _Fallback
    return body, stop


def _entries(buf, starts, ends):
    """(record index, entry body start, entry body end) of every map entry."""
    rows_out, s_out, e_out = [], [], []
    nonempty = ends > starts
    rows = np.flatnonzero(nonempty)
    body, stop = _field(buf, starts[rows], ends[rows], 0x0A)  # Example.features
    if (stop != ends[rows]).any():
        raise _Fallback  # another field after `features`
    cur, lim = body, stop
    while len(rows):
        live = cur < lim
        rows, cur, lim = rows[live], cur[live], lim[live]
        if not len(rows):
            break
        s, e = _field(buf, cur, lim, 0x0A)  # Features.feature (a map entry)
        rows_out.append(rows)
        s_out.append(s)
        e_out.append(e)
        cur = e
    if not rows_out:
        z = np.zeros(0, np.int64)
        return z, z, z
    return np.concatenate(rows_out), np.concatenate(s_out), np.concatenate(e_out)


def _key_ids(buf, ks, ke, keys):
    """Index into `keys` of each entry's key (-1: a key not asked for)."""
    klen = ke - ks
    ids = np.full(len(ks), -1, np.int64)
    wanted = {}
    for i, k in enumerate(keys):
        wanted.setdefault(len(k), []).append(i)
    for m in np.flatnonzero(np.bincount(klen)).tolist() if len(ks) else ():
        cand = np.flatnonzero(klen == m)
        got = buf[ks[cand][:, None] + np.arange(m)]
        if (got >= 0x80).any():
            raise _Fallback  # non-ASCII keys: protobuf checks their UTF-8
        for i in wanted.get(m, ()):
            ids[cand[(got == np.frombuffer(keys[i], np.uint8)).all(axis=1)]] = i
    return ids


def _int64_values(buf, s, e, count):
    plen = e - s
    if (plen == count).all():
        block = buf[s[:, None] + np.arange(count)]
        if not (block & 0x80).any():
            return block.astype(np.int64)
    width = int(plen.max())
    if width > 10 * count:
        raise _Fallback
    block = buf[s[:, None] + np.arange(width)]
    inside = np.arange(width)[None, :] < plen[:, None]
    term = (block < 0x80) & inside
    last = block[np.arange(len(s)), np.maximum(plen - 1, 0)]
    if (term.sum(axis=1) != count).any() or (last >= 0x80).any():
        raise _Fallback
    flat = block[inside]
    ends = np.flatnonzero(flat < 0x80)
    starts = np.concatenate([[0], ends[:-1] + 1])
    pos = np.arange(len(flat)) - np.repeat(starts, ends - starts + 1)
    if (pos > 9).any():
        raise _Fallback
    parts = (flat & 0x7F).astype(np.uint64) << _SHIFTS[pos]
    return np.bitwise_or.reduceat(parts, starts).view(np.int64).reshape(len(s), count)


def _bytes_values(buf, raw, s, e, count):
    cur, spans = s, []
    for _ in range(count):
        b, stop = _field(buf, cur, e, 0x0A)
        spans.append((b, stop))
        cur = stop
    if (cur != e).any():
        raise _Fallback
    out = np.empty((len(s), count), dtype=object)
    for j, (b, stop) in enumerate(spans):
        out[:, j] = [raw[x:y] for x, y in zip(b.tolist(), stop.tolist())]
    return out


def _values(buf, raw, s, e, dtype, count):
    """The `count` values of each present feature whose `Feature` body is [s, e)."""
    ls, le = _field(buf, s, e, _KIND_TAG[dtype])  # the one list field of the Feature
    if (le != e).any():
        raise _Fallback
    if dtype == "bytes":
        return _bytes_values(buf, raw, ls, le, count)
    vs, ve = _field(buf, ls, le, 0x0A)  # the packed values
    if (ve != le).any():
        raise _Fallback
    if dtype == "float32":
        if ((ve - vs) != 4 * count).any():
            raise _Fallback
        block = np.ascontiguousarray(buf[vs[:, None] + np.arange(4 * count)])
        return block.view("<f4").astype(np.float32, copy=False)
    return _int64_values(buf, vs, ve, count)


def _defaults(default, shape, np_type):
    arr = np.asarray(default, dtype=np_type)
    return np.broadcast_to(arr, shape)


def parse_fixed(records, specs):
    """Dense features of a batch of serialized Examples, or None (use the general parser).

    `records`: a list of bytes. `specs`: {key: (shape tuple, dtype name, default)} with
    dtype 'float32', 'int64' or 'string'. Returns {key: array [len(records), *shape]}.
    """
    try:
        return _parse(records, specs)
    except (_Fallback, IndexError, ValueError):
        return None


def _parse(records, specs):
    n = len(records)
    raw = b"".join(records)
    lens = np.fromiter(map(len, records), np.int64, n)
    ends = np.cumsum(lens)
    starts = ends - lens
    buf = np.frombuffer(raw + bytes(16), np.uint8)
    keys = [k.encode() if isinstance(k, str) else bytes(k) for k in specs]
    if n > 1 and lens[0] > 0 and (lens == lens[0]).all():
        out = _parse_uniform(buf, raw, n, int(lens[0]), specs, keys)
        if out is not None:
            return out
    elif n >= 16:  # a few record lengths (varints of different sizes): one layout each
        out = _parse_by_length(records, lens, specs, keys)
        if out is not None:
            return out
    return _parse_general(buf, raw, starts, ends, specs, keys)


def _parse_by_length(records, lens, specs, keys):
    kinds, inverse = np.unique(lens, return_inverse=True)
    if len(kinds) > 8 or kinds[0] == 0:
        return None
    out = None
    for k in range(len(kinds)):
        rows = np.flatnonzero(inverse.reshape(-1) == k)
        group = [records[i] for i in rows.tolist()]
        raw = b"".join(group)
        buf = np.frombuffer(raw + bytes(16), np.uint8)
        part = _parse_uniform(buf, raw, len(group), int(kinds[k]), specs, keys) if len(
            group) > 1 else _parse_general(buf, raw, np.zeros(1, np.int64),
                                           np.array([len(raw)]), specs, keys)
        if part is None:
            return None
        if out is None:
            out = {name: np.empty((len(records),) + v.shape[1:], v.dtype)
                   for name, v in part.items()}
        for name, v in part.items():
            out[name][rows] = v
    return out


def _table(buf, starts, ends, keys):
    """Every map entry: (record, value body start, value body end, wanted key index)."""
    rows, es, ee = _entries(buf, starts, ends)
    ks, ke = _field(buf, es, ee, 0x0A)  # MapEntry.key
    vs, ve = _field(buf, ke, ee, 0x12)  # MapEntry.value
    if (ve != ee).any():
        raise _Fallback
    return rows, vs, ve, _key_ids(buf, ks, ke, keys)


def _spec(shape, dtype):
    count = int(np.prod(shape, dtype=np.int64))
    if count == 0:
        raise _Fallback
    return count, {"float32": np.float32, "int64": np.int64, "string": object}[dtype]


def _assemble(n, present, vals, shape, default, np_type, count):
    arr = np.empty((n, count), np_type)
    if len(present) != n:
        if default is None:
            raise _Fallback  # the general parser names the missing key
        arr[:] = _defaults(default, shape, np_type).reshape(1, count)
    if len(present):
        arr[present] = vals
    return arr.reshape((n,) + tuple(shape))


def _parse_general(buf, raw, starts, ends, specs, keys):
    n = len(starts)
    rows, vs, ve, ids = _table(buf, starts, ends, keys)
    out = {}
    for f, (name, (shape, dtype, default)) in enumerate(specs.items()):
        count, np_type = _spec(shape, dtype)
        hit = np.flatnonzero(ids == f)
        present = rows[hit]
        if len(present) and np.bincount(present).max() > 1:
            raise _Fallback  # a key repeated within one record
        kind = "bytes" if dtype == "string" else dtype
        if (vs[hit] == ve[hit]).any():
            raise _Fallback  # a Feature with no list
        vals = _values(buf, raw, vs[hit], ve[hit], kind, count) if len(hit) else None
        out[name] = _assemble(n, present, vals, shape, default, np_type, count)
    return out


_TEMPLATES = {}  # (length, keys, dtypes) -> the last framing seen: (columns, bytes, payload)


def _template(buf, length, specs, keys):
    """Framing of the first record: the columns and bytes of its tags, lengths and keys,
    and each wanted feature's value bytes (a, b), or None when the record is unusual."""
    rows, vs, ve, ids = _table(buf, np.zeros(1, np.int64), np.array([length]), keys)
    if len(rows) and np.bincount(ids[ids >= 0]).max(initial=0) > 1:
        return None
    kinds = [dtype for _, dtype, _ in specs.values()]
    free = np.zeros(length + 1, np.int64)  # +1/-1 marks of the value bytes
    payload = {}
    for j in range(len(rows)):
        a, b, f = int(vs[j]), int(ve[j]), int(ids[j])
        if f >= 0 and kinds[f] in ("float32", "int64") and b > a:
            ls, le = _field(buf, vs[j:j + 1], ve[j:j + 1], _KIND_TAG[kinds[f]])
            ps, pe = _field(buf, ls, le, 0x0A)
            if le[0] != b or pe[0] != le[0]:
                return None
            a, b = int(ps[0]), int(pe[0])
        if f >= 0:
            payload[f] = (a, b)
        free[a] += 1
        free[b] -= 1
    cols = np.flatnonzero(np.cumsum(free[:length]) == 0)
    return cols, buf[cols].copy(), payload


def _parse_uniform(buf, raw, n, length, specs, keys):
    """Records of one length whose framing bytes (tags, lengths, keys) all equal the
    first record's: the values sit at the same offsets in every record. The framing
    is remembered, so the next batch of the same schema only compares it."""
    mat = buf[:n * length].reshape(n, length)
    key = (length, tuple(keys), tuple(dtype for _, dtype, _ in specs.values()))
    known = _TEMPLATES.get(key)
    if known is None or not (mat[:, known[0]] == known[1]).all():
        known = _template(buf, length, specs, keys)
        if known is None or not (mat[1:, known[0]] == known[1]).all():
            return None
        if len(_TEMPLATES) > 64:
            _TEMPLATES.clear()
        _TEMPLATES[key] = known
    payload = known[2]
    base = np.arange(n, dtype=np.int64) * length
    everyone = np.arange(n)
    out = {}
    for f, (name, (shape, dtype, default)) in enumerate(specs.items()):
        count, np_type = _spec(shape, dtype)
        if f not in payload:
            out[name] = _assemble(n, everyone[:0], None, shape, default, np_type, count)
            continue
        a, b = payload[f]
        if dtype == "string":
            vals = _values(buf, raw, base + a, base + b, "bytes", count)
        elif dtype == "float32":
            if b - a != 4 * count:
                raise _Fallback
            vals = np.ascontiguousarray(mat[:, a:b]).view("<f4").astype(np.float32, copy=False)
        else:
            block = mat[:, a:b]
            if b - a == count and not (block & 0x80).any():
                vals = block.astype(np.int64)
            else:
                vals = _int64_values(buf, base + a, base + b, count)
        out[name] = _assemble(n, everyone, vals, shape, default, np_type, count)
    return out
