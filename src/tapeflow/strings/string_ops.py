"""Element-wise string ops: case, whitespace, regexes, length, substr, join, conversions.

>>> import tapeflow as tf
>>> tf.strings.upper(["ab", "Cd"]).numpy()
array([b'AB', b'CD'], dtype=object)
"""
import re

import numpy as np

from ..framework import dtypes
from ..framework.tensor import Tensor, convert_to_tensor
from ._convert import elementwise, invalid, is_ragged, string_tensor, to_bytes_array

__all__ = ["lower", "upper", "strip", "regex_replace", "regex_full_match", "length", "substr",
           "join", "reduce_join", "to_number", "as_string", "unsorted_segment_join",
           "unicode_transcode"]


def _case(fn_bytes, fn_text, input, encoding, op):
    if encoding in ("", None):
        return elementwise(fn_bytes, input, op)
    if encoding.lower().replace("-", "") != "utf8":
        raise invalid(f"{op}: unsupported encoding {encoding!r}; expected '' or 'utf-8'.")
    return elementwise(lambda s: fn_text(s.decode("utf-8")).encode("utf-8"), input, op)


def lower(input, encoding="", name=None):
    """Lower-cases ASCII letters (every letter with `encoding="utf-8"`).

    >>> lower(["CamelCase"]).numpy()
    array([b'camelcase'], dtype=object)
    """
    return _case(bytes.lower, str.lower, input, encoding, "tf.strings.lower")


def upper(input, encoding="", name=None):
    """Upper-cases ASCII letters (every letter with `encoding="utf-8"`)."""
    return _case(bytes.upper, str.upper, input, encoding, "tf.strings.upper")


def strip(input, name=None):
    """Removes leading and trailing whitespace.

    >>> strip([" a b \\n"]).numpy()
    array([b'a b'], dtype=object)
    """
    return elementwise(bytes.strip, input, "tf.strings.strip")


def _as_pattern(pattern, op):
    if isinstance(pattern, Tensor):
        pattern = pattern.numpy().item() if pattern.ndim == 0 else None
        if pattern is None:
            raise ValueError(f"{op}: `pattern` must be a scalar string.")
    if isinstance(pattern, str):
        pattern = pattern.encode("utf-8")
    try:
        return re.compile(pattern)
    except re.error as e:
        raise invalid(f"{op}: invalid pattern {pattern!r}: {e}") from None


def _rewrite(rewrite):
    """RE2 rewrite string (`\\0`..`\\9` are groups) -> a Python re template."""
    if isinstance(rewrite, Tensor):
        rewrite = rewrite.numpy().item()
    if isinstance(rewrite, str):
        rewrite = rewrite.encode("utf-8")
    return re.sub(rb"\\(\d)", rb"\\g<\1>", rewrite.replace(b"\\\\", b"\x00")) \
        .replace(b"\x00", b"\\\\")


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """Replaces matches of the RE2 `pattern` with `rewrite` (`\\0`..`\\9` insert groups).

    >>> regex_replace(["Text with tags.<br /><b>contains html</b>"], "<[^>]+>", " ").numpy()
    array([b'Text with tags.  contains html '], dtype=object)
    """
    pat = _as_pattern(pattern, "tf.strings.regex_replace")
    rep = _rewrite(rewrite)
    count = 0 if replace_global else 1
    return elementwise(lambda s: pat.sub(rep, s, count), input, "tf.strings.regex_replace")


def regex_full_match(input, pattern, name=None):
    """Whether each whole string matches the RE2 `pattern` (a bool tensor).

    >>> regex_full_match(["TF lib", "lib TF"], ".*lib$").numpy()
    array([ True, False])
    """
    pat = _as_pattern(pattern, "tf.strings.regex_full_match")
    return elementwise(lambda s: pat.fullmatch(s) is not None, input,
                       "tf.strings.regex_full_match", out=bool)


def _check_unit(unit, op):
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"{op}: `unit` must be 'BYTE' or 'UTF8_CHAR'. Received: unit={unit!r}")


def length(input, unit="BYTE", name=None):
    """Length of each string in bytes, or in UTF-8 characters with `unit="UTF8_CHAR"`.

    >>> length(["héllo"], unit="UTF8_CHAR").numpy()
    array([5], dtype=int32)
    """
    _check_unit(unit, "tf.strings.length")
    if unit == "BYTE":
        return elementwise(len, input, "tf.strings.length", out=np.int32)
    # UTF-8 characters = bytes that are not continuation bytes (0b10xxxxxx)
    return elementwise(lambda s: len(s) - sum(1 for b in s if b & 0xC0 == 0x80), input,
                       "tf.strings.length", out=np.int32)


