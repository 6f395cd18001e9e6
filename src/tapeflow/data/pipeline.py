"""`Node`: one step of an input pipeline, the protocol every dataset implements.

The implementation modules of tf.data (sources, transforms, batching,
streams, shuffle, prefetch, sampling, ...) define their steps as `Node`
subclasses, below `dataset.py`: they import this module, never `Dataset`.
`Dataset` (dataset.py) is itself a `Node`; its methods build nodes over
`self` and present them as Datasets, so the package has a floor order:
pipeline < nodes < dataset < readers (TFRecordDataset, ...) < experimental.

A node implements `_elements()` (a generator of NumPy structures, see
structure.py) and `_card()`; in-memory nodes also implement `_index_plan()`
so that shuffle/batch work on whole index blocks instead of per element.
Nodes hold their input nodes and list them in `_inputs()`.

>>> import tapeflow as tf
>>> class Twice(Node):
...     def __init__(self, n):
...         self._n = n
...     def _elements(self):
...         for i in range(self._n):
...             yield np.asarray(2 * i)
...     def _card(self):
...         return self._n
>>> [int(v) for v in tf.data.Dataset(Twice(3))]
[0, 2, 4]
"""
import numpy as np  # noqa: F401 - used by the doctest

from . import structure
from .options import Options

__all__ = ["Node", "INFINITE", "UNKNOWN"]

INFINITE = -1
UNKNOWN = -2


class Node:
    """A step of an input pipeline: its elements, cardinality, element_spec and options."""

    _options = None  # tf.data.Options set on this step (`with_options`)

    # -- to implement ------------------------------------------------------------
    def _elements(self):
        """Generator of elements as NumPy structures."""
        plan = self._index_plan()
        if plan is None:
            raise TypeError(f"{type(self).__name__} has no elements")
        source, chunks = plan
        for chunk in chunks:
            for i in chunk:
                yield source._element(i)

    def _card(self):
        return UNKNOWN

    def _index_plan(self):
        """(source, iterator of int index arrays) for in-memory datasets, else None."""
        return None

    def _inputs(self):
        return []

    def _compute_spec(self):
        """Default: the spec of the first element (nodes that know better override)."""
        for elem in self._elements():
            return structure.spec_of(elem)
        raise ValueError(f"Cannot infer the element_spec of an empty {type(self).__name__}")

    # -- derived -------------------------------------------------------------------
    @property
    def element_spec(self):
        """The structure of TensorSpecs describing one element."""
        spec = self.__dict__.get("_spec")
        if spec is None:
            spec = self._compute_spec()
            self.__dict__["_spec"] = spec
        return spec

    def options(self):
        """The `tf.data.Options` in effect (merged from this step's inputs)."""
        opts = Options()
        for d in self._inputs():
            opts = opts.merge(d.options())
        if self._options is not None:
            opts = opts.merge(self._options)
        return opts

    def __repr__(self):
        return f"<_{type(self).__name__} element_spec={self.element_spec}>"
