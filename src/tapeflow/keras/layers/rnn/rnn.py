"""keras.layers.RNN: runs a cell over the time axis as ONE recurrence op.

The whole sequence is one `recurrence` (function/recurrent_ops.py): a single
`lax.scan`, jitted once eagerly and never unrolled when compiled (unless
`unroll=True`), recorded on tapes as one op whose gradient is the reverse
scan. Built-in cells (SimpleRNNCell, GRUCell, LSTMCell) take a fast path:
their input projection `x @ kernel + bias` runs for all time steps at once
before the scan, which then only does the recurrent half. Any other cell
(user-written, StackedRNNCells) runs its `call` per step inside the scan, its
variables bound to the scan's parameters.

Masked steps (from `Embedding(mask_zero=True)`, `Masking` or `mask=`) carry
the states through unchanged and repeat the previous output (zeros with
`zero_output_for_mask`). Dropout masks are drawn once per call, outside the
scan. With `stateful=True` the final states are kept in Variables.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.RNN(keras.layers.SimpleRNNCell(4), return_sequences=True)
>>> layer(tf.ones((2, 5, 3))).shape
TensorShape([2, 5, 4])
"""
import inspect

import tapeflow as tf

from .... import nest
from ....function.recurrent_ops import recurrence
from .. import call_context
from ..layer import Layer
from .cell_utils import zero_states
from .eager_fusion import _cell_key, can_fuse, fused_call
from .ragged_inputs import call_on_ragged
from .rnn_state import StatefulMixin, check_initial_states, flat_state_sizes
from .stacked_rnn_cells import StackedRNNCells
from ...saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["RNN"]


def _accepts(fn, name):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _to_time_major(x):
    return tf.transpose(x, [1, 0] + list(range(2, x.shape.rank)))


def _where(m, new, old):
    shape = [-1] + [1] * (new.shape.rank - 1)
    return tf.where(tf.reshape(m, shape), new, old)


def _cells(cell):
    """The cell and, for StackedRNNCells, every cell inside it (depth first)."""
    inner = getattr(cell, "cells", None)
    if inner is None:
        return [cell]
    return [c for sub in inner for c in _cells(sub)]


