"""Vectorized map over serialized tf.train.Examples: `map(parse_fn).batch(n)`.

TF users write `TFRecordDataset(files).map(parse_fn).batch(n)` with a
`parse_fn` that calls `tf.io.parse_single_example` and maybe casts or scales
the parsed tensors. Run per element, that is one protobuf decode and a few
eager ops per record. Here the function is probed once with a stand-in for
the record: a scalar string tensor whose value no op may read. If the
function only hands it to `tf.io.parse_single_example` / `parse_example` with
`FixedLenFeature`s (seen through `io.parsing.INTERCEPT`), each batch of
records is parsed by one vectorized `parse_example` call, and the rest of the
function — when it returns anything but the parsed tensors themselves — runs
as vectorize.py's compiled, vmapped program on the parsed rows (the parse
calls replaying those rows); when that rest is not traceable (string ops,
random ops), it runs per element with its parse calls answered from the
batched parse. Otherwise (the function reads the record, parses something
else, or uses other feature kinds) it runs element by element as before;
results are the same either way.

>>> import os, tempfile, tapeflow as tf
>>> p = os.path.join(tempfile.mkdtemp(), "e.tfrecord")
>>> with tf.io.TFRecordWriter(p) as w:
...     for i in range(3):
...         w.write(tf.train.Example(features=tf.train.Features(feature={"v": tf.train.Feature(
...             int64_list=tf.train.Int64List(value=[i]))})).SerializeToString())
>>> spec = {"v": tf.io.FixedLenFeature([], tf.int64)}
>>> ds = tf.data.TFRecordDataset(p).map(lambda s: tf.io.parse_single_example(s, spec)["v"] * 2)
>>> [b.tolist() for b in ds.batch(2).as_numpy_iterator()]
[[0, 2], [4]]
"""
import itertools

import numpy as np

from .. import nest
from ..framework import dtypes
from ..framework.tensor import Tensor
from ..framework.recording import stop_recording
from ..framework.tensor_shape import TensorShape
from ..framework.variables import HOOKS
from ..io import file_io, parsing
from . import structure
from .vectorize import BatchedMap, _NoCreation, _refuse
from .blocks import _index_blocks, _stacked, cut_blocks, string_blocks

__all__ = ["parsed_batches", "ParseMap"]


class _NotVectorizable(Exception):
    """The map function does more with the record than parsing it."""


class _Record(Tensor):
    """The map function's argument while it is probed: a scalar string tensor whose
    value only tf.io.parse_* may see (any op reading it stops the probe)."""

    __slots__ = ("_held", "touched")

    def __init__(self, value):  # noqa: D107 - Tensor.__init__ would set _value
        self._held, self.touched = value, False

    @property
    def _value(self):
        self.touched = True
        raise _NotVectorizable("the map function reads the serialized record")

    @property
    def dtype(self):
        return dtypes.string

    @property
    def shape(self):
        return TensorShape([])

    @property
    def ndim(self):
        return 0


def _signature(features):
    return tuple((k, s.shape, s.dtype) for k, s in features.items())


def _with_hook(hook, fn, arg):
    saved = parsing.INTERCEPT.hook
    parsing.INTERCEPT.hook = hook
    try:
        return fn(arg)
    finally:
        parsing.INTERCEPT.hook = saved


class _Plan:
    """What the probe learned: the parse calls, the `decode_raw` calls on parsed string
    features, and where each output leaf comes from."""

    def __init__(self, fn, calls, decodes, out):
        self.fn, self.decodes = fn, decodes
        ids = {id(t): (c, k) for c, (_, res) in enumerate(calls) for k, t in res.items()}
        leaves = nest.flatten(out)
        self.source = [ids.get(id(v)) for v in leaves]
        self.passthrough = all(s is not None for s in self.source)
        self.struct = nest.map_structure(lambda v: 0, out)
        self.specs = [features for features, _ in calls]
        self._post = {}

    def post(self, parsed):
        """The function's outputs from the parsed rows (a vectorize.BatchedMap over the
        numeric features and the decoded string features), or None."""
        numeric = tuple({k: v for k, v in p.items() if v.dtype != object} for p in parsed)
        try:
            decoded = tuple(np.asarray(file_io.decode_raw(
                Tensor._from_host(parsed[c][k]), *args)._value) for c, k, args in self.decodes)
        except Exception:  # noqa: BLE001 - e.g. strings of other sizes: the element path
            return None
        leaves = structure.leaves(parsed)
        if not leaves:
            return None
        rows = len(leaves[0])
        if rows not in self._post:
            self._post[rows] = BatchedMap(self._traced, rows)
        return self._post[rows]((numeric, decoded))

    def _traced(self, numeric, decoded):
        """fn on one row under the vmap trace: string features are stand-ins that only
        the recorded `decode_raw` calls may take (answered by `decoded`)."""
        strings = {}
        parsed = []
        for c, features in enumerate(self.specs):
            row = {}
            for k in features:
                if k in numeric[c]:
                    row[k] = numeric[c][k]
                else:
                    row[k] = _Record(b"")
                    strings[id(row[k])] = (c, k)
            parsed.append(row)
        answers = {(c, k, args): decoded[i] for i, (c, k, args) in enumerate(self.decodes)}

        def decode(input_bytes, *args):
            key = strings.get(id(input_bytes))
            if key is None:
                return NotImplemented
            if (key + (args,)) not in answers:
                raise _NotVectorizable("decode_raw with other arguments on a replay")
            return answers[key + (args,)]
        return self._replay(parsed, decode)

    def _replay(self, parsed, decode=None):
        record, calls = _Record(b""), iter(range(len(self.specs)))

        def hook(op, *args):
            if op == "decode_raw":
                return NotImplemented if decode is None else decode(*args)
            serialized, features = args
            if serialized is not record:
                return NotImplemented
            c = next(calls, None)
            if c is None or _signature(dict(features)) != _signature(self.specs[c]):
                raise _NotVectorizable("the map function parses differently on a replay")
            return parsed[c]
        return _with_hook(hook, self.fn, record)


