"""`Dataset.ignore_errors`: elements whose production raised an error are dropped.

As in TF 2.15, the error of one element is dropped and the pipeline goes on
with the next: a `map` function that fails on an element, a damaged TFRecord
file (the rest of that file is skipped, reading continues with the next file,
as TF's reader does after a DataLossError). A `batch` between them drops the
batch that was being filled when the error came (TF's batch discards its
partial batch on an input error) and starts the next batch after it.

How: while `IgnoreErrorsDataset` pulls an element, the steps it reaches
through `map`/`batch`/`padded_batch`/`repeat`/`take`/`skip`/`filter`/
`with_options` (and TFRecord readers) are marked in a thread-local set; a marked
step turns an error into a `Failure` marker element instead of raising (a Python
generator cannot go on after raising). Errors from any other step (shuffle,
prefetch, interleave, ...) end the input, as a failed Python generator does in
TF; a missing file is skipped (TF 2.15 retries it forever). `log_warning=True`
logs each dropped error.

>>> import tapeflow as tf
>>> ds = tf.data.Dataset.from_tensor_slices([1., 2., 0., 4.])
>>> ds = ds.map(lambda x: tf.debugging.check_numerics(1. / x, "inf"))
>>> [float(v) for v in ds.ignore_errors()]
[1.0, 0.5, 0.25]
"""
import logging
import threading

from .pipeline import Node

__all__ = ["IgnoreErrorsDataset", "Failure", "ignoring", "marked"]

_LOG = logging.getLogger("tapeflow")


class Failure:
    """Marker element: producing the element raised `error`."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class _Marked(threading.local):
    nodes = frozenset()


_MARKED = _Marked()


def ignoring(node):
    """True when `node` runs under an ignore_errors that drops its errors."""
    return id(node) in _MARKED.nodes


def marked(fn, elem):
    """`fn(elem)`, or a Failure for an error (a Failure passes through)."""
    if type(elem) is Failure:
        return elem
    try:
        return fn(elem)
    except Exception as e:  # noqa: BLE001 - TF drops the element whatever the error
        return Failure(e)


def _reachable(node):
    """ids of the steps below `node` that hand errors over one element at a time: steps
    whose class sets `_passes_failures` (map, batch, padded_batch, repeat, take, skip,
    filter, `with_options`), Dataset wrappers on the way, and record readers."""
    out, stack = set(), [node]
    while stack:
        n = stack.pop()
        if getattr(n, "_node", None) is not None or type(n).__dict__.get("_passes_failures"):
            out.add(id(n))
            stack.extend(n._inputs())
        elif hasattr(n, "_string_blocks"):  # TFRecordDataset
            out.add(id(n))
    return frozenset(out)


class IgnoreErrorsDataset(Node):
    """The input's elements, without those whose production raised an error."""

    def __init__(self, input_dataset, log_warning=False):
        self._input = input_dataset
        self._log = bool(log_warning)

    def _inputs(self):
        return [self._input]

    def _compute_spec(self):
        return self._input.element_spec

    def _warn(self, error):
        if self._log:
            _LOG.warning("Error raised with error message %s", error)

    def _elements(self):
        mine, it = _reachable(self._input), None
        while True:
            outer = _MARKED.nodes
            _MARKED.nodes = outer | mine
            try:
                if it is None:  # steps may decide how to run when their stream is made
                    it = self._input._elements()
                elem = next(it)
            except StopIteration:
                return
            except Exception as e:  # noqa: BLE001 - a step that cannot go on after raising
                self._warn(e)
                return
            finally:
                _MARKED.nodes = outer
            if type(elem) is Failure:
                self._warn(elem.error)
                continue
            yield elem
