"""Discretization: buckets numeric values by boundaries (given or adapted as quantiles).

Value `x` goes to bucket `i` when `boundaries[i-1] <= x < boundaries[i]`.

>>> from tapeflow import keras
>>> layer = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
>>> layer([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]).numpy()
array([[0, 2, 3, 1],
       [1, 3, 2, 1]])
"""
import numpy as np

import tapeflow as tf

from .category_encoding import encode_categorical
from .preprocessing_layer import PreprocessingLayer, check_output_mode

__all__ = ["Discretization"]


def _summarize(values, epsilon):
    """A (2, k) quantile summary (values, weights): every `n * epsilon`-th sorted value."""
    values = np.sort(values)
    step_f = np.float32(values.size) / np.float32(1.0 / epsilon)
    increment = int(step_f)
    step = max(increment, 1)
    kept = values[increment::step]
    return np.stack([kept, np.full(kept.shape, step, np.float32)]).astype(np.float32)


def _compress(summary, epsilon):
    """Resamples a summary at the quantiles epsilon, 2 epsilon, ..., 1 (when it has more
    than 1 / epsilon points), interpolating values and weights."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    cum_percents = cum / cum[-1]
    bins = np.interp(percents, cum_percents, summary[0])
    cum = np.interp(percents, cum_percents, cum)
    weights = cum - np.concatenate([[0.0], cum[:-1]])
    return np.stack([bins, weights]).astype(np.float32)


_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(PreprocessingLayer):
    """`bin_boundaries` (sorted) or `num_bins` learned by `adapt`: approximate quantiles
    from per-batch summaries merged and compressed at `epsilon`, as TF computes them."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        if "bins" in kwargs:  # the TF 2.4 name
            bin_boundaries = kwargs.pop("bins")
        dtype = kwargs.pop("dtype", None)
        super().__init__(dtype=dtype or ("int64" if output_mode == "int" else "float32"),
                         **kwargs)
        check_output_mode(self.name, output_mode, _MODES)
        if sparse and output_mode == "int":
            raise ValueError(f"Layer {self.name}: `sparse` may only be true if `output_mode` "
                             f"is 'one_hot', 'multi_hot', or 'count'. Received: sparse={sparse}"
                             f" and output_mode={output_mode!r}")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Layer {self.name}: `num_bins` must be greater than or equal to "
                             f"0. Received: num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Layer {self.name}: both `num_bins` and `bin_boundaries` should "
                             f"not be set. Received: num_bins={num_bins} and bin_boundaries="
                             f"{bin_boundaries}")
        if bin_boundaries is not None:
            b = [float(v) for v in np.asarray(bin_boundaries).reshape(-1)]
            if any(x > y for x, y in zip(b, b[1:])):
                raise ValueError(f"Layer {self.name}: `bin_boundaries` must be sorted. "
                                 f"Received: bin_boundaries={b}")
            bin_boundaries = b
        self.bin_boundaries = bin_boundaries
        self.num_bins, self.epsilon = num_bins, epsilon
        self.output_mode, self.sparse = output_mode, sparse
        self._is_adapted = bin_boundaries is not None

    _default_adapt_batch = 32  # TF adapts arrays in batches of 32; summaries depend on it

    def reset_state(self):
        self._summary = None

    def update_state(self, data):
        if self.num_bins is None:
            raise ValueError(f"Layer {self.name}: `adapt` needs `num_bins`; it was built with "
                             f"bin_boundaries={self.bin_boundaries}.")
        a = np.asarray(data)
        if a.dtype == object or a.dtype.kind in "SU":
            raise ValueError(f"Layer {self.name} only accepts numeric inputs; received string "
                             "data.")
        summary = _summarize(a.astype(np.float32).reshape(-1), self.epsilon)
        if self._summary is not None:
            merged = np.concatenate([self._summary, summary], axis=1)
            summary = _compress(merged[:, np.argsort(merged[0], kind="stable")], self.epsilon)
        self._summary = summary

    def finalize_state(self):
        self.bin_boundaries = [float(v) for v in
                               _compress(self._summary, 1.0 / self.num_bins)[0, :-1]]

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Layer {self.name} has no bin boundaries: call `adapt()` first "
                             "or pass `bin_boundaries`.")
        x = tf.cast(inputs, "float64") if inputs.dtype != tf.float64 else inputs
        bounds = tf.constant(self.bin_boundaries or [np.inf], "float64")
        ids = tf.reduce_sum(tf.cast(tf.expand_dims(x, -1) >= bounds, "int64"), axis=-1)
        if not self.bin_boundaries:
            ids = tf.zeros_like(ids)
        return encode_categorical(ids, self.output_mode, len(self.bin_boundaries) + 1,
                                  self._dtype, self.sparse, layer_name=self.name)

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries,
                "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse}
