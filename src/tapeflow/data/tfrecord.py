"""`tf.data.TFRecordDataset`: the records of TFRecord files as scalar string elements.

Files are read in order; with `num_parallel_reads` > 1, records of that many files
are interleaved one at a time in a fixed cycle (deterministic, as TF's default).
Framing and CRC checks are `tapeflow.io.tfrecord`'s: a damaged file raises
`DataLossError` naming the file and the record's offset.

>>> import os, tempfile, tapeflow as tf
>>> p = os.path.join(tempfile.mkdtemp(), "d.tfrecord")
>>> with tf.io.TFRecordWriter(p) as w:
...     for r in (b"a", b"b"): w.write(r)
>>> [x.numpy() for x in TFRecordDataset(p)]
[b'a', b'b']
"""
import numpy as np

from ..framework import dtypes, errors
from ..io import tfrecord
from . import structure
from .dataset import Dataset
from .ignore_errors import Failure, ignoring

__all__ = ["TFRecordDataset"]


class TFRecordDataset(Dataset):
    """Records of one or more TFRecord files (`compression_type` '', 'ZLIB' or 'GZIP')."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        if isinstance(filenames, Dataset):
            self._files, self._file_ds = None, filenames
        else:
            names = structure.to_numpy_leaf(filenames).reshape(-1)
            self._files = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
        tfrecord.TFRecordOptions(compression_type)  # validates the name now, as TF
        self._compression = compression_type
        self._parallel = int(num_parallel_reads or 1)
        if self._parallel < 1 and self._parallel != -1:
            raise ValueError(f"num_parallel_reads must be positive or AUTOTUNE. Received: "
                             f"num_parallel_reads={num_parallel_reads}")

    def _filenames(self):
        if self._files is not None:
            return self._files
        return [n.decode() if isinstance(n, bytes) else str(n)
                for n in self._file_ds.as_numpy_iterator()]

    def _compute_spec(self):
        return structure.TensorSpec([], dtypes.string)

    def _records(self, path):
        try:
            for block in tfrecord.read_record_blocks(path, self._compression):
                for rec in block:
                    elem = np.empty((), dtype=object)
                    elem[()] = rec
                    yield elem
        except errors.OpError as e:  # DataLossError, NotFoundError
            if not ignoring(self):
                raise
            yield Failure(e)  # under ignore_errors: on with the next file, as TF's reader

    def _string_blocks(self):
        """The records as 1-D object arrays, file after file (what `batch` cuts into
        batches without building scalar elements), or None when reads interleave."""
        files = self._filenames()
        width = len(files) if self._parallel == -1 else self._parallel
        if width > 1 and len(files) > 1:
            return None
        return (_object_array(block) for path in files
                for block in tfrecord.read_record_blocks(path, self._compression))

    def _elements(self):
        files = self._filenames()
        width = len(files) if self._parallel == -1 else self._parallel
        if width <= 1 or len(files) <= 1:
            for path in files:
                yield from self._records(path)
            return
        pending = iter(files[width:])
        cycle = [self._records(p) for p in files[:width]]
        i = 0
        while cycle:  # one record per file in turn; a finished file's slot takes the next
            i %= len(cycle)
            try:
                yield next(cycle[i])
                i += 1
            except StopIteration:
                nxt = next(pending, None)
                if nxt is None:
                    cycle.pop(i)
                else:
                    cycle[i] = self._records(nxt)


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
