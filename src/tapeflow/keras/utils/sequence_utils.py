"""`keras.utils.PyDataset` / `Sequence`: indexable batch providers, optionally
prefetched by worker threads (order is always kept).

>>> class Squares(PyDataset):
...     def __len__(self): return 3
...     def __getitem__(self, i): return i * i
>>> list(Squares(workers=2))
[0, 1, 4]
"""
import collections
import concurrent.futures

__all__ = ["PyDataset", "Sequence"]


class PyDataset:
    """Base class for datasets that return whole batches by index.

    Subclasses implement `__len__` (number of batches) and `__getitem__(index)`;
    `on_epoch_end` runs after each full pass.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = max(int(workers), 1)
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max(int(max_queue_size), 1)

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} must implement `__getitem__`.")

    def __len__(self):
        raise TypeError(f"{type(self).__name__} must implement `__len__`.")

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to reshuffle)."""

    def __iter__(self):
        """One pass over all batches, prefetched by `workers` threads when > 1."""
        n = len(self)
        if self.workers <= 1:
            for i in range(n):
                yield self[i]
        else:
            with concurrent.futures.ThreadPoolExecutor(self.workers) as pool:
                window = collections.deque()
                depth = max(self.workers, self.max_queue_size)
                for i in range(n):
                    window.append(pool.submit(self.__getitem__, i))
                    if len(window) >= depth:
                        yield window.popleft().result()
                while window:
                    yield window.popleft().result()
        self.on_epoch_end()


class Sequence(PyDataset):
    """The older name of `PyDataset` (tf.keras 2.x `keras.utils.Sequence`)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        super().__init__(workers, use_multiprocessing, max_queue_size)
