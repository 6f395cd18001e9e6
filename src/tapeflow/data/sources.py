"""Dataset sources: from_tensor_slices, from_tensors, range, from_generator, zip,
concatenate, list_files, sample_from_datasets, choose_from_datasets.

>>> [int(x) for x in tf.data.Dataset.range(1, 7, 2)]
[1, 3, 5]
"""
import glob as _glob
import itertools

import numpy as np

from ..framework import dtypes, errors
from ..framework.tensor_shape import TensorShape
from . import structure
from .pipeline import INFINITE, UNKNOWN, Node

__all__ = ["TensorSliceDataset", "TensorDataset", "RangeDataset", "GeneratorDataset",
           "ZipDataset", "ConcatenateDataset"]


class TensorSliceDataset(Node):
    """Slices of in-memory arrays along their first dimension."""

    def __init__(self, elem):
        self._struct = elem
        self._flat = structure.flat(elem)
        if not self._flat:
            raise ValueError("Invalid `tensors`: an empty structure cannot be sliced.")
        n = set()
        for a in self._flat:
            if a.ndim == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1; "
                                 f"got a scalar {a!r}.")
            n.add(a.shape[0])
        if len(n) > 1:
            shapes = [a.shape for a in self._flat]
            raise errors.invalid_argument(
                f"Dimensions of all components should match; got first dimensions {shapes}.")
        self._n = n.pop()
        self._pack = structure.packer(elem)

    def _card(self):
        return self._n

    def _compute_spec(self):
        return structure.spec_of(self._struct, batched=True)

    def _index_plan(self):
        return self, iter((np.arange(self._n),))

    def _element(self, i):
        return structure.pack(self._struct, [a[i] if a.ndim > 1 else a[i:i + 1].reshape(())
                                             for a in self._flat])

    def _gather(self, idx):
        return self._pack([a[idx] for a in self._flat])

    def _elements(self):
        flat, struct = self._flat, self._struct
        if len(flat) == 1 and not structure.is_structure(struct):
            a = flat[0]
            if a.ndim > 1:
                yield from a
            else:
                for i in range(self._n):
                    yield np.asarray(a[i])
            return
        for i in range(self._n):
            yield structure.pack(struct, [a[i] if a.ndim > 1 else np.asarray(a[i]) for a in flat])


class TensorDataset(Node):
    """A single element: the given structure."""

    def __init__(self, elem):
        self._elem = elem

    def _card(self):
        return 1

    def _compute_spec(self):
        return structure.spec_of(self._elem)

    def _elements(self):
        yield self._elem


class RangeDataset(Node):
    """Integers start, start+step, ... < stop (int64 by default)."""

    def __init__(self, start, stop, step, dtype):
        if step == 0:
            raise errors.invalid_argument("step must be a non-zero integer.")
        self._r = range(start, stop, step)
        self._dtype = dtypes.as_dtype(dtype)

    def _card(self):
        return len(self._r)

    def _compute_spec(self):
        return structure.TensorSpec([], self._dtype)

    def _index_plan(self):
        return self, iter((np.arange(len(self._r)),))

    def _element(self, i):
        return np.asarray(self._r[i], dtype=self._dtype._np)

    def _gather(self, idx):
        r = self._r
        return (r.start + idx * r.step).astype(self._dtype._np)

    def _elements(self):
        npd = self._dtype._np
        for v in self._r:
            yield np.asarray(v, dtype=npd)


class GeneratorDataset(Node):
    """Elements produced by calling a Python generator function (re-called each epoch)."""

    def __init__(self, generator, signature, args):
        self._gen, self._sig, self._args = generator, signature, args

    def _compute_spec(self):
        return self._sig

    def _elements(self):
        sig = self._sig
        flat_sig = structure.flat(sig)
        args = tuple(structure.to_tensors(structure.normalize(a)) for a in self._args)
        for value in self._gen(*args):
            if isinstance(value, list) and structure.is_structure(sig):
                value = tuple(value)
            raw = structure.leaves(value) if structure.is_structure(sig) else [value]
            if len(raw) != len(flat_sig):
                raise TypeError(f"`generator` yielded an element that did not match the expected "
                                f"structure. The expected structure was {sig}, but the yielded "
                                f"element was {value!r}.")
            out = []
            for v, s in zip(raw, flat_sig):
                a = _convert(v, s.dtype)
                if not s.shape.is_compatible_with(TensorShape(a.shape)):
                    raise errors.invalid_argument(
                        f"`generator` yielded an element of shape {TensorShape(a.shape)} where "
                        f"an element of shape {s.shape} was expected.", "PyFunc")
                out.append(a)
            yield structure.pack(sig, out)


def _convert(v, dtype):
    """A generator's value -> array of the signature's dtype (as TF's py_func does)."""
    if dtype == dtypes.string:
        return _cast(structure.to_numpy_leaf(v), dtype)
    if isinstance(v, (np.ndarray, np.generic)) or hasattr(v, "_value") or hasattr(
            v, "_as_tensor"):
        return _cast(structure.to_numpy_leaf(v), dtype)
    try:
        return np.asarray(v, dtype=dtype._np)
    except (TypeError, ValueError) as e:
        raise TypeError(f"`generator` yielded an element {v!r} that could not be converted to "
                        f"the expected type {dtype.name}.") from e


