"""Runtime of converted loops (`ag__.while_stmt`, `ag__.for_stmt`).

A loop whose test is a symbolic tensor, or a `for` over a tensor inside a
tapeflow.function, becomes one `tf.while_loop` over the loop-carried names
(those read before they are assigned in the body, by the test, or after the
loop). `for` over a tensor or `tf.range` sets `maximum_iterations` from the
static length, so the loop is differentiable. A Python loop whose test turns
into a tensor part-way switches to `tf.while_loop` from that iteration; a
Python `for` whose `break` depends on a tensor runs each remaining iteration
under `tf.cond`. `tf.data.Dataset`s are iterated while tracing, their elements
becoming constants of the program (a stacked tensor when all elements share
a shape, so the body is traced once).

>>> out = []
>>> for_stmt([1, 2], None, out.append, lambda: (), lambda v: None, (), (), {})
>>> out
[1, 2]
"""
import jax.numpy as jnp
import numpy as np

from .. import nest
from ..framework.context import current_trace
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from ..framework.variables import Variable
from ..function.control_flow import while_loop
from ..ops import array_ops, logic_ops, math_ops
from ..ops.gather_ops import gather
from ..tensor_array.tensor_array import TensorArray
from .conversion import converted_call
from .operators import (Undefined, UndefinedReturnValue, _truth, abstract_state, and_, if_stmt,
                        is_graph_tensor, merge_state, split_state, zeros_like_abstract)

__all__ = ["while_stmt", "for_stmt", "RangeSpec"]


class RangeSpec:
    """`tf.range(start, limit, delta)` with a symbolic bound, iterated by a `for` loop."""

    def __init__(self, start, limit, delta, dtype):
        self.start, self.limit, self.delta, self.dtype = start, limit, delta, dtype


# -- while -------------------------------------------------------------------------

def while_stmt(test, body, get_state, set_state, symbol_names, carried, opts):
    """`while test(): body()` as Python, or as tf.while_loop once the test is symbolic."""
    while True:
        t = test()
        if is_graph_tensor(t):
            _tf_while(test, body, get_state, set_state, symbol_names, carried, opts)
            return
        if not _truth(t):
            return
        body()


def _tf_while(test, body, get_state, set_state, names, carried, opts, counter=None):
    """One tf.while_loop over the carried names (and an optional hidden counter)."""
    init = list(get_state())
    idx = [i for i, n in enumerate(names) if n in carried]
    once = (lambda: body(counter.start)) if counter else body
    _fill_undefined(init, idx, names, once, get_state, set_state)
    _presize_arrays(init, idx, opts.get("maximum_iterations"), once, get_state, set_state)
    cnames = [names[i] for i in idx]
    dyn, static = split_state([init[i] for i in idx], cnames, "loop")

    def put(vals):
        state = list(init)
        for i, v in zip(idx, merge_state(static, vals)):
            state[i] = v
        set_state(tuple(state))

    def c(*vals):
        put(vals[1:] if counter else vals)
        return _bool_tensor(test(*vals[:1]) if counter else test())

    def b(*vals):
        put(vals[1:] if counter else vals)
        if counter:
            body(vals[0])
        else:
            body()
        after = get_state()
        new_dyn, new_static = split_state([after[i] for i in idx], cnames, "loop")
        _check_static(cnames, static, new_static)
        new_dyn = [_keep_dtype(o, n, name) for o, n, name in
                   zip(dyn, new_dyn, _dyn_names(cnames, static))]
        return ([counter.step(vals[0])] if counter else []) + new_dyn
    loop_vars = ([counter.start] if counter else []) + dyn
    out = while_loop(c, b, loop_vars, maximum_iterations=opts.get("maximum_iterations"))
    put(out[1:] if counter else out)
    state = list(get_state())
    for i, n in enumerate(names):  # body-local names are dead after the loop
        if i not in idx:
            state[i] = init[i]
    set_state(tuple(state))


def _bool_tensor(t):
    t = convert_to_tensor(t)
    if t.dtype.name != "bool":
        t = math_ops.cast(t, "bool")
    return t


def _dyn_names(names, static):
    out = []
    for n, (_, desc) in zip(names, static):
        out.extend(n for d in desc if d is None)
    return out


