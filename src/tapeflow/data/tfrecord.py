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

from ..framework import errors
from ..io import tfrecord
from .ignore_errors import Failure, ignoring
from .readers import FileReaderDataset

__all__ = ["TFRecordDataset"]


class TFRecordDataset(FileReaderDataset):
    """Records of one or more TFRecord files (`compression_type` '', 'ZLIB' or 'GZIP')."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type)
        tfrecord.TFRecordOptions(compression_type)  # validates the name now, as TF
        self._parallel = int(num_parallel_reads or 1)
        if self._parallel < 1 and self._parallel != -1:
            raise ValueError(f"num_parallel_reads must be positive or AUTOTUNE. Received: "
                             f"num_parallel_reads={num_parallel_reads}")

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

    def _file_blocks(self, path):
        return (_object_array(b) for b in tfrecord.read_record_blocks(path, self._compression))

    def _string_blocks(self):
        """The records as 1-D object arrays in the order `_elements` yields them (what
        `batch` cuts into batches without building scalar elements)."""
        files = self._filenames()
        width = len(files) if self._parallel == -1 else self._parallel
        if width <= 1 or len(files) <= 1:
            return (block for path in files for block in self._file_blocks(path))
        return self._interleaved(files, width)

    def _interleaved(self, files, width):
        """Blocks of the records of `width` files taken one at a time in turn: as many
        full turns as every file has records in memory, as one interleaving copy."""
        pending = iter(files[width:])
        slots = [[self._file_blocks(p), _EMPTY, 0] for p in files[:width]]
        while True:
            live = []
            for slot in slots:  # a finished file's slot takes the next file, in turn
                while slot[2] >= len(slot[1]):
                    block = next(slot[0], None)
                    if block is not None:
                        slot[1], slot[2] = block, 0
                        continue
                    path = next(pending, None)
                    if path is None:
                        break
                    slot[0] = self._file_blocks(path)
                if slot[2] < len(slot[1]):
                    live.append(slot)
            slots = live
            if not slots:
                return
            turns = min(len(s[1]) - s[2] for s in slots)
            yield np.stack([s[1][s[2]:s[2] + turns] for s in slots], axis=1).reshape(-1)
            for s in slots:
                s[2] += turns

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


_EMPTY = np.empty(0, dtype=object)


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