def _cast(a, dtype):
    if dtype == dtypes.string:
        if a.dtype != object:
            raise TypeError(f"`generator` yielded an element of dtype {a.dtype} where "
                            "tf.string was expected.")
        return a
    if a.dtype == dtype._np:
        return a
    if a.dtype == object or (a.dtype.kind == "f" and dtype.is_integer):
        raise TypeError(f"`generator` yielded an element of dtype {a.dtype} that could not "
                        f"be converted to the expected type {dtype.name}.")
    return a.astype(dtype._np)


class ZipDataset(Node):
    """Elements of several datasets side by side; stops at the shortest."""

    def __init__(self, datasets):
        self._struct = datasets
        self._ds = structure.flat(datasets)
        for d in self._ds:
            if not isinstance(d, Node):
                raise TypeError(f"Invalid `datasets`: expected a structure of datasets, got "
                                f"{type(d).__name__}.")

    def _inputs(self):
        return self._ds

    def _card(self):
        cards = [d._card() for d in self._ds]
        finite = [c for c in cards if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in cards else INFINITE

    def _compute_spec(self):
        return structure.pack(self._struct, [d.element_spec for d in self._ds])

    def _elements(self):
        for elems in zip(*(d._elements() for d in self._ds)):
            yield structure.pack(self._struct, list(elems))


class ConcatenateDataset(Node):
    """All elements of `a`, then all elements of `b` (same structure and dtypes)."""

    def __init__(self, a, b):
        sa, sb = a.element_spec, b.element_spec
        fa, fb = structure.flat(sa), structure.flat(sb)
        try:
            structure.nest.assert_same_structure(sa, sb)
        except (TypeError, ValueError) as e:
            raise TypeError(f"Incompatible dataset elements:\n  {sa} vs.\n  {sb}") from e
        if [s.dtype for s in fa] != [s.dtype for s in fb]:
            raise TypeError(f"Incompatible dataset elements:\n  {sa} vs.\n  {sb}")
        self._a, self._b = a, b
        self.__dict__["_spec"] = structure.pack(
            sa, [structure.most_specific(x, y) for x, y in zip(fa, fb)])

    def _inputs(self):
        return [self._a, self._b]

    def _card(self):
        a, b = self._a._card(), self._b._card()
        if INFINITE in (a, b):
            return INFINITE
        return UNKNOWN if UNKNOWN in (a, b) else a + b

    def _elements(self):
        yield from self._a._elements()
        yield from self._b._elements()









def _signature(output_types, output_shapes):
    """TensorSpecs from TF's old `output_types`/`output_shapes` pair: `output_shapes`
    follows the structure of `output_types`, its leaves are shapes (tuples/lists of
    dims, TensorShapes, None), so `((), (None,))` is two shapes, not a structure."""
    if output_shapes is None:
        return structure._map(lambda t: structure.TensorSpec(None, t), output_types)

    def pair(t, s):
        if isinstance(t, dict):
            return type(t)((k, pair(v, s[k])) for k, v in t.items())
        if isinstance(t, tuple):
            if not isinstance(s, (tuple, list)) or len(s) != len(t):
                raise ValueError(f"`output_shapes` must match the structure of `output_types`. "
                                 f"Received: output_types={output_types}, "
                                 f"output_shapes={output_shapes}.")
            vals = [pair(a, b) for a, b in zip(t, s)]
            return type(t)(*vals) if hasattr(t, "_fields") else tuple(vals)
        return structure.TensorSpec(TensorShape(s), t)
    return pair(output_types, output_shapes)


def range_node(*args, **kwargs):
    """The node of `Dataset.range` (see its docstring)."""
    dtype = kwargs.pop("output_type", dtypes.int64)
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"range() got unexpected keyword arguments {sorted(kwargs)}")
    args = [int(a) for a in args]
    if len(args) == 1:
        start, stop, step = 0, args[0], 1
    elif len(args) == 2:
        (start, stop), step = args, 1
    elif len(args) == 3:
        start, stop, step = args
    else:
        raise ValueError(f"Invalid arguments to range: {args}")
    return RangeDataset(start, stop, step, dtype)


def from_generator(generator, output_types=None, output_shapes=None, args=None,
                   output_signature=None):
    """The node of `Dataset.from_generator` (see its docstring)."""
    if not callable(generator):
        raise TypeError("`generator` must be a Python callable.")
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("The `output_types` and `output_shapes` arguments can only be "
                            "used when `output_signature` is not specified.")
        sig = output_signature
    elif output_types is not None:
        sig = _signature(output_types, output_shapes)
    else:
        raise TypeError("The `output_signature` argument must be set.")
    return GeneratorDataset(generator, sig, tuple(args or ()))


def list_file_names(file_pattern):
    """The sorted file names `Dataset.list_files` lists (see its docstring)."""
    pats = structure.to_numpy_leaf(file_pattern).reshape(-1)
    names = sorted(set(itertools.chain.from_iterable(
        _glob.glob(p.decode() if isinstance(p, bytes) else str(p)) for p in pats)))
    if not names:
        raise errors.InvalidArgumentError(None, None, f"Expected 'file_pattern' argument to match "
                                          f"at least one file, got {list(pats)!r}.")
    return names
