"""`tf.data.Dataset`: the base class, iteration, element_spec and cardinality.

A dataset yields elements: nested tuples/dicts of tensors. Subclasses
implement `_elements()` (a generator of NumPy structures, see structure.py)
and `_card()`; in-memory datasets also implement `_index_plan()` so that
shuffle/batch work on whole index blocks instead of per element.

>>> ds = Dataset.range(3)
>>> [int(v) for v in ds]
[0, 1, 2]
"""
import numpy as np

from ..framework import errors
from . import structure

__all__ = ["Dataset", "Iterator", "INFINITE", "UNKNOWN"]

INFINITE = -1
UNKNOWN = -2


class Dataset:
    """A sequence of elements with transformations, as `tf.data.Dataset`."""

    _options = None

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
        """Default: the spec of the first element (datasets that know better override)."""
        for elem in self._elements():
            return structure.spec_of(elem)
        raise ValueError(f"Cannot infer the element_spec of an empty {type(self).__name__}")

    # -- public --------------------------------------------------------------------
    @property
    def element_spec(self):
        """The structure of TensorSpecs describing one element."""
        spec = self.__dict__.get("_spec")
        if spec is None:
            spec = self._compute_spec()
            self.__dict__["_spec"] = spec
        return spec

    def __iter__(self):
        return Iterator(self)

    def as_numpy_iterator(self):
        """Iterates elements as NumPy values (bytes for strings, scalars as NumPy scalars).

        >>> [int(v) for v in Dataset.from_tensor_slices([1, 2]).as_numpy_iterator()]
        [1, 2]
        """
        def leaf(a):
            if a.ndim == 0:
                return a.item() if a.dtype == object else a[()]
            return a
        for elem in self._elements():
            yield structure._map(leaf, elem)

    def cardinality(self):
        """Number of elements as an int64 tensor; -1 infinite, -2 unknown."""
        return structure._tensor(np.asarray(self._card(), dtype=np.int64))

    def __len__(self):
        n = self._card()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<_{type(self).__name__} element_spec={self.element_spec}>"

    def options(self):
        """The `tf.data.Options` in effect (merged from this dataset's inputs)."""
        from .options import Options
        opts = Options()
        for d in self._inputs():
            opts = opts.merge(d.options())
        if self._options is not None:
            opts = opts.merge(self._options)
        return opts

    def with_options(self, options, name=None):
        """A dataset identical to this one with `options` set."""
        from .transforms import _Identity
        ds = _Identity(self)
        ds._options = options
        return ds

    def get_single_element(self, name=None):
        """The only element of the dataset; InvalidArgumentError otherwise."""
        it = self._elements()
        try:
            first = next(it)
        except StopIteration:
            raise errors.invalid_argument("Dataset was empty.") from None
        for _ in it:
            raise errors.invalid_argument("Dataset had more than one element.")
        return structure.to_tensors(first)

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements: `Dataset.range(5).reduce(0, lambda s, x: s + x)` -> 10."""
        state = structure.normalize(initial_state)
        for elem in self._elements():
            args = structure.to_tensors(state), structure.to_tensors(elem)
            state = structure.from_output(reduce_func(*args))
        return structure.to_tensors(state)

    def apply(self, transformation_func):
        """`transformation_func(self)`, for chaining custom transformations."""
        return transformation_func(self)


class Iterator:
    """Iterator over a dataset (`iter(dataset)`), yielding tensor structures."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._it = dataset._elements()

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return structure.to_tensors(next(self._it))

    def get_next(self):
        """Next element; raises `tf.errors.OutOfRangeError` at the end."""
        try:
            return next(self)
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        """Next element, or None at the end (a simplified `tf.experimental.Optional`)."""
        try:
            return next(self)
        except StopIteration:
            return None

    def __del__(self):
        close = getattr(getattr(self, "_it", None), "close", None)
        if close is not None:
            close()




def method(fn):
    """Installs `fn` as a Dataset method (transformations live in their own modules)."""
    setattr(Dataset, fn.__name__, fn)
    return fn


def static(fn):
    """Installs `fn` as a Dataset staticmethod (sources: `Dataset.range`, ...)."""
    setattr(Dataset, fn.__name__.rstrip("_"), staticmethod(fn))
    return fn