def _utf8_offsets(s):
    starts = [i for i, b in enumerate(s) if b & 0xC0 != 0x80]
    return starts + [len(s)]


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 - TF's argument name
    """Substrings of `len` units starting at `pos` (negative `pos` counts from the end).

    >>> substr(["hello"], 1, 3).numpy()
    array([b'ell'], dtype=object)
    """
    _check_unit(unit, "tf.strings.substr")
    a = to_bytes_array(input, "tf.strings.substr")
    pos_a = np.broadcast_to(np.asarray(getattr(pos, "numpy", lambda: pos)()), a.shape)
    len_a = np.broadcast_to(np.asarray(getattr(len, "numpy", lambda: len)()), a.shape)
    out = np.empty(a.shape, object)
    for idx in np.ndindex(a.shape):
        s, p, n = a[idx], int(pos_a[idx]), int(len_a[idx])
        offs = _utf8_offsets(s) if unit == "UTF8_CHAR" else None
        size = (offs.__len__() - 1) if offs is not None else s.__len__()
        if p < 0:
            p += size
        if not 0 <= p <= size:
            raise invalid(f"tf.strings.substr: pos {int(pos_a[idx])} out of range for string "
                          f"{s!r} of length {size}.")
        end = min(size, p + n)
        out[idx] = s[offs[p]:offs[end]] if offs is not None else s[p:end]
    return string_tensor(out)


def join(inputs, separator="", name=None):
    """Element-wise concatenation of a list of string tensors (broadcast), with `separator`.

    >>> join([["a", "b"], ["c", "d"]], separator="+").numpy()
    array([b'a+c', b'b+d'], dtype=object)
    """
    if isinstance(separator, str):
        separator = separator.encode("utf-8")
    arrays = np.broadcast_arrays(*[to_bytes_array(x, "tf.strings.join") for x in inputs])
    out = arrays[0].copy()
    for a in arrays[1:]:
        out = out + separator + a if separator else out + a
    return string_tensor(out)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """Joins strings along `axis` (all of them when None), inserting `separator`.

    >>> reduce_join([["a", "b"], ["c", "d"]], axis=1, separator="-").numpy()
    array([b'a-b', b'c-d'], dtype=object)
    """
    if isinstance(separator, str):
        separator = separator.encode("utf-8")
    if is_ragged(inputs):
        if axis not in (-1, inputs.ndim - 1) or inputs.ragged_rank != 1:
            raise ValueError("tf.strings.reduce_join: ragged inputs are joined along the "
                             f"last axis only. Received: axis={axis}")
        flat = to_bytes_array(inputs.values, "tf.strings.reduce_join")
        splits = np.asarray(inputs.row_splits.numpy())
        return string_tensor(np.array([separator.join(flat[a:b]) for a, b in
                                       zip(splits[:-1], splits[1:])] + [], dtype=object))
    a = to_bytes_array(inputs, "tf.strings.reduce_join")
    axes = tuple(range(a.ndim)) if axis is None else tuple(
        ax % a.ndim for ax in np.atleast_1d(np.asarray(axis)).tolist())
    rest = [d for d in range(a.ndim) if d not in axes]
    moved = np.transpose(a, rest + list(axes)).reshape([a.shape[d] for d in rest] + [-1])
    out = np.empty(moved.shape[:-1], object)
    for idx in np.ndindex(out.shape):
        out[idx] = separator.join(moved[idx])
    if keepdims:
        out = out.reshape([1 if d in axes else a.shape[d] for d in range(a.ndim)])
    return string_tensor(out)


def to_number(input, out_type=dtypes.float32, name=None):
    """Parses each string as a number of `out_type` (float32 by default).

    >>> to_number(["1.5", "-3"]).numpy()
    array([ 1.5, -3. ], dtype=float32)
    """
    out_type = dtypes.as_dtype(out_type)
    a = to_bytes_array(input, "tf.strings.to_number")
    parse = float if out_type.is_floating else int
    try:
        vals = np.frompyfunc(lambda s: parse(s.decode("utf-8").strip()), 1, 1)(a) \
            if a.size else np.empty(a.shape, object)
        return convert_to_tensor(np.asarray(vals).astype(out_type._np))
    except (ValueError, UnicodeDecodeError, OverflowError) as e:
        raise invalid(f"tf.strings.to_number: StringToNumberOp could not correctly convert "
                      f"a string to {out_type.name}: {e}") from None



