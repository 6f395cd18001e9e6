"""Bidirectional: runs a recurrent layer forwards and a copy backwards, then merges them.

`merge_mode` is "concat" (default), "sum", "mul", "ave" or None (a list of the
two outputs). The backward copy runs with `go_backwards` flipped; with
`return_sequences` its outputs are re-reversed so both line up in time.
`initial_state` is split in half (forward states first); with `return_state`
the forward states then the backward states follow the output.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True))
>>> layer(tf.ones((2, 5, 4))).shape
TensorShape([2, 5, 6])
"""
import copy

import tapeflow as tf

from .... import nest
from ..layer import Layer
from .ragged_inputs import call_on_ragged
from ...saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["Bidirectional"]

_MODES = ("sum", "mul", "ave", "concat", None)
_SAME = ("return_sequences", "return_state", "stateful")


def _recreate(layer, **overrides):
    config = layer.get_config()
    config.update(overrides)
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNN layers (`layer`, optional `backward_layer`)."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `tf.keras.layers.Layer` "
                             f"instance. Received: {backward_layer}")
        if merge_mode not in _MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should "
                             'be one of {"sum", "mul", "ave", "concat", None}')
        super().__init__(**kwargs)
        self.forward_layer = _recreate(layer, name="forward_" + layer.name)
        if backward_layer is None:
            self.backward_layer = _recreate(layer, name="backward_" + layer.name,
                                            go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
        self._custom_backward = backward_layer is not None
        self._check_pair()
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        zero = self.return_sequences
        self.forward_layer.zero_output_for_mask = zero
        self.backward_layer.zero_output_for_mask = zero
        self.supports_masking = True
        self._initial_weights = weights

    def _check_pair(self):
        fw, bw = self.forward_layer, self.backward_layer
        if fw.go_backwards == bw.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value. Received: forward_layer.go_backwards="
                             f"{fw.go_backwards}, backward_layer.go_backwards="
                             f"{bw.go_backwards}")
        for a in _SAME:
            if getattr(fw, a) != getattr(bw, a):
                raise ValueError("Forward layer and backward layer are expected to have the "
                                 f'same value for attribute "{a}", got "{getattr(fw, a)}" for '
                                 f'forward layer and "{getattr(bw, a)}" for backward layer')

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=None, mask=None, initial_state=None, constants=None):
        if isinstance(inputs, tf.RaggedTensor):  # the backward outputs come back aligned
            return call_on_ragged(self.call, inputs, self.return_sequences, False, mask=mask,
                                  training=training, initial_state=initial_state,
                                  constants=constants)
        if isinstance(inputs, list) and len(inputs) > 1 and initial_state is None:
            inputs, initial_state = inputs[0], inputs[1:]
        fw_kw, bw_kw = {"training": training}, {"training": training}
        if mask is not None:
            m = mask[0] if isinstance(mask, (list, tuple)) else mask
            fw_kw["mask"] = bw_kw["mask"] = m
        if initial_state is not None:
            states = list(nest.flatten(initial_state))
            if len(states) % 2:
                raise ValueError(f"Layer {self.name}: `initial_state` must hold the forward "
                                 "states then the backward states (an even number); received "
                                 f"{len(states)} tensors.")
            half = len(states) // 2
            fw_kw["initial_state"], bw_kw["initial_state"] = states[:half], states[half:]
        if constants is not None:
            fw_kw["constants"] = bw_kw["constants"] = constants
        y = self.forward_layer(inputs, **fw_kw)
        y_rev = self.backward_layer(inputs, **bw_kw)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            axis = 0 if getattr(self.forward_layer, "time_major", False) else 1
            y_rev = tf.reverse(y_rev, [axis])
        output = self._merge(y, y_rev)
        if self.return_state:
            return (list(output) if self.merge_mode is None else [output]) + states
        return output

    def _merge(self, y, y_rev):
        mode = self.merge_mode
        if mode == "concat":
            return tf.concat([y, y_rev], -1)
        if mode == "sum":
            return y + y_rev
        if mode == "ave":
            return (y + y_rev) / 2
        if mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            n = len(self.forward_layer.states) + len(self.backward_layer.states)
            out = (out if self.merge_mode is None else [out]) + [None] * n
        return out

    def reset_states(self, states=None):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        half = len(states) // 2
        self.forward_layer.reset_states(states[:half])
        self.backward_layer.reset_states(states[half:])

    def get_config(self):
        layer_config = serialize_keras_object(self.forward_layer)
        config = {"merge_mode": self.merge_mode, "layer": layer_config}
        if self._custom_backward:
            config["backward_layer"] = serialize_keras_object(self.backward_layer)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_keras_object(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)
