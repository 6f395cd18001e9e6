"""`prefetch` (a background thread filling a bounded queue) and `cache`
(in memory, or to a file that later iterations and runs read back).

>>> [int(v) for v in tf.data.Dataset.range(3).prefetch(2)]
[0, 1, 2]
"""
import os
import pickle
import queue
import threading

from .options import active_options, set_active_options
from .transforms import _Unary

__all__ = ["PrefetchDataset", "CacheDataset"]

_END = object()


class _Failure:
    def __init__(self, exc):
        self.exc = exc


def _producer(it, q, tokens, stop, options):
    """Moves elements of `it` into `q`, taking one token (a free buffer slot) per element."""
    set_active_options(options)  # the pipeline's Options apply on this thread too
    try:
        for elem in it:
            while True:
                if stop.is_set():
                    return
                try:
                    tokens.get(timeout=0.1)
                    break
                except queue.Empty:
                    continue
            q.put(elem)
        q.put(_END)
    except BaseException as e:  # noqa: BLE001 - re-raised in the consumer
        q.put(_Failure(e))


class PrefetchDataset(_Unary):
    """Produces up to `buffer_size` elements ahead on a background thread."""

    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset)
        buffer_size = int(buffer_size)
        if buffer_size < -1:
            raise ValueError(f"Invalid `buffer_size`: received buffer_size={buffer_size}.")
        self._size = 2 if buffer_size == -1 else buffer_size

    def _elements(self):
        if self._size == 0:
            yield from self._input._elements()
            return
        # C-level SimpleQueues: one carries elements, the other free slots (the bound)
        q, tokens = queue.SimpleQueue(), queue.SimpleQueue()
        for _ in range(self._size):
            tokens.put(None)
        stop = threading.Event()
        t = threading.Thread(target=_producer,
                             args=(self._input._elements(), q, tokens, stop, active_options()),
                             daemon=True, name="tapeflow.data.prefetch")
        t.start()
        try:
            while True:
                item = q.get()
                if item is _END:
                    return
                if type(item) is _Failure:
                    raise item.exc
                tokens.put(None)
                yield item
        finally:
            stop.set()


class CacheDataset(_Unary):
    """Elements of the first complete pass, replayed afterwards (memory or `filename`)."""

    def __init__(self, input_dataset, filename):
        super().__init__(input_dataset)
        self._file = os.fspath(filename) if filename else ""
        self._mem = None

    def _path(self):
        return self._file + ".tapeflow-cache"

    def _elements(self):
        if self._mem is not None:
            yield from self._mem
            return
        if self._file and os.path.exists(self._path()):
            with open(self._path(), "rb") as f:
                self._mem = pickle.load(f)
            yield from self._mem
            return
        got = []
        for elem in self._input._elements():
            got.append(elem)
            yield elem
        # only a completed pass is cached, as TF does
        if self._file:
            tmp = self._path() + f".tmp{os.getpid()}"
            with open(tmp, "wb") as f:
                pickle.dump(got, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path())
        self._mem = got