def _float_format(precision, scientific, shortest):
    if shortest:
        return "{:g}" if precision < 0 else "{:." + str(precision) + "g}"
    prec = 6 if precision < 0 else precision
    return "{:." + str(prec) + ("e}" if scientific else "f}")


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",
              name=None):
    """Formats numbers/bools as strings (floats: 6 decimals unless told otherwise).

    >>> as_string([3, 42]).numpy()
    array([b'3', b'42'], dtype=object)
    >>> as_string([1.5]).numpy()
    array([b'1.500000'], dtype=object)
    """
    t = convert_to_tensor(input)
    if t.dtype.name == "string":
        raise TypeError("tf.strings.as_string: input must be numeric or bool, but received a "
                        "string tensor.")
    a = np.asarray(t.numpy())
    if a.dtype == bool:
        fmt = lambda v: "true" if v else "false"  # noqa: E731
    elif a.dtype.kind in "iu":
        fmt = "{:d}".format
    elif a.dtype.kind == "c":
        f = _float_format(precision, scientific, shortest)
        fmt = lambda v: "(" + f.format(v.real) + "," + f.format(v.imag) + ")"  # noqa: E731
    else:
        fmt = _float_format(precision, scientific, shortest).format
    if width > 0:
        align = ">" if fill != "0" else ""
        base = fmt
        fmt = lambda v: format(base(v), (fill or " ") + align + str(width)) if fill != "0" \
            else base(v).zfill(width)  # noqa: E731
    res = np.frompyfunc(lambda v: fmt(v).encode("ascii"), 1, 1)(a) if a.size else \
        np.empty(a.shape, object)
    return string_tensor(np.asarray(res, dtype=object))


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """Joins the strings of each segment (in input order) with `separator`; empty segments
    give "".

    >>> unsorted_segment_join(["this", "is", "a", "test"], [0, 0, 1, 0], 2, " ").numpy()
    array([b'this is test', b'a'], dtype=object)
    """
    if isinstance(separator, str):
        separator = separator.encode("utf-8")
    a = to_bytes_array(inputs, "tf.strings.unsorted_segment_join")
    ids = np.asarray(convert_to_tensor(segment_ids).numpy())
    n = int(convert_to_tensor(num_segments).numpy())
    if ids.shape != a.shape[:ids.ndim]:
        raise ValueError(f"tf.strings.unsorted_segment_join: segment_ids shape {ids.shape} "
                         f"must be a prefix of the inputs shape {a.shape}.")
    if ids.size and (ids.min() < -1 or ids.max() >= n):
        raise invalid(f"tf.strings.unsorted_segment_join: segment_ids must be in [0, "
                      f"{n}). Received: values in [{ids.min()}, {ids.max()}]")
    rest = a.shape[ids.ndim:]
    flat_ids = ids.reshape(-1)
    items = a.reshape((flat_ids.size,) + rest)
    out = np.empty((n,) + rest, object)
    for idx in np.ndindex(rest):
        members = [[] for _ in range(n)]
        for seg, s in zip(flat_ids.tolist(), items[(slice(None),) + idx].tolist()):
            if seg >= 0:
                members[seg].append(s)
        for seg in range(n):
            out[(seg,) + idx] = separator.join(members[seg])
    return string_tensor(out)


_ENCODINGS = {"UTF8": "utf-8", "UTF16BE": "utf-16-be", "UTF32BE": "utf-32-be"}


def unicode_transcode(input, input_encoding, output_encoding, errors="replace",
                      replacement_char=65533, replace_control_characters=False, name=None):
    """Re-encodes strings between UTF-8, UTF-16-BE and UTF-32-BE.

    >>> unicode_transcode(["hé"], "UTF-8", "UTF-16-BE").numpy()
    array([b'\\x00h\\x00\\xe9'], dtype=object)
    """
    codecs = []
    for enc in (input_encoding, output_encoding):
        key = enc.upper().replace("-", "").replace("_", "")
        if key not in _ENCODINGS:
            raise invalid(f"tf.strings.unicode_transcode: unsupported encoding {enc!r}; "
                          f"expected one of UTF-8, UTF-16-BE, UTF-32-BE.")
        codecs.append(_ENCODINGS[key])

    def convert(s):
        if errors == "strict":
            try:
                text = s.decode(codecs[0])
            except UnicodeDecodeError as e:
                raise invalid(f"tf.strings.unicode_transcode: invalid {input_encoding} in "
                              f"{s!r}: {e}") from None
        else:
            text = s.decode(codecs[0], "ignore" if errors == "ignore" else "replace")
            if errors == "replace":
                text = text.replace("\ufffd", chr(replacement_char))
        if replace_control_characters:
            text = "".join(chr(replacement_char) if ord(c) < 32 or 127 <= ord(c) < 160
                           else c for c in text)
        return text.encode(codecs[1])
    return elementwise(convert, input, "tf.strings.unicode_transcode")
