"""File readers: `tf.data.TextLineDataset` (one string element per line) and
`tf.data.FixedLengthRecordDataset` (fixed-size byte records).

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> _ = open(p, "w").write("x\\ny\\n")
>>> list(TextLineDataset(p).as_numpy_iterator())
[b'x', b'y']
"""
import gzip
import zlib

import numpy as np

from ..framework import dtypes, errors
from . import structure
from .dataset import Dataset

__all__ = ["TextLineDataset", "FixedLengthRecordDataset"]


def _open_file(path, compression):
    """`_open`, raising TF's NotFoundError for a missing file."""
    try:
        return _open(path, compression)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None


def _open(path, compression):
    if compression == "GZIP":
        return gzip.open(path, "rb")
    if compression == "ZLIB":
        import io
        with open(path, "rb") as f:
            return io.BytesIO(zlib.decompress(f.read()))
    if compression not in (None, ""):
        raise ValueError(f"Unsupported compression_type: {compression!r}")
    return open(path, "rb")


class FileReaderDataset(Dataset):
    """Base of the file readers: a file list (names or a Dataset of names, read when
    iterated) and a compression type; elements are tf.string records."""

    def __init__(self, filenames, compression_type=None):
        if isinstance(filenames, Dataset):
            self._files, self._file_ds = None, filenames
        else:
            names = structure.to_numpy_leaf(filenames).reshape(-1)
            self._files = [_name(n) for n in names]
        self._compression = compression_type

    def _filenames(self):
        if self._files is not None:
            return self._files
        return [_name(n) for n in self._file_ds.as_numpy_iterator()]

    def _compute_spec(self):
        return structure.TensorSpec([], dtypes.string)


def _name(n):
    return n.decode() if isinstance(n, bytes) else str(n)


class TextLineDataset(FileReaderDataset):
    """Lines of one or more text files, without their line endings, as tf.string."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                 name=None):
        super().__init__(filenames, compression_type)

    def _elements(self):
        for path in self._filenames():
            with _open_file(path, self._compression) as f:
                for line in f:
                    yield np.array(line.rstrip(b"\n").rstrip(b"\r"), dtype=object)


class FixedLengthRecordDataset(TextLineDataset):
    """Records of `record_bytes` bytes of one or more files, after `header_bytes` and
    before `footer_bytes` (`tf.data.FixedLengthRecordDataset`), as tf.string.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "r.bin")
    >>> _ = open(p, "wb").write(b"HabcdeF")
    >>> list(FixedLengthRecordDataset(p, 2, header_bytes=1, footer_bytes=2).as_numpy_iterator())
    [b'ab', b'cd']
    """

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None, num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type)
        self._record = int(record_bytes)
        if self._record <= 0:
            raise errors.invalid_argument(f"record_bytes must be > 0. Received: "
                                          f"record_bytes={record_bytes}")
        self._header, self._footer = int(header_bytes or 0), int(footer_bytes or 0)

    def _elements(self):
        for path in self._filenames():
            with _open_file(path, self._compression) as f:
                data = f.read()
            body = data[self._header:len(data) - self._footer]
            if len(data) < self._header + self._footer or len(body) % self._record:
                raise errors.DataLossError(
                    None, None, f"Excluding the header ({self._header} bytes) and footer "
                    f"({self._footer} bytes), input file \"{path}\" has body length "
                    f"{len(body)} bytes, which is not an exact multiple of the record length "
                    f"({self._record} bytes).")
            for i in range(0, len(body), self._record):
                yield np.array(body[i:i + self._record], dtype=object)
