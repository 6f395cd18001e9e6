"""DropoutRNNCellMixin: dropout masks fixed for a whole sequence, made outside the scan.

A cell draws one input mask and one recurrent mask per call of its RNN layer
(the same mask at every time step, as tf.keras does). The RNN layer makes them
before the recurrence starts (`_prepare_masks`) and passes them into the scan
as tensors, so no random op ever runs inside the compiled step; a cell called
on its own makes its masks on the spot.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> cell = keras.layers.SimpleRNNCell(2, dropout=0.5)
>>> m = cell.get_dropout_mask_for_cell(tf.ones((3, 4)), training=True)
>>> sorted(set(m.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
True
"""
import tapeflow as tf

__all__ = ["DropoutRNNCellMixin"]


def _mask(shape, rate, count, dtype):
    ones = tf.ones(shape, dtype=dtype)
    masks = [tf.nn.dropout(ones, rate=rate) for _ in range(count)]
    return masks[0] if count == 1 else masks


class DropoutRNNCellMixin:
    """Gives a cell `get_dropout_mask_for_cell` / `get_recurrent_dropout_mask_for_cell`."""

    _mask_count = 1  # masks per kind (one per gate for implementation=1 cells)

    def _mask_state(self):
        d = self.__dict__
        if "_dropout_masks" not in d:
            object.__setattr__(self, "_dropout_masks", [None, None])
        return d["_dropout_masks"]

    def get_dropout_mask_for_cell(self, inputs, training, count=1):
        """The input dropout mask(s) for this sequence (None when not training)."""
        if not training or not 0 < self.dropout < 1:
            return None
        state = self._mask_state()
        if state[0] is None:
            state[0] = _mask(tf.shape(inputs), self.dropout, count, inputs.dtype)
        return state[0]

    def get_recurrent_dropout_mask_for_cell(self, inputs, training, count=1):
        """The recurrent dropout mask(s) for this sequence, shaped like the state."""
        if not training or not 0 < self.recurrent_dropout < 1:
            return None
        state = self._mask_state()
        if state[1] is None:
            state[1] = _mask(self._recurrent_mask_shape(inputs), self.recurrent_dropout,
                             count, inputs.dtype)
        return state[1]

    def _recurrent_mask_shape(self, inputs):
        return [inputs.shape[0], self.units]

    def reset_dropout_mask(self):
        self._mask_state()[0] = None

    def reset_recurrent_dropout_mask(self):
        self._mask_state()[1] = None

    # -- used by the RNN layer ---------------------------------------------
    def _prepare_masks(self, step_inputs_shape, dtype, training):
        """Draws this sequence's masks; returns them as a flat list (passed into the scan)."""
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()
        probe = tf.zeros(step_inputs_shape, dtype=dtype)
        count = self._mask_count
        out = []
        for m in (self.get_dropout_mask_for_cell(probe, training, count),
                  self.get_recurrent_dropout_mask_for_cell(probe, training, count)):
            out.extend([] if m is None else m if isinstance(m, list) else [m])
        return out

    def _bind_masks(self, flat):
        """Installs masks (scan tensors) in the order `_prepare_masks` returned them."""
        state = self._mask_state()
        flat = list(flat)
        count = self._mask_count
        for i in (0, 1):
            if state[i] is not None:
                taken, flat = flat[:count], flat[count:]
                state[i] = taken[0] if count == 1 else taken

    def _clear_masks(self):
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()