def _keep_dtype(old, new, name):
    if old.dtype != new.dtype:
        raise TypeError(f"'{name}' has dtype {old.dtype.name} before the loop, but dtype "
                        f"{new.dtype.name} after one iteration. TensorFlow control flow "
                        f"requires it to stay the same.")
    if tuple(old.shape) != tuple(new.shape):
        raise ValueError(f"'{name}' has shape {tuple(old.shape)} before the loop, but shape "
                         f"{tuple(new.shape)} after one iteration. tapeflow compiles loops "
                         f"with static shapes (XLA): keep loop variables' shapes fixed, or "
                         f"accumulate into a preallocated tensor or tf.TensorArray.")
    return new


def _check_static(names, before, after):
    for n, (sa, da), (sb, db) in zip(names, before, after):
        if [d is None for d in da] != [d is None for d in db] or any(
                x is not None and x[1] is not y[1] and not _eq(x[1], y[1])
                for x, y in zip(da, db)):
            raise ValueError(f"'{n}' changes from a non-tensor value to a different value or "
                             f"type inside a tensor-dependent loop of a tf.function; loop "
                             f"variables must be tensors or keep their value.")


def _eq(a, b):
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001
        return False


def _fill_undefined(init, idx, names, body, get_state, set_state):
    """Carried names undefined before the loop get zeros shaped like one iteration's value
    (the loop's return value, or a name first assigned in the body), as TF does."""
    missing = [i for i in idx if isinstance(init[i], (Undefined, UndefinedReturnValue))]
    if not missing:
        return
    shapes = abstract_state(body, set_state, get_state, init, missing)
    for i in missing:
        v = shapes.get(i)
        if v is None:
            raise ValueError(f"'{names[i]}' must be defined before the loop: it is used "
                             f"across iterations of a tensor-dependent loop inside a "
                             f"tf.function.")
        init[i] = zeros_like_abstract(v)


def _presize_arrays(init, idx, n, body, get_state, set_state):
    """TensorArrays carried by a loop get their stacked buffer before it (XLA loops cannot
    grow one): `[n, *element_shape]` for a dynamic_size array in a loop of static length
    `n`, `[size, ...]` for a fixed-size one. The element shape is the array's own, its
    first element's, or the one a first iteration writes (traced abstractly)."""
    def rows(ta):  # a dynamic array grows to the loop's length; a fixed one keeps its size
        if isinstance(n, int):
            return max(n, ta._len()) if ta.dynamic_size else ta._len()
        return None if ta.dynamic_size or not ta._len() else ta._len()
    arrays = [i for i in idx if isinstance(init[i], TensorArray) and init[i]._buffer is None
              and rows(init[i])]
    if not arrays:
        return
    shapes = {}

    def collect(after):
        for i in arrays:
            if isinstance(after[i], TensorArray):
                shapes[i] = after[i].element_shape
    need = [i for i in arrays if not _elem_shape(init[i]).is_fully_defined()]
    if need:
        abstract_state(body, set_state, get_state, init, [], collect)
    for i in arrays:
        ta = init[i]
        shape = _elem_shape(ta)
        if not shape.is_fully_defined():
            shape = shapes.get(i, TensorShape(None))
        if not shape.is_fully_defined():
            continue  # the TensorArray reports its own error inside the loop
        pad = array_ops.zeros([rows(ta) - ta._len()] + shape.as_list(), ta.dtype)
        buf = pad if ta._len() == 0 else array_ops.concat(
            [ta._to_buffer(shape.as_list())._buffer, pad], 0)
        init[i] = TensorArray._make(ta, buffer=buf, element_shape=shape)


def _elem_shape(ta):
    known = [v for v in ta._list if v is not None]
    return known[0].shape if known else ta.element_shape


# -- for ---------------------------------------------------------------------------

class _Counter:
    def __init__(self, start, step):
        self.start, self.step = start, step


def for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, carried, opts):
    """`for x in iter_: body(x)` — tensors, tf.range and Datasets inside a trace become
    one tf.while_loop; Python iterables stay Python loops."""
    if isinstance(iter_, RangeSpec):
        return _range_loop(iter_, extra_test, body, get_state, set_state, symbol_names,
                           carried, opts)
    if isinstance(iter_, (Tensor, Variable)) and current_trace() is not None:
        return _tensor_loop(convert_to_tensor(iter_), extra_test, body, get_state, set_state,
                            symbol_names, carried, opts)
    if _is_dataset(iter_) and current_trace() is not None:
        stacked = _stack_dataset(iter_)
        if stacked is not None:
            elems, struct = stacked
            return _tensor_loop(elems, extra_test, lambda x: body(
                nest.pack_sequence_as(struct, x)), get_state, set_state, symbol_names,
                carried, opts)
        iter_ = [nest.map_structure(convert_to_tensor, e) for e in iter_._elements()]
    _python_for(iter_, extra_test, body, get_state, set_state, symbol_names)


