"""CSV input: `tf.data.experimental.CsvDataset` and `make_csv_dataset`.

`CsvDataset` yields one tuple of scalars per record, typed by `record_defaults`
(a dtype: the column is required; a value: the default for empty fields).
`make_csv_dataset` batches records into (OrderedDict of columns, label),
inferring column names from the header and types from the first rows.

>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
>>> _ = open(p, "w").write("x,y\\n1,2.5\\n3,\\n")
>>> ds = CsvDataset(p, [0, -1.0], header=True)
>>> [(int(a), float(b)) for a, b in ds]
[(1, 2.5), (3, -1.0)]
"""
import collections
import csv
import glob
import io

import numpy as np

from ..framework import dtypes, errors
from . import structure
from .dataset import Dataset
from .readers import _open_file

__all__ = ["CsvDataset", "make_csv_dataset"]


def _names(filenames):
    if isinstance(filenames, Dataset):
        return [n.decode() if isinstance(n, bytes) else str(n)
                for n in filenames.as_numpy_iterator()]
    names = structure.to_numpy_leaf(filenames).reshape(-1)
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _rows(path, compression, delim, quote, header):
    """(line number, list of fields) for each record of one file."""
    with _open_file(path, compression) as f:
        text = io.TextIOWrapper(f, encoding="utf-8", newline="")
        reader = csv.reader(text, delimiter=delim, quoting=csv.QUOTE_MINIMAL if quote
                            else csv.QUOTE_NONE)
        for i, row in enumerate(reader):
            if (header and i == 0) or not row:
                continue
            yield i + 1, row


def _column(default):
    """record_defaults entry -> (dtype, default array or None when required)."""
    if isinstance(default, dtypes.DType) or (isinstance(default, str) and default in (
            "int32", "int64", "float32", "float64", "string")):
        return dtypes.as_dtype(default), None
    a = structure.to_numpy_leaf(default).reshape(-1)
    if a.size == 0:
        return dtypes.string if a.dtype == object else dtypes.as_dtype(a.dtype), None
    a = a[0] if a.size == 1 else a
    d = dtypes.string if np.asarray(a).dtype == object else dtypes.as_dtype(np.asarray(a).dtype)
    if d not in (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string):
        raise TypeError(f"CsvDataset: record_defaults must be int32, int64, float32, float64 or "
                        f"string. Received: dtype={d.name}")
    return d, np.asarray(a)


def _convert(field, dtype, default, na_value, where):
    if field == "" or field == na_value:
        if default is None:
            raise errors.invalid_argument(f"Field {where} is required but missing in record!")
        return default
    if dtype == dtypes.string:
        out = np.empty((), object)
        out[()] = field.encode()
        return out
    try:
        v = int(field) if dtype.is_integer else float(field)
        return np.asarray(v, dtype=dtype.as_numpy_dtype)
    except (ValueError, OverflowError):
        raise errors.invalid_argument(
            f"Field {where} in record is not a valid {dtype.name}: {field!r}") from None


class CsvDataset(Dataset):
    """Records of CSV files as tuples of scalars (`tf.data.experimental.CsvDataset`)."""

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None, name=None, _skip_bad=False):
        self._skip_bad = _skip_bad  # make_csv_dataset(ignore_errors=True): drop bad records
        self._files = _names(filenames)
        self._cols = [_column(d) for d in record_defaults]
        if select_cols is not None and exclude_cols is not None:
            raise ValueError("Either select_cols or exclude_cols should be specified, not both.")
        if select_cols is not None:
            select_cols = [int(c) for c in select_cols]
            if sorted(set(select_cols)) != select_cols:
                raise errors.invalid_argument("select_cols is not strictly increasing.")
            if len(select_cols) != len(self._cols):
                raise ValueError(f"CsvDataset: len(select_cols)={len(select_cols)} must equal "
                                 f"len(record_defaults)={len(self._cols)}.")
        self._select = select_cols
        self._exclude = None if exclude_cols is None else {int(c) for c in exclude_cols}
        self._compression, self._header = compression_type, bool(header)
        self._delim, self._quote, self._na = field_delim, bool(use_quote_delim), na_value

    def _compute_spec(self):
        return tuple(structure.TensorSpec([], d) for d, _ in self._cols)

    def _elements(self):
        for path in self._files:
            for line, row in _rows(path, self._compression, self._delim, self._quote,
                                   self._header):
                if self._select is not None:
                    if self._select[-1] >= len(row):
                        raise errors.invalid_argument(
                            f"Expect {self._select[-1] + 1} fields but have {len(row)} in "
                            f"record {line} of {path}")
                    row = [row[c] for c in self._select]
                elif self._exclude is not None:
                    row = [v for c, v in enumerate(row) if c not in self._exclude]
                if len(row) != len(self._cols):
                    if self._skip_bad:
                        continue
                    raise errors.invalid_argument(
                        f"Expect {len(self._cols)} fields but have {len(row)} in record {line} "
                        f"of {path}")
                try:
                    yield tuple(_convert(v, d, dflt, self._na, f"{c} of record {line} in {path}")
                                for c, (v, (d, dflt)) in enumerate(zip(row, self._cols)))
                except errors.InvalidArgumentError:
                    if not self._skip_bad:
                        raise


def _infer(values, na_value):
    """TF's column type inference: int32, int64, float32, else string."""
    kind = dtypes.int32
    for v in values:
        if v == "" or v == na_value:
            continue
        try:
            n = int(v)
            if kind == dtypes.int32 and not -2**31 <= n < 2**31:
                kind = dtypes.int64
            continue
        except ValueError:
            pass
        try:
            float(v)
            kind = dtypes.float32
        except ValueError:
            return dtypes.string
    return kind


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of (OrderedDict column name -> values, label) read from CSV files.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> _ = open(p, "w").write("a,b\\n1,x\\n2,y\\n")
    >>> ds = make_csv_dataset(p, 2, label_name="b", num_epochs=1, shuffle=False)
    >>> feats, label = next(iter(ds))
    >>> feats["a"].numpy().tolist(), label.numpy().tolist()
    ([1, 2], [b'x', b'y'])
    """
    patterns = _names(file_pattern)
    files = sorted({f for p in patterns for f in glob.glob(p)})
    if not files:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    sample = [row for _, row in zip(range(num_rows_for_inference + 1),
                                    (r for _, r in _rows(files[0], compression_type, field_delim,
                                                         use_quote_delim, False)))]
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` to be set to True.")
        column_names = sample[0]
    column_names = list(column_names)
    body = sample[1:] if header else sample
    if label_name is not None and label_name not in column_names:
        raise ValueError(f"`label_name` provided must be one of the columns: {column_names}. "
                         f"Received: {label_name}")
    cols = list(range(len(column_names)))
    if select_columns is not None:
        cols = sorted(column_names.index(c) if isinstance(c, str) else int(c)
                      for c in select_columns)
    if column_defaults is None:
        column_defaults = [_infer([r[c] for r in body if c < len(r)], na_value)
                           for c in cols]
    names = [column_names[c] for c in cols]
    ds = CsvDataset(files, column_defaults, compression_type=compression_type, header=header,
                    field_delim=field_delim, use_quote_delim=use_quote_delim, na_value=na_value,
                    select_cols=cols if select_columns is not None else None,
                    _skip_bad=bool(ignore_errors))
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)

    def to_features(*values):
        feats = collections.OrderedDict(zip(names, values))
        if label_name is None:
            return feats
        label = feats.pop(label_name)
        return feats, label
    ds = ds.batch(batch_size).map(to_features)
    return ds.prefetch(prefetch_buffer_size or -1)