class RNN(StatefulMixin, Layer):
    """Base class for recurrent layers: a cell scanned over the time axis."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, time_major=False, zero_output_for_mask=False,
                 **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: "
                             f"cell={cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have a `state_size` attribute (single "
                             f"integer or list of integers, one per state). Received: "
                             f"cell={cell}")
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.time_major = time_major
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self._num_constants = 0
        self._init_stateful()

    # -- building -----------------------------------------------------------
    def _step_shape(self, shape):
        shape = tf.TensorShape(shape)
        if shape.rank is not None and shape.rank < 3:
            raise ValueError(f'Input 0 of layer "{self.name}" is incompatible with the layer: '
                             f"expected ndim>=3 (batch, timesteps, features), found "
                             f"ndim={shape.rank}. Full shape received: {tuple(shape.as_list())}")
        dims = shape.as_list()
        return tf.TensorShape(dims[1:] if self.time_major else dims[:1] + dims[2:])

    def build(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and input_shape and \
                isinstance(input_shape[0], (tf.TensorShape, list, tuple)):
            input_shape = input_shape[0]
        if not self.cell.built:
            step = nest.map_structure(self._step_shape, input_shape) \
                if isinstance(input_shape, dict) else self._step_shape(input_shape)
            self.cell.build(step)
            object.__setattr__(self.cell, "built", True)
            for v in self.cell.weights:
                if not v._name.startswith(self.name + "/"):
                    v._name = f"{self.name}/{v._name}"
        if self.stateful:
            batch = tf.TensorShape(input_shape)[1 if self.time_major else 0] \
                if not isinstance(input_shape, dict) else None
            if self._batch_input_shape is not None and self._batch_input_shape[0]:
                batch = self._batch_input_shape[0]
            if batch is not None:
                self._create_state_variables(batch)
        self.built = True

    # -- inputs -------------------------------------------------------------
    def _split_inputs(self, inputs, initial_state, constants):
        if isinstance(inputs, list) and initial_state is None and constants is None \
                and len(inputs) > 1 and not isinstance(inputs[0], (list, tuple)):
            n = self._num_constants
            if n:
                constants = inputs[-n:]
                inputs = inputs[:-n]
            if len(inputs) > 1:
                initial_state = inputs[1:]
            inputs = inputs[0]
        if initial_state is not None and not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        return inputs, initial_state, constants

    def _check_mask(self, mask, batch, steps, shape):
        m = tf.convert_to_tensor(mask)
        if m.shape.rank != 2 or m.shape[0] != batch or m.shape[1] != steps:
            raise ValueError(f'Layer "{self.name}": the mask shape {tuple(m.shape.as_list())} '
                             f"does not match the inputs' (batch, timesteps) = ({batch}, "
                             f"{steps}); inputs shape: {tuple(shape)}.")
        return m if m.dtype == tf.bool else tf.cast(m, tf.bool)

    def _initial_states(self, x0, batch, initial_state):
        sizes = flat_state_sizes(self.cell.state_size)
        if initial_state is not None:
            states = [tf.convert_to_tensor(s) for s in nest.flatten(initial_state)]
            check_initial_states(self.name, sizes, states, batch)
            return self._pack_states(states)
        if self.stateful and not call_context_symbolic():
            if self._state_vars is None:
                self._create_state_variables(batch)
            return self._pack_states([v.value() for v in self._state_vars])
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            kw = {"batch_size": batch, "dtype": x0.dtype}
            if _accepts(fn, "inputs"):
                kw["inputs"] = None
            states = fn(**kw)
        else:
            states = zero_states(self.cell.state_size, batch_size=batch, dtype=x0.dtype)
        if not nest.is_nested(states):
            states = [states]
        return states

    def _pack_states(self, flat):
        cells = getattr(self.cell, "cells", None)
        if cells is not None:  # StackedRNNCells: a tuple of each cell's state list
            out, k = [], 0
            for c in cells:
                n = len(flat_state_sizes(c.state_size))
                out.append(list(flat[k:k + n]))
                k += n
            return tuple(out)
        if isinstance(self.cell.state_size, dict):
            return nest.pack_sequence_as(self.cell.state_size, list(flat))
        return list(flat)

    def _output_zeros(self, states, batch, dtype):
        size = _output_size(self.cell)
        first = nest.flatten(states)[0]
        if size is None or (isinstance(size, int) and first.shape.rank != 2):
            return tf.zeros_like(first)
        dims = size.as_list() if isinstance(size, tf.TensorShape) else nest.flatten(size)
        return tf.zeros([batch] + list(dims), dtype=dtype)

    # -- calling ------------------------------------------------------------
    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        if isinstance(inputs, tf.RaggedTensor):  # padded + masked, as tf.keras runs it
            return call_on_ragged(self.call, inputs, self.return_sequences, self.go_backwards,
                                  mask=mask, training=training, initial_state=initial_state,
                                  constants=constants)
        inputs, initial_state, constants = self._split_inputs(inputs, initial_state, constants)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if can_fuse(self, inputs, mask, initial_state, constants, training):
            return fused_call(self, self._call, inputs, mask, initial_state, training)
        return self._call(inputs, mask, initial_state, training, constants)

    def _call(self, inputs, mask, initial_state, training, constants=None):
        x0 = nest.flatten(inputs)[0]
        shape = x0.shape.as_list()
        if len(shape) < 3:
            self._step_shape(shape)
        t_axis, b_axis = (0, 1) if self.time_major else (1, 0)
        steps, batch = shape[t_axis], shape[b_axis]
        if mask is not None:
            mask = self._check_mask(mask, batch, steps, shape)
        states = self._initial_states(x0, batch, initial_state)
        outputs, last, new_states = self._scan(inputs, mask, states, constants, training,
                                               batch, x0.dtype)
        if self.stateful and not call_context_symbolic():
            for v, s in zip(self._state_vars, nest.flatten(new_states)):
                v.assign(tf.cast(s, v.dtype))
        output = outputs if self.return_sequences else last
        if self.return_state:
            if isinstance(new_states, (list, tuple)):
                return [output] + list(new_states)
            return [output, new_states]
        return output

    def _fast(self, constants, inputs):
        cell = self.cell
        return (hasattr(cell, "_project") and hasattr(cell, "_recur") and constants is None
                and not nest.is_nested(inputs))

    def _scan(self, inputs, mask, states, constants, training, batch, dtype):
        cell = self.cell
        xs = nest.map_structure(lambda x: x if self.time_major else _to_time_major(x), inputs)
        m = None if mask is None else tf.transpose(mask)
        if self.go_backwards:
            xs = nest.map_structure(lambda x: tf.reverse(x, [0]), xs)
            m = None if m is None else tf.reverse(m, [0])
        training = bool(training)
        cells = _cells(cell)
        masks, counts = [], []
        step_shape = [batch] + nest.flatten(inputs)[0].shape.as_list()[2:]
        for c in cells:
            got = c._prepare_masks(step_shape, dtype, training) \
                if hasattr(c, "_prepare_masks") else []
            masks.extend(got)
            counts.append(len(got))
            size = _output_size(c)
            if isinstance(size, int):
                step_shape = [batch, size]
        fast = self._fast(constants, inputs)
        if fast:
            xs = cell._project(xs, training)
            variables = list(cell._recurrent_weights())
        else:
            variables = [v for v in cell.weights if v.dtype.is_floating]
        consts = [] if constants is None else list(nest.flatten(constants))
        params = [v.value() for v in variables] + masks + consts
        # a built-in cell's output is its first state, also at masked steps; carry a
        # separate previous output only when that does not hold
        zero_last = self.zero_output_for_mask and m is not None and not self.return_sequences
        keep_prev = (not fast or zero_last) and (not self.return_sequences or (
            m is not None and not self.zero_output_for_mask))
        prev = self._output_zeros(states, batch, dtype) if keep_prev else ()
        step = _make_step(cell, cells, fast, training, m is not None, keep_prev,
                          self.return_sequences, self.zero_output_for_mask, len(variables),
                          counts, constants)
        key = (_cell_key(cell, fast), fast, training, m is not None, keep_prev,
               self.return_sequences, self.zero_output_for_mask, tuple(counts), len(consts))
        x_in = (xs,) if m is None else (xs, m)
        try:
            (new_states, last), ys = recurrence(step, (states, prev), x_in, params, variables,
                                                unroll=self.unroll, key=key)
        finally:
            for c in cells:
                if hasattr(c, "_clear_masks"):
                    c._clear_masks()
        outputs = None
        if self.return_sequences:
            outputs = ys if self.time_major else nest.map_structure(_to_time_major, ys)
            last = nest.map_structure(lambda y: y[-1], ys)
        elif not keep_prev:
            last = nest.flatten(new_states)[0]
        return outputs, last, new_states

    def get_config(self):
        config = {"return_sequences": self.return_sequences, "return_state": self.return_state,
                  "go_backwards": self.go_backwards, "stateful": self.stateful,
                  "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask}
        if self.time_major:
            config["time_major"] = True
        if type(self) is RNN:
            config["cell"] = serialize_keras_object(self.cell)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def call_context_symbolic():
    frame = call_context.current()
    return frame is not None and frame.symbolic


def _output_size(cell):
    try:
        return getattr(cell, "output_size", None)
    except NotImplementedError:
        return None


def _make_step(cell, cells, fast, training, masked, keep_prev, return_sequences, zero_out,
               n_vars, counts, constants):
    """The scan step for one configuration (a function of the key passed to `recurrence`)."""
    call_kwargs = {}
    if not fast and _accepts(cell.call, "training"):
        call_kwargs["training"] = training
    n_masks = sum(counts)

    def step(carry, x, params):
        states, prev = carry
        inp = x[0]
        masks, consts = params[n_vars:n_vars + n_masks], params[n_vars + n_masks:]
        k = 0
        for c, n in zip(cells, counts):
            if n:
                c._bind_masks(masks[k:k + n])
                k += n
        try:
            if fast:
                out, new_states = cell._recur(inp, states, training)
            elif constants is not None:
                out, new_states = cell.call(inp, states, constants=consts, **call_kwargs)
            else:
                out, new_states = cell.call(inp, states, **call_kwargs)
        finally:
            for c, n in zip(cells, counts):
                if n:
                    c._clear_masks()  # no scan tensor outlives the step
        if not nest.is_nested(new_states):
            new_states = [new_states]
        new_states = nest.pack_sequence_as(states, nest.flatten(new_states))
        if masked:
            m = x[1]
            new_states = nest.map_structure(lambda n, o: _where(m, n, o), new_states, states)
            if zero_out:
                fill = nest.map_structure(tf.zeros_like, out)
            else:
                fill = prev if keep_prev else nest.flatten(states)[0]
            out = nest.map_structure(lambda n, o: _where(m, n, o), out, fill)
        return (new_states, out if keep_prev else ()), (out if return_sequences else ())
    return step
