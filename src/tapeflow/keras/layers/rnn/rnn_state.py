"""State bookkeeping of RNN layers: state sizes, initial-state checks, stateful Variables.

>>> flat_state_sizes([3, 3])
[[3], [3]]
"""
import tapeflow as tf

from .... import nest
from .cell_utils import state_dims

__all__ = ["StatefulMixin", "flat_state_sizes", "check_initial_states"]


def flat_state_sizes(state_size):
    """Every state's per-example shape, flattened (a TensorShape is one state)."""
    if isinstance(state_size, tf.TensorShape) or not nest.is_nested(state_size):
        return [state_dims(state_size)]
    out = []
    for s in (state_size.values() if isinstance(state_size, dict) else state_size):
        out.extend(flat_state_sizes(s))
    return out


def check_initial_states(layer_name, sizes, states, batch):
    """ValueError naming the layer unless `states` match the cell's state sizes."""
    if len(states) != len(sizes):
        raise ValueError(f"Layer {layer_name} expects {len(sizes)} state(s), but it received "
                         f"{len(states)} initial state(s). Input received: "
                         f"{[tuple(s.shape.as_list()) for s in states]}")
    for i, (s, size) in enumerate(zip(states, sizes)):
        want = [batch] + size
        got = s.shape.as_list()
        if len(got) != len(want) or any(a is not None and b is not None and a != b
                                        for a, b in zip(got, want)):
            raise ValueError(f"State {i} is incompatible with layer {layer_name}: expected "
                             f"shape={tuple(want)} but found shape={tuple(got)}")


class _Store:
    """Holds the state Variables out of weight tracking (they are not weights, as in TF)."""

    def __init__(self):
        self.vars = None


class StatefulMixin:
    """`stateful=True`: final states kept in Variables, `states` and `reset_states`."""

    def _init_stateful(self):
        object.__setattr__(self, "_state_store", _Store())

    @property
    def _state_vars(self):
        return self._state_store.vars

    def _create_state_variables(self, batch):
        sizes = flat_state_sizes(self.cell.state_size)
        with tf.init_scope():
            made = [tf.Variable(tf.zeros([batch] + s, dtype=self.dtype), trainable=False,
                                name=f"{self.name}/state_{i}") for i, s in enumerate(sizes)]
        self._state_store.vars = made

    @property
    def states(self):
        """The state Variables of a stateful layer (None before its first call)."""
        if self._state_vars is None:
            return [None] * len(flat_state_sizes(self.cell.state_size))
        return list(self._state_vars)

    def reset_states(self, states=None):
        """Sets the states of a stateful layer to zeros, or to `states` (NumPy/tensors)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if self._state_vars is None:
            batch = (self._batch_input_shape or (None,))[0]
            if batch is None:
                raise ValueError("If a RNN is stateful, it needs to know its batch size. "
                                 "Specify the batch size of your input tensors: pass "
                                 "`batch_input_shape` (or `batch_size`) to the first layer, "
                                 f"or call layer {self.name} once first.")
            self._create_state_variables(batch)
        if states is None:
            for v in self._state_vars:
                v.assign(tf.zeros_like(v))
            return
        given = states if isinstance(states, (list, tuple)) else [states]
        if len(given) != len(self._state_vars):
            raise ValueError(f"Layer {self.name} expects {len(self._state_vars)} states, but "
                             f"it received {len(given)} state values. States received: "
                             f"{given}")
        for i, (v, value) in enumerate(zip(self._state_vars, given)):
            value = tf.convert_to_tensor(value, dtype=v.dtype)
            if value.shape.as_list() != v.shape.as_list():
                raise ValueError(f"State {i} is incompatible with layer {self.name}: "
                                 f"expected shape={tuple(v.shape.as_list())} but found "
                                 f"shape={tuple(value.shape.as_list())}")
            v.assign(value)

    def reset_state(self, states=None):
        self.reset_states(states)
