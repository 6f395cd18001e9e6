"""String ops with ragged outputs: split, bytes/unicode split, unicode decode/encode, ngrams.

A rank-k string tensor splits into a rank-(k+1) `tf.RaggedTensor` (a scalar into a
1-D Tensor), as in TF.

>>> import tapeflow as tf
>>> tf.strings.split(["hello world", "a b c"]).to_list()
[[b'hello', b'world'], [b'a', b'b', b'c']]
"""
import numpy as np

from ..framework.tensor import Tensor, convert_to_tensor
from ._convert import (invalid, is_ragged, ragged_from_rows, split_rows, string_tensor,
                       to_bytes_array)

__all__ = ["split", "bytes_split", "unicode_split", "unicode_decode", "unicode_encode",
           "ngrams", "unicode_decode_with_offsets", "unicode_split_with_offsets"]


def _check_encoding(encoding, op):
    if encoding.upper().replace("-", "") != "UTF8":
        raise invalid(f"{op}: only UTF-8 is supported. Received: encoding={encoding!r}")


def split(input, sep=None, maxsplit=-1, name=None):
    """Splits each string at `sep` (runs of whitespace when None) into a RaggedTensor.

    >>> split(["a,b,,c"], ",").to_list()
    [[b'a', b'b', b'', b'c']]
    """
    if isinstance(sep, Tensor):
        sep = sep.numpy().item()
    if isinstance(sep, str):
        sep = sep.encode("utf-8")
    if sep == b"":
        sep = None
    return split_rows(input, lambda s: s.split(sep, maxsplit), "tf.strings.split")


def bytes_split(input, name=None):
    """Splits each string into its bytes.

    >>> bytes_split("hi").numpy()
    array([b'h', b'i'], dtype=object)
    """
    return split_rows(input, lambda s: [s[i:i + 1] for i in range(len(s))],
                      "tf.strings.bytes_split")


def _decode(s, errors, replacement_char):
    if errors == "strict":
        try:
            return s.decode("utf-8")
        except UnicodeDecodeError as e:
            raise invalid(f"tf.strings.unicode_decode: invalid UTF-8 in {s!r}: {e}") from None
    if errors == "ignore":
        return s.decode("utf-8", "ignore")
    return s.decode("utf-8", "replace").replace("\ufffd", chr(replacement_char))


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533,
                  name=None):
    """Splits each string into its characters (each a UTF-8 string).

    >>> unicode_split("hé", "UTF-8").numpy()
    array([b'h', b'\\xc3\\xa9'], dtype=object)
    """
    _check_encoding(input_encoding, "tf.strings.unicode_split")
    return split_rows(input, lambda s: [c.encode("utf-8") for c in
                                        _decode(s, errors, replacement_char)],
                      "tf.strings.unicode_split")


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,
                   replace_control_characters=False, name=None):
    """Code points of each string (int32), ragged for rank >= 1 input.

    >>> unicode_decode(["hé", "x"], "UTF-8").to_list()
    [[104, 233], [120]]
    """
    _check_encoding(input_encoding, "tf.strings.unicode_decode")

    def codes(s):
        out = [ord(c) for c in _decode(s, errors, replacement_char)]
        if replace_control_characters:
            out = [replacement_char if c < 32 or 127 <= c < 160 else c for c in out]
        return out
    return split_rows(input, codes, "tf.strings.unicode_decode", out_dtype=np.int32)


def _char_offsets(s, errors, replacement_char):
    """[(code point, byte offset)] of `s`, decoding like `_decode`."""
    text = _decode(s, errors, replacement_char)
    if errors == "strict" or len(text.encode("utf-8")) == len(s) and "\ufffd" not in \
            s.decode("utf-8", "replace"):
        offsets, pos = [], 0
        for c in text:
            offsets.append(pos)
            pos += len(c.encode("utf-8"))
        return list(zip(map(ord, text), offsets))
    out, pos = [], 0  # invalid bytes: decode one character (or bad byte) at a time
    while pos < len(s):
        for size in (1, 2, 3, 4):
            try:
                c = s[pos:pos + size].decode("utf-8")
                out.append((ord(c), pos))
                break
            except UnicodeDecodeError:
                continue
        else:
            size = 1
            if errors == "replace":
                out.append((replacement_char, pos))
        pos += size
    return out


def unicode_decode_with_offsets(input, input_encoding, errors="replace",
                                replacement_char=65533, replace_control_characters=False,
                                name=None):
    """(code points, byte offset where each character starts), both ragged like the input.

    >>> codes, offsets = unicode_decode_with_offsets(["hé!"], "UTF-8")
    >>> codes.to_list(), offsets.to_list()
    ([[104, 233, 33]], [[0, 1, 3]])
    """
    _check_encoding(input_encoding, "tf.strings.unicode_decode_with_offsets")
    codes = unicode_decode(input, input_encoding, errors, replacement_char,
                           replace_control_characters)
    offsets = split_rows(input, lambda s: [o for _, o in _char_offsets(s, errors,
                                                                       replacement_char)],
                         "tf.strings.unicode_decode_with_offsets", out_dtype=np.int64)
    return codes, offsets


