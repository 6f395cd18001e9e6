"""Eager RNN calls as ONE jitted program (input projection, transposes and the scan).

Eagerly, an RNN layer's call is a handful of ops around its recurrence op;
dispatching each from Python costs more than the whole computation compiled.
When nothing needs the individual ops (no tape records, no trace, no random
dropout masks, no stateful Variables to write), the layer's call is traced
once per input signature into a jitted function of the inputs and the
weights' values (the weights are bound to them while it traces) and every
later call is a single dispatch. Layers with built-in cells and the same
config share programs (a program reads only the weights bound to its
arguments, whichever layer traced it). Under a GradientTape the ordinary path runs,
so the tape sees the projection and the one Recurrence op.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.GRU(2)
>>> layer(tf.ones((1, 3, 4))).shape  # eager: one jitted call
TensorShape([1, 2])
"""
import collections

import jax

import tapeflow as tf

from .... import nest
from ....framework.context import current_trace
from ....framework.recording import recording_tapes
from ....framework.tensor import Tensor
from ....function.recurrent_ops import bind_variables, pack, template

__all__ = ["can_fuse", "fused_call"]

_PROGRAMS = collections.OrderedDict()  # least recently used first
_MAX_PROGRAMS = 64


def can_fuse(layer, inputs, mask, initial_state, constants, training):
    if current_trace() is not None or recording_tapes() or layer.stateful:
        return False
    if constants is not None or nest.is_nested(inputs) or not isinstance(inputs, Tensor):
        return False
    if training and any(getattr(c, "dropout", 0) or getattr(c, "recurrent_dropout", 0)
                        for c in _all_cells(layer.cell)):
        return False
    return all(isinstance(t, Tensor) for t in nest.flatten([mask, initial_state])
               if t is not None)


def _layer_key(layer):
    """Layers of one class and config (names aside) over built-in cells share a program:
    it only reads the weights bound to its arguments. Other layers get their own."""
    cell_key = _cell_key(layer.cell, hasattr(layer.cell, "_recur"))
    if cell_key is layer.cell:
        return layer
    flags = tuple(getattr(layer, a) for a in ("return_sequences", "return_state",
                                              "go_backwards", "unroll", "time_major",
                                              "zero_output_for_mask"))
    return type(layer), cell_key, flags


def _all_cells(cell):
    inner = getattr(cell, "cells", None)
    return [cell] if inner is None else [c for sub in inner for c in _all_cells(sub)]


def fused_call(layer, call, inputs, mask, initial_state, training):
    """`call(inputs, mask, initial_state, training)` as one cached jitted program."""
    weights = list(layer.cell.weights)
    init = None if initial_state is None else list(nest.flatten(initial_state))
    key = (_layer_key(layer), mask is None, None if init is None else len(init),
           bool(training))
    hit = _PROGRAMS.get(key)
    if hit is None:
        out_struct = {}

        def run(x, m, s, w):
            with bind_variables(weights, [Tensor(v) for v in w]):
                out = call(Tensor(x), None if m is None else Tensor(m),
                           None if s is None else [Tensor(v) for v in s], training)
            out_struct["t"] = template(out)
            return [tf.convert_to_tensor(t)._value for t in nest.flatten(out)]
        hit = _PROGRAMS[key] = (jax.jit(run), out_struct)
        if len(_PROGRAMS) > _MAX_PROGRAMS:
            _PROGRAMS.popitem(last=False)
    else:
        _PROGRAMS.move_to_end(key)
    fn, out_struct = hit
    values = fn(inputs._value, None if mask is None else tf.convert_to_tensor(mask)._value,
                None if init is None else [tf.convert_to_tensor(s)._value for s in init],
                [v._value for v in weights])
    return pack(out_struct["t"], values)


def _cell_key(cell, fast):
    """What a cell's step computes: its config for built-in cells (whose steps only read
    the weights bound to the recurrence's params), else the cell itself."""
    if not fast or not type(cell).__module__.startswith("tapeflow."):
        return cell
    config = dict(cell.get_config())
    config.pop("name", None)
    return type(cell), repr(sorted(config.items()))