def _probe(fn, record_value):
    record, calls, decodes = _Record(record_value), [], []
    strings = {}  # id of a parsed string feature -> (call, key)

    def hook(op, *args):
        if op == "decode_raw":
            key = strings.get(id(args[0]))
            if key is not None:
                decodes.append(key + (tuple(args[1:]),))
            return NotImplemented
        serialized, features = args
        if serialized is not record:
            return NotImplemented
        features = dict(features)
        if not all(type(s) is parsing.FixedLenFeature for s in features.values()):
            raise _NotVectorizable("sparse/ragged features batch as composites")
        one = Tensor._from_host(record._held)
        out = _with_hook(None, lambda r: parsing.parse_single_example(r, features), one)
        for k, t in out.items():
            if features[k].dtype == "string":
                strings[id(t)] = (len(calls), k)
        calls.append((features, out))
        return out
    access, creator = HOOKS.access, HOOKS.creator
    HOOKS.access, HOOKS.creator = _refuse, _NoCreation  # no RNG draw, no layer built twice
    try:
        with stop_recording():
            out = _with_hook(hook, fn, record)
    except Exception:  # noqa: BLE001 - not vectorizable; the element path shows real errors
        return None
    finally:
        HOOKS.access, HOOKS.creator = access, creator
    if record.touched or not calls:
        return None
    return _Plan(fn, calls, decodes, tuple(out) if isinstance(out, list) else out)


class ParseMap:
    """`fn` applied to a 1-D block of serialized records at once, or None per block
    when `fn` is not a parse (decided on the first block, then remembered)."""

    def __init__(self, fn):
        self._fn, self._plan, self._decided = fn, None, False

    def __call__(self, block, stack):
        if not self._decided:
            self._plan, self._decided = _probe(self._fn, block[:1].reshape(())), True
        plan = self._plan
        if plan is None or not len(block):
            return None
        records = Tensor._from_host(block)
        parsed = tuple({k: np.asarray(t._value) for k, t in
                        parsing.parse_example(records, features).items()}
                       for features in plan.specs)
        if plan.passthrough:
            return nest.pack_sequence_as(plan.struct, [parsed[c][k] for c, k in plan.source])
        out = plan.post(parsed)
        if out is not None:
            return out
        # the rest of fn does not vectorize (strings, random ops, ...): it runs per
        # element, its parse calls answered from the batched parse
        return stack([self._row(parsed, r, block) for r in range(len(block))])

    def _row(self, parsed, r, block):
        row = tuple({k: Tensor._from_host(v[r, ...]) for k, v in p.items()} for p in parsed)
        try:
            return structure.from_output(self._plan._replay(row))
        except _NotVectorizable:  # fn parsed differently for this record: run it as is
            return structure.from_output(structure.call(self._fn, block[r, ...]))


def _scalars(batches):
    for b in batches:
        for x in b:
            e = np.empty((), object)
            e[()] = x
            yield e


def parsed_batches(map_ds, size, drop, stack):
    """Batches of `map_ds` (a MapDataset over scalar strings) through ParseMap, or None
    when its input elements are not scalar strings."""
    spec = map_ds._input.element_spec
    if not (isinstance(spec, structure.TensorSpec) and spec.dtype == dtypes.string
            and spec.shape.rank == 0):
        return None
    pmap = map_ds.__dict__.setdefault("_parse_map", ParseMap(map_ds._fn))
    if pmap._decided and pmap._plan is None:
        return None
    plan = map_ds._input._index_plan()
    if plan is not None:
        source, chunks = plan
        batches = (source._gather(idx) for idx in _index_blocks(chunks, size, drop))
    else:
        blocks = string_blocks(map_ds._input)
        batches = cut_blocks(blocks, size, drop) if blocks is not None else _stacked(
            map_ds._input._elements(), size, drop, stack)
    return _run(pmap, map_ds, batches, size, drop, stack)


def _run(pmap, map_ds, batches, size, drop, stack):
    first = next(batches, None)
    if first is None:
        return
    out = pmap(first, stack)
    if out is None:
        elems = _scalars(itertools.chain([first], batches))
        yield from _stacked(map_ds._map_stream(elems), size, drop, stack)
        return
    yield out
    for b in batches:
        out = pmap(b, stack)
        yield out if out is not None else stack([map_ds._apply(e) for e in _scalars([b])])