def unicode_split_with_offsets(input, input_encoding, errors="replace",
                               replacement_char=65533, name=None):
    """(characters as UTF-8 strings, byte offset where each starts).

    >>> chars, offsets = unicode_split_with_offsets("hé!", "UTF-8")
    >>> offsets.numpy()
    array([0, 1, 3])
    """
    _check_encoding(input_encoding, "tf.strings.unicode_split_with_offsets")
    return (unicode_split(input, input_encoding, errors, replacement_char),
            split_rows(input, lambda s: [o for _, o in _char_offsets(s, errors,
                                                                     replacement_char)],
                       "tf.strings.unicode_split_with_offsets", out_dtype=np.int64))


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533,
                   name=None):
    """Encodes int32 code points along the last axis (dense or ragged) into strings.

    >>> unicode_encode([[104, 233]], "UTF-8").numpy()
    array([b'h\\xc3\\xa9'], dtype=object)
    """
    _check_encoding(output_encoding, "tf.strings.unicode_encode")

    def enc(codes):
        chars = []
        for c in np.asarray(codes).tolist():
            if not 0 <= c <= 0x10FFFF or 0xD800 <= c <= 0xDFFF:
                if errors == "strict":
                    raise invalid(f"tf.strings.unicode_encode: invalid code point {c}.")
                if errors == "ignore":
                    continue
                c = replacement_char
            chars.append(chr(c))
        return "".join(chars).encode("utf-8")
    if is_ragged(input):
        if input.ragged_rank > 1:
            return input.with_values(unicode_encode(input.values, output_encoding, errors,
                                                    replacement_char))
        flat = np.asarray(input.values.numpy())
        splits = np.asarray(input.row_splits.numpy())
        return string_tensor(np.array([enc(flat[a:b]) for a, b in zip(splits[:-1], splits[1:])]
                                      + [b""], dtype=object)[:-1])
    a = np.asarray(convert_to_tensor(input).numpy())
    if a.ndim == 0:
        raise ValueError("tf.strings.unicode_encode: input must have rank >= 1. "
                         "Received: a scalar")
    out = np.empty(a.shape[:-1], object)
    for idx in np.ndindex(out.shape):
        out[idx] = enc(a[idx])
    return string_tensor(out)


def _widths(ngram_width):
    widths = [int(w) for w in np.atleast_1d(ngram_width)]
    if any(w < 1 for w in widths):
        raise ValueError(f"tf.strings.ngrams: ngram_width must be >= 1. Received: "
                         f"ngram_width={ngram_width}")
    return widths


def _row_ngrams(row, widths, sep, pads, padding_width, preserve_short):
    out, short = [], None
    for w in widths:
        pw = (w - 1 if padding_width in (None, -1) else min(padding_width, w - 1)) \
            if pads else 0
        seq = [pads[0]] * pw + row + [pads[1]] * pw if pads else row
        count = len(seq) - w + 1
        if count <= 0:
            short = short or seq
            continue
        out.extend(sep.join(seq[i:i + w]) for i in range(count))
    if not out and preserve_short and row:  # one n-gram of the whole (padded) row
        out.append(sep.join(short))
    return out


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """N-grams of the last axis of `data` (dense or ragged), joined with `separator`.

    For several widths, each row lists all n-grams of the first width, then the next.

    >>> ngrams(["a", "b", "c", "d"], 2).numpy()
    array([b'a b', b'b c', b'c d'], dtype=object)
    """
    widths = _widths(ngram_width)
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    pads = None
    if pad_values is not None:
        pads = (pad_values, pad_values) if isinstance(pad_values, (str, bytes)) else \
            tuple(pad_values)
        pads = tuple(p.encode("utf-8") if isinstance(p, str) else p for p in pads)
    if padding_width is not None and padding_width == 0 or padding_width is not None and \
            padding_width < -1:
        raise ValueError(f"tf.strings.ngrams: padding_width must be > 0 or -1. Received: "
                         f"padding_width={padding_width}")

    def rows_of(flat, splits):
        flat = list(flat)
        return [_row_ngrams(flat[a:b], widths, sep, pads, padding_width,
                            preserve_short_sequences) for a, b in zip(splits[:-1], splits[1:])]

    if is_ragged(data):
        if data.ragged_rank > 1:
            return data.with_values(ngrams(data.values, ngram_width, separator, pad_values,
                                           padding_width, preserve_short_sequences))
        flat = to_bytes_array(data.values, "tf.strings.ngrams")
        rows = rows_of(flat, np.asarray(data.row_splits.numpy()).tolist())
        lengths = [len(r) for r in rows]
        values = np.array([g for r in rows for g in r] + [b""], dtype=object)[:-1]
        return ragged_from_rows(values, np.concatenate([[0], np.cumsum(lengths)]))
    a = to_bytes_array(data, "tf.strings.ngrams")
    if a.ndim == 0:
        raise ValueError("tf.strings.ngrams: data must have rank >= 1. Received: a scalar")
    lead = a.shape[:-1]
    flat = a.reshape(-1, a.shape[-1])
    n = a.shape[-1]
    rows = rows_of(flat.reshape(-1), list(range(0, flat.size + 1, n)) if n else
                   [0] * (flat.shape[0] + 1))
    width = len(rows[0]) if rows else 0
    out = np.empty((len(rows), width), object)
    for i, r in enumerate(rows):
        out[i, :] = r
    return string_tensor(out.reshape(lead + (width,)))