def _python_for(iter_, extra_test, body, get_state, set_state, names):
    it = iter(iter_)
    for x in it:
        ok = True if extra_test is None else extra_test()
        if is_graph_tensor(ok):  # a tensor-dependent break: guard the remaining iterations
            _guarded_rest(x, it, extra_test, body, get_state, set_state, names)
            return
        if not _truth(ok):
            return
        body(x)


def _guarded_rest(x, it, extra_test, body, get_state, set_state, names):
    for item in [x] + list(it):
        if_stmt(extra_test(), lambda item=item: body(item), lambda: None, get_state, set_state,
                names, names)


def _tensor_loop(t, extra_test, body, get_state, set_state, names, carried, opts):
    """Iterates the leading axis of a tensor (or a structure of equal-length tensors)."""
    first = nest.flatten(t)[0]
    if first.ndim == 0:
        raise TypeError("Cannot iterate over a scalar tensor.")
    n = first.shape[0]
    counter = _Counter(Tensor(jnp.asarray(0, jnp.int32)), lambda i: i + 1)

    def test(i):
        ok = i < n
        return ok if extra_test is None else _and(ok, extra_test)
    opts = dict(opts)
    opts.setdefault("maximum_iterations", n)
    _tf_while(test, lambda i: body(nest.map_structure(lambda x: gather(x, i), t)), get_state,
              set_state, names, set(carried), opts, counter)


def _and(ok, extra_test):
    return and_(lambda: ok, extra_test)


def _range_loop(r, extra_test, body, get_state, set_state, names, carried, opts):
    start = convert_to_tensor(r.start, r.dtype)
    counter = _Counter(start, lambda i: i + math_ops.cast(r.delta, i.dtype))
    limit, delta = r.limit, r.delta

    def test(i):
        d = convert_to_tensor(delta, i.dtype)
        lim = math_ops.cast(limit, i.dtype)
        ok = logic_ops.logical_or(logic_ops.logical_and(d > 0, i < lim),
                                  logic_ops.logical_and(d < 0, i > lim))
        return ok if extra_test is None else _and(ok, extra_test)
    _tf_while(test, body, get_state, set_state, names, set(carried), opts, counter)


def _is_dataset(x):
    """A tf.data.Dataset, told by its protocol (autograph sits below data/: no import)."""
    return hasattr(type(x), "element_spec") and callable(getattr(x, "_elements", None))


def _stack_dataset(ds):
    """All elements of a dataset stacked on a new leading axis, if they share shapes."""
    elems = list(ds._elements())
    if not elems:
        return None
    flat = [nest.flatten(e) for e in elems]
    first = flat[0]
    for f in flat[1:]:
        if len(f) != len(first) or any(np.shape(a) != np.shape(b) for a, b in zip(f, first)):
            return None
    if any(np.asarray(x).dtype.kind in "OSU" for x in first):
        return None
    stacked = [convert_to_tensor(np.stack([np.asarray(f[k]) for f in flat]))
               for k in range(len(first))]
    return stacked, elems[0]


def range_or_call(f, args, kwargs):
    """`tf.range(...)` with a symbolic bound, in a `for` header, becomes a RangeSpec."""
    if getattr(f, "__wrapped__", f) is array_ops.range or f is array_ops.range:
        vals = list(args) + [kwargs.get(k) for k in ("start", "limit", "delta")
                             if kwargs and k in kwargs]
        if current_trace() is not None and any(is_graph_tensor(v) for v in vals):
            a = list(args)
            start, limit = (0, a[0]) if len(a) == 1 else (a[0], a[1])
            delta = a[2] if len(a) > 2 else (kwargs or {}).get("delta", 1)
            dtype = (kwargs or {}).get("dtype") or _range_dtype(start, limit, delta)
            return RangeSpec(start, limit, delta, dtype)
    return converted_call(f, args, kwargs)


def _range_dtype(*vals):
    order = ["int32", "int64", "float32", "float64"]
    names = [convert_to_tensor(v).dtype.name for v in vals]
    return max(names, key=lambda d: order.index(d) if d in order else 0)
