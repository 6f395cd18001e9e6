"""GradientTape: records ops on watched tensors and differentiates them.

>>> import tapeflow as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as g:
...     g.watch(x)
...     y = x * x
>>> float(g.gradient(y, x))
6.0
"""
import enum
import logging

from .. import nest
from ..framework import recording
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.variables import Variable
from ..ops import array_ops, math_ops, shape_ops
from .backward import backward, ones_seed

__all__ = ["GradientTape", "UnconnectedGradients"]

_log = logging.getLogger("tapeflow")


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for sources the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _flat(x, leaf_types=(Tensor, Variable)):
    return [x] if isinstance(x, leaf_types) else nest.flatten(x)


class GradientTape:
    """Records operations for automatic differentiation (`tf.GradientTape`).

    >>> v = Variable(2.0)
    >>> with GradientTape() as tape:
    ...     y = v * v
    >>> float(tape.gradient(y, v))
    4.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._recording = False
        self._records = []
        self._watched = {}  # id(tensor) -> tensor (strong refs keep ids unique)
        self._watched_vars = {}  # id(var) -> var, in the order first watched
        self._var_reads = {}  # id(var) -> [tensors read from it while recording]
        self._in_context = False
        self._used = False

    # -- context -------------------------------------------------------------
    def __enter__(self):
        if self._in_context:
            raise ValueError("GradientTape is already in use (nested `with` on one tape).")
        self._in_context = True
        self._push()
        return self

    def __exit__(self, *exc):
        self._pop()
        self._in_context = False
        return False

    def _push(self):
        self._recording = True
        recording.STATE.tapes.append(self)

    def _pop(self):
        tapes = recording.STATE.tapes
        for i in range(len(tapes) - 1, -1, -1):
            if tapes[i] is self:
                del tapes[i]
                break
        self._recording = False

    # -- watching ------------------------------------------------------------
    def watch(self, tensor):
        """Starts tracing tensors or Variables (any nested structure).

        >>> x = convert_to_tensor(1.0)
        >>> with GradientTape() as t:
        ...     t.watch(x)
        """
        for t in _flat(tensor):
            if isinstance(t, Variable):
                self._watched_vars[id(t)] = t
                self._var_reads.setdefault(id(t), [])
            elif isinstance(t, Tensor):
                if t._value.dtype not in recording.DIFFERENTIABLE:
                    _log.warning("The dtype of the watched tensor must be floating "
                                 "(e.g. tf.float32), got %r", t.dtype)
                self._watched[id(t)] = t
            elif hasattr(t, "_as_tensor"):
                self.watch(t._as_tensor())
            else:
                raise ValueError(f"Passed in object {t!r} of type {type(t).__name__!r}, "
                                 "not tf.Tensor or tf.Variable.")

    def _watch_variable_read(self, var, t):
        key = id(var)
        reads = self._var_reads.get(key)
        if reads is None:
            self._watched_vars[key] = var
            reads = self._var_reads[key] = []
        reads.append(t)
        self._watched[id(t)] = t

    def watched_variables(self):
        """Variables this tape watches, in the order first watched."""
        return tuple(self._watched_vars.values())

    def stop_recording(self):
        """Context manager pausing this tape (`with tape.stop_recording():`)."""
        if not self._recording:
            raise ValueError("Tape must be recording in order to stop recording.")
        return recording.stop_recording([self])

    def reset(self):
        """Clears everything recorded so far, as if a fresh tape replaced this one."""
        self._records = []
        self._watched = {}
        self._watched_vars = {}
        self._var_reads = {}
        self._used = False

    # -- gradients -----------------------------------------------------------
    def _check_usable(self):
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute "
                               "one set of gradients (or jacobians)")

    def _begin(self):
        """Marks a non-persistent tape used; inside its context it stops recording, as TF."""
        self._check_usable()
        if not self._persistent:
            self._used = True
            if self._recording:
                self._pop()

    def _source_ids(self, src):
        if type(src) is Tensor:
            return (id(src),)
        if isinstance(src, Variable):
            return [id(t) for t in self._var_reads.get(id(src), ())]
        return (id(src),)

    def _run(self, targets, sources, output_gradients):
        """One backward pass; returns a list of gradients (None when unconnected)."""
        targets = [t if type(t) is Tensor else convert_to_tensor(t) for t in targets]
        if output_gradients is None:
            seeds = [ones_seed(t) for t in targets]
        else:
            seeds = [ones_seed(t) if g is None else convert_to_tensor(g, dtype=t.dtype)
                     for t, g in zip(targets, output_gradients)]
        ids = [self._source_ids(s) for s in sources]
        wanted = [k for ks in ids for k in ks]
        # No pause needed: a non-persistent tape stopped recording in `_begin`,
        # and a persistent tape differentiated inside its context records its
        # own backward pass (as TF does), so it can be differentiated again.
        grads = backward(self._records, targets, seeds, wanted)
        out = []
        for ks in ids:
            parts = [grads[k] for k in ks if k in grads]
            if not parts:
                out.append(None)
            elif len(parts) == 1:
                out.append(parts[0])
            else:
                out.append(math_ops.add_n(parts))
        return out

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """Gradients of `target` (summed over its elements) w.r.t. `sources`.

        `sources` may be any nested structure of tensors/Variables; the result
        has the same structure, with None for unconnected sources.

        >>> x = convert_to_tensor(2.0)
        >>> with GradientTape() as t:
        ...     t.watch(x)
        ...     y = x * x * x
        >>> float(t.gradient(y, x))
        12.0
        """
        self._begin()
        single = isinstance(sources, (Tensor, Variable))
        flat_src = [sources] if single else nest.flatten(sources)
        flat_tgt = [target] if type(target) is Tensor else nest.flatten(target)
        flat_og = None if output_gradients is None else _flat(output_gradients)
        if flat_og is not None and len(flat_og) != len(flat_tgt):
            raise ValueError(f"output_gradients has {len(flat_og)} entries but target has "
                             f"{len(flat_tgt)}.")
        float_src = []
        for s in flat_src:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(f"Sources must be tensors or variables; got {s!r} of type "
                                 f"{type(s).__name__}.")
            if s.dtype._np not in recording.DIFFERENTIABLE:
                _log.warning("The dtype of the source tensor must be floating (e.g. "
                             "tf.float32) when calling GradientTape.gradient, got %r", s.dtype)
            else:
                float_src.append(s)
        res = self._run(flat_tgt, float_src, flat_og)
        if len(float_src) != len(flat_src):
            by_id = dict(zip(map(id, float_src), res))
            res = [by_id.get(id(s)) for s in flat_src]
        if unconnected_gradients is not UnconnectedGradients.NONE:
            if UnconnectedGradients(unconnected_gradients) is UnconnectedGradients.ZERO:
                res = [array_ops.zeros_like(s) if g is None else g
                       for g, s in zip(res, flat_src)]
        if not self._persistent:
            self._release()
        return res[0] if single else nest.pack_sequence_as(sources, res)

    def _release(self):
        self._records = []
        self._watched = {}
        self._var_reads = {k: [] for k in self._var_reads}

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Full Jacobian: result[i] has shape target.shape + source_i.shape.

        >>> x = convert_to_tensor([1.0, 2.0])
        >>> with GradientTape() as t:
        ...     t.watch(x)
        ...     y = x * x
        >>> t.jacobian(y, x).numpy().tolist()
        [[2.0, 0.0], [0.0, 4.0]]
        """
        self._begin()
        flat_src = _flat(sources)
        target = convert_to_tensor(target)
        tshape = list(target._value.shape)
        n = target._value.size
        rows = [[] for _ in flat_src]
        connected = [False] * len(flat_src)
        for i in range(n):
            seed = array_ops.reshape(shape_ops.one_hot(i, n, dtype=target.dtype), tshape)
            for j, (g, s) in enumerate(zip(self._run([target], flat_src, [seed]), flat_src)):
                connected[j] |= g is not None
                rows[j].append(array_ops.zeros_like(s) if g is None else g)
        zero_ok = UnconnectedGradients(unconnected_gradients) is UnconnectedGradients.ZERO
        out = []
        for j, s in enumerate(flat_src):
            sshape = list(s.shape)
            if not connected[j] and not zero_ok:
                out.append(None)
            elif rows[j]:
                out.append(array_ops.reshape(array_ops.stack(rows[j]), tshape + sshape))
            else:
                out.append(array_ops.zeros(tshape + sshape, s.dtype))
        if not self._persistent:
            self._release()
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobian: result[b] = d target[b] / d source[b].

        target: [batch, ...] and source: [batch, ...]; rows of the batch must be
        independent of each other, as in TF.

        >>> x = convert_to_tensor([[1.0, 2.0]])
        >>> with GradientTape() as t:
        ...     t.watch(x)
        ...     y = x * x
        >>> t.batch_jacobian(y, x).numpy().tolist()
        [[[2.0, 0.0], [0.0, 4.0]]]
        """
        self._begin()
        target = convert_to_tensor(target)
        tshape = list(target._value.shape)
        sshape = list(source.shape)
        if not tshape or not sshape or tshape[0] != sshape[0]:
            raise ValueError(f"Need first dimension of target shape ({tshape}) and source "
                             f"shape ({sshape}) to match.")
        b = tshape[0]
        inner = 1
        for d in tshape[1:]:
            inner *= d
        cols = []
        connected = False
        for i in range(inner):
            seed = shape_ops.one_hot(array_ops.fill([b], i), inner, dtype=target.dtype)
            (g,) = self._run([target], [source], [array_ops.reshape(seed, tshape)])
            connected |= g is not None
            cols.append(array_ops.zeros_like(source) if g is None else g)
        if not self._persistent:
            self._release()
        if not connected and UnconnectedGradients(
                unconnected_gradients) is not UnconnectedGradients.ZERO:
            return None
        out = array_ops.stack(cols, axis=1) if cols else array_ops.zeros(
            [b, 0] + sshape[1:], source.dtype)
        return array_ops.reshape(out, [b] + tshape[1:] + sshape[1:])
