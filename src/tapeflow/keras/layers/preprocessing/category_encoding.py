"""CategoryEncoding: integer category ids -> one-hot, multi-hot or count vectors.

`encode_categorical` is shared with the lookup, hashing, discretization and text layers.

>>> from tapeflow import keras
>>> keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0]).numpy()
array([[0., 0., 0., 1.],
       [0., 0., 1., 0.],
       [1., 0., 0., 0.]], dtype=float32)
"""
import mmap
import threading

import jax
import numpy as np

import tapeflow as tf

from .preprocessing_layer import PreprocessingLayer, check_output_mode

__all__ = ["CategoryEncoding", "encode_categorical", "host_zeros"]

_MODES = ("one_hot", "multi_hot", "count")


def encode_categorical(inputs, output_mode, depth, dtype="float32", sparse=False,
                       count_weights=None, idf_weights=None, layer_name="layer"):
    """Integer ids (rank <= 2; -1 = dropped) -> `(batch, depth)` or `(depth,)` encodings."""
    if output_mode == "int":
        return tf.identity(tf.cast(inputs, dtype))
    x = tf.convert_to_tensor(inputs)
    original_shape = x.shape
    if x.shape.rank == 0:
        x = tf.expand_dims(x, -1)
    if output_mode == "one_hot" and x.shape[-1] != 1:
        x = tf.expand_dims(x, -1)
    if x.shape.rank > 2:
        raise ValueError(f"Layer {layer_name}: when output_mode is not 'int', the maximum "
                         f"supported output rank is 2. Received output_mode={output_mode!r} "
                         f"and input shape {original_shape}, which would result in output "
                         f"rank {x.shape.rank}.")
    rank1 = x.shape.rank == 1
    rows = tf.reshape(x, [1, -1]) if rank1 else x
    cw = None if count_weights is None else tf.cast(tf.convert_to_tensor(count_weights), dtype)
    out = _bincount(tf.cast(rows, "int64"), cw, depth, output_mode in ("one_hot", "multi_hot"),
                    dtype)
    if output_mode == "tf_idf":
        out = out * tf.cast(tf.reshape(idf_weights, [1, depth]), dtype)
    if rank1:
        out = tf.reshape(out, [depth])
    if sparse:
        return tf.sparse.from_dense(out)
    return out


@tf.function
def _bincount(rows, count_weights, depth, binary, dtype):
    """Per-row counts of ids in [0, depth) as `(rows, depth)`; one compiled program."""
    valid = tf.logical_and(rows >= 0, rows < depth)
    weights = tf.cast(valid, dtype)
    if count_weights is not None:
        weights = weights * tf.reshape(count_weights, tf.shape(rows))
    n = tf.shape(rows, out_type="int64")[0]
    row_ids = tf.broadcast_to(tf.reshape(tf.range(n), [-1, 1]), tf.shape(rows, out_type="int64"))
    cols = tf.where(valid, rows, tf.zeros_like(rows))
    index = tf.reshape(tf.stack([row_ids, cols], axis=-1), [-1, 2])
    out = tf.scatter_nd(index, tf.reshape(weights, [-1]),
                        tf.stack([n, tf.constant(depth, "int64")]))
    return tf.minimum(out, tf.ones_like(out)) if binary else out


_IDLE = []  # the last big buffer handed out, kept for reuse (at most one)
_IDLE_LOCK = threading.Lock()


def _unviewed(buffer):
    """True when no array views `buffer` any more (an mmap refuses to resize while
    views exist); False too where mmaps cannot resize (no mremap: macOS)."""
    try:
        buffer.resize(len(buffer))
    except (BufferError, OSError, SystemError, ValueError):
        return False
    return True


def host_zeros(shape, dtype=np.float32):
    """A zero-filled host array for big encodings (a dense `[batch, vocabulary]` output
    is gigabytes); small ones are `np.zeros`.

    Big buffers are anonymous `mmap`s: `np.zeros` marks them MADV_HUGEPAGE, and where
    the kernel compacts memory for such buffers (`transparent_hugepage/defrag=madvise`,
    the common default) a loaded machine stalls for seconds on the first writes. Like
    TF's allocator, the last buffer is kept: once no array views it any more, the next
    request of the same size gets it back zeroed in place (its pages are already
    mapped, so no page faults); a request of another size releases it.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if nbytes < 1 << 24:
        return np.zeros(shape, dtype)
    with _IDLE_LOCK:
        reused = None
        if _IDLE and len(_IDLE[0]) == nbytes and _unviewed(_IDLE[0]):
            reused = _IDLE[0]
        buffer = reused if reused is not None else mmap.mmap(-1, nbytes)
        _IDLE[:] = [buffer]
    out = np.frombuffer(buffer, dtype).reshape(shape)
    if reused is not None:
        out.fill(0)
    return out


def check_range(x, depth, layer_name):
    """Eager check that ids lie in [0, depth) (TF raises InvalidArgumentError); a traced
    value (inside tf.function) is not checked."""
    if isinstance(getattr(x, "_value", None), jax.core.Tracer):
        return
    a = np.asarray(x._value)
    if a.size and (a.min() < 0 or a.max() >= depth):
        raise tf.errors.InvalidArgumentError(
            None, None, f"Layer {layer_name}: input values must be in the range "
            f"0 <= values < num_tokens with num_tokens={depth}. Received: values in "
            f"[{a.min()}, {a.max()}]")


class CategoryEncoding(PreprocessingLayer):
    """`num_tokens` categories; `output_mode` one_hot, multi_hot or count; optional `sparse`.

    Call with `count_weights` (same shape as the input) to sum weights in count mode.
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        if output_mode == "binary":  # the TF 2.5 name of multi_hot
            output_mode = "multi_hot"
        super().__init__(**kwargs)
        check_output_mode(self.name, output_mode, _MODES)
        if num_tokens is None or int(num_tokens) < 1:
            raise ValueError(f"Layer {self.name}: `num_tokens` must be >= 1. Received: "
                             f"num_tokens={num_tokens}")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, sparse

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"Layer {self.name}: `count_weights` is only used when "
                             f"output_mode='count'. Received: output_mode={self.output_mode!r}")
        if not inputs.dtype.is_integer:
            inputs = tf.cast(inputs, "int64")
        check_range(inputs, self.num_tokens, self.name)
        return encode_categorical(inputs, self.output_mode, self.num_tokens, self._dtype,
                                  self.sparse, count_weights, layer_name=self.name)

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        if not shape:
            return tf.TensorShape([self.num_tokens])
        if self.output_mode == "one_hot" and shape[-1] != 1:
            return tf.TensorShape(shape + [self.num_tokens])
        return tf.TensorShape(shape[:-1] + [self.num_tokens])

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode, "sparse": self.sparse}
