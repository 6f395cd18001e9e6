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
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.variables import Variable
from . import engine

__all__ = ["GradientTape", "UnconnectedGradients"]

_log = logging.getLogger("tapeflow")


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for sources the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records operations for automatic differentiation (`tf.GradientTape`)."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._recording = False
        self._records = []
        self._watched = {}  # id(tensor) -> tensor (strong refs keep ids unique)
        self._watched_vars = {}  # id(var) -> var
        self._var_reads = {}  # id(var) -> [read tensors]
        self._in_context = False
        self._used = False

    # -- context -------------------------------------------------------------
    def __enter__(self):
        if self._in_context:
            raise ValueError("GradientTape is already in use (nested `with` on one tape).")
        self._in_context = True
        self._recording = True
        engine.STATE.tapes.append(self)
        return self

    def __exit__(self, *exc):
        tapes = engine.STATE.tapes
        if self in tapes:
            tapes.remove(self)
        self._recording = False
        self._in_context = False
        return False

    # -- watching ------------------------------------------------------------
    def watch(self, tensor):
        """Starts tracing tensors or Variables (any nested structure)."""
        for t in nest.flatten(tensor):
            if isinstance(t, Variable):
                self._watched_vars[id(t)] = t
                self._var_reads.setdefault(id(t), [])
            elif isinstance(t, Tensor):
                if not (t.dtype.is_floating or t.dtype.is_complex):
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
        if key not in self._watched_vars:
            self._watched_vars[key] = var
        self._var_reads.setdefault(key, []).append(t)
        self._watched[id(t)] = t

    def watched_variables(self):
        """Variables this tape watches, in the order first watched."""
        return tuple(self._watched_vars.values())

    def stop_recording(self):
        """Context manager pausing this tape (`with tape.stop_recording():`)."""
        if not self._in_context:
            raise ValueError("Tape must be recording in order to stop recording.")
        return engine.stop_recording([self])

    def reset(self):
        """Clears everything recorded so far."""
        self._records = []
        self._watched = {}
        self._watched_vars = {}
        self._var_reads = {}

    # -- gradients -----------------------------------------------------------
    def _check_usable(self):
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute "
                               "one set of gradients (or jacobians)")

    def _source_ids(self, src):
        if isinstance(src, Variable):
            return [id(t) for t in self._var_reads.get(id(src), [])]
        return [id(src)]

    def _run(self, targets, sources, output_gradients):
        """One backward pass; returns a list of gradients (None when unconnected)."""
        from ..ops import array_ops
        targets = [convert_to_tensor(t) if not isinstance(t, Tensor) else t for t in targets]
        if output_gradients is None:
            seeds = [array_ops.ones_like(t) for t in targets]
        else:
            seeds = [array_ops.ones_like(t) if g is None else convert_to_tensor(g, dtype=t.dtype)
                     for t, g in zip(targets, output_gradients)]
        wanted = []
        for s in sources:
            wanted.extend(self._source_ids(s))
        with engine.stop_recording([self]):
            grads = engine.backward(self._records, targets, seeds, wanted)
            out = []
            for s in sources:
                parts = [grads[k] for k in self._source_ids(s) if k in grads]
                if not parts:
                    out.append(None)
                elif len(parts) == 1:
                    out.append(parts[0])
                else:
                    from ..ops import math_ops
                    out.append(math_ops.add_n(parts))
        return out

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """Gradients of `target` (summed over its elements) w.r.t. `sources`.

        `sources` may be any nested structure of tensors/Variables; the result
        has the same structure, with None for unconnected sources.
        """
        self._check_usable()
        if not self._persistent:
            self._used = True
            if self._in_context:
                _log.debug("gradient() called inside a non-persistent tape's context")
        flat_src = nest.flatten(sources)
        for s in flat_src:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(f"Sources must be tensors or variables; got {s!r} of type "
                                 f"{type(s).__name__}.")
        flat_tgt = nest.flatten(target)
        flat_og = None if output_gradients is None else nest.flatten(output_gradients)
        if flat_og is not None and len(flat_og) != len(flat_tgt):
            raise ValueError(f"output_gradients has {len(flat_og)} entries but target has "
                             f"{len(flat_tgt)}.")
        float_src = []
        for s in flat_src:
            if not (s.dtype.is_floating or s.dtype.is_complex):
                _log.warning("The dtype of the source tensor must be floating (e.g. "
                             "tf.float32) when calling GradientTape.gradient, got %r", s.dtype)
            else:
                float_src.append(s)
        grads = dict(zip(map(id, float_src), self._run(flat_tgt, float_src, flat_og)))
        unconnected = UnconnectedGradients(unconnected_gradients)
        from ..ops import array_ops
        res = []
        for s in flat_src:
            g = grads.get(id(s))
            if g is None and unconnected is UnconnectedGradients.ZERO:
                g = array_ops.zeros_like(s)
            res.append(g)
        if not self._persistent:
            self._release()
        return nest.pack_sequence_as(sources, res)

    def _release(self):
        self._records = []
        self._watched = {}
        self._var_reads = {k: [] for k in self._var_reads}

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Full Jacobian: result[i] has shape target.shape + source_i.shape."""
        from ..ops import array_ops
        self._check_usable()
        flat_src = nest.flatten(sources)
        target = convert_to_tensor(target)
        tshape = target.shape.as_list()
        n = 1
        for d in tshape:
            n *= d
        rows = [[] for _ in flat_src]
        connected = [False] * len(flat_src)
        for i in range(n):
            seed = array_ops.reshape(array_ops.one_hot(i, n, dtype=target.dtype), tshape)
            for j, (g, s) in enumerate(zip(self._run([target], flat_src, [seed]), flat_src)):
                connected[j] |= g is not None
                rows[j].append(array_ops.zeros_like(s) if g is None else g)
        zero_ok = UnconnectedGradients(unconnected_gradients) is UnconnectedGradients.ZERO
        out = []
        for j, s in enumerate(flat_src):
            if not connected[j] and not zero_ok:
                out.append(None)
                continue
            st = array_ops.stack(rows[j]) if rows[j] else array_ops.zeros(
                [0] + s.shape.as_list(), s.dtype)
            out.append(array_ops.reshape(st, tshape + s.shape.as_list()))
        if not self._persistent:
            self._used = True
            self._release()
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobian: result[b] = d target[b] / d source[b].

        target: [batch, ...] and source: [batch, ...]; rows of the batch must be
        independent of each other, as in TF.
        """
        from ..ops import array_ops
        self._check_usable()
        target = convert_to_tensor(target)
        tshape = target.shape.as_list()
        sshape = source.shape.as_list()
        if tshape[0] != sshape[0]:
            raise ValueError(f"Need first dimension of target shape ({tshape}) and source "
                             f"shape ({sshape}) to match.")
        b = tshape[0]
        inner = 1
        for d in tshape[1:]:
            inner *= d
        cols = []
        for i in range(inner):
            seed = array_ops.one_hot(array_ops.fill([b], i), inner, dtype=target.dtype)
            seed = array_ops.reshape(seed, tshape)
            (g,) = self._run([target], [source], [seed])
            if g is None:
                g = array_ops.zeros_like(source)
            cols.append(g)
        out = array_ops.stack(cols, axis=1)
        out = array_ops.reshape(out, [b] + tshape[1:] + sshape[1:])
        if not self._persistent:
            self._used = True
            self._release()
        return out
