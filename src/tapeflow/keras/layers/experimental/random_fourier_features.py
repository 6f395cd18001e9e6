"""RandomFourierFeatures: cos(x @ W / scale + b), a random feature map approximating a kernel.

With `W` sampled once (Gaussian for the RBF kernel, Cauchy for the Laplacian
kernel) and `b ~ U[0, 2 pi)`, `sqrt(2 / output_dim) * features(x) .
features(y)` approximates the shift-invariant kernel k(x - y) (Rahimi & Recht,
2007). `W` and `b` are never trained; the scalar `kernel_scale` (the kernel
width, initially `scale`) is trainable when `trainable=True`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.experimental.RandomFourierFeatures(8, scale=1.0)
>>> layer(tf.ones((2, 3))).shape
TensorShape([2, 8])
"""
import math

import tapeflow as tf

from ... import constraints, initializers
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["RandomFourierFeatures"]

_KERNELS = ("gaussian", "laplacian")


class _RandomCauchy(initializers.Initializer):
    """Standard Cauchy samples: tan(pi * (u - 1/2)) with u uniform in (0, 1)."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None, **kwargs):
        u = initializers.RandomUniform(0.0, 1.0, seed=self.seed)(shape, dtype=dtype)
        return tf.tan(math.pi * (u - 0.5))

    def get_config(self):
        return {"seed": self.seed}


class RandomFourierFeatures(Layer):
    """Maps (batch, input_dim) to (batch, output_dim) random Fourier features.

    `kernel_initializer` is 'gaussian', 'laplacian' or an initializer for the
    unscaled kernel; `scale` defaults to sqrt(input_dim / 2) for 'gaussian'
    and 1.0 otherwise.
    """

    def __init__(self, output_dim, kernel_initializer="gaussian", scale=None,
                 trainable=False, name=None, **kwargs):
        if output_dim <= 0:
            raise ValueError("`output_dim` should be a positive integer. Received: "
                             f"output_dim={output_dim}")
        if isinstance(kernel_initializer, str) and kernel_initializer.lower() not in _KERNELS:
            raise ValueError(f"Unsupported `kernel_initializer`: {kernel_initializer} "
                             f"Expected one of: {list(_KERNELS)}")
        if scale is not None and scale <= 0.0:
            raise ValueError("When provided, `scale` should be a positive float. Received: "
                             f"scale={scale}")
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.output_dim = output_dim
        self.kernel_initializer = kernel_initializer
        self.scale = scale
        self.input_spec = InputSpec(ndim=2)

    def _unscaled_initializer(self):
        if not isinstance(self.kernel_initializer, str):
            return initializers.get(self.kernel_initializer)
        if self.kernel_initializer.lower() == "gaussian":
            return initializers.RandomNormal(stddev=1.0)
        return _RandomCauchy()

    def build(self, input_shape):
        input_dim = tf.TensorShape(input_shape)[-1]
        if input_dim is None:
            raise ValueError("The last dimension of the inputs to `RandomFourierFeatures` "
                             f"should be defined. Found `None`. Received: "
                             f"input_shape={input_shape}")
        self.input_spec = InputSpec(ndim=2, axes={1: input_dim})
        self.unscaled_kernel = self.add_weight(
            "unscaled_kernel", shape=(input_dim, self.output_dim),
            initializer=self._unscaled_initializer(), trainable=False)
        self.bias = self.add_weight(
            "bias", shape=(self.output_dim,),
            initializer=initializers.RandomUniform(0.0, 2 * math.pi), trainable=False)
        if self.scale is None:
            gaussian = isinstance(self.kernel_initializer, str) and \
                self.kernel_initializer.lower() == "gaussian"
            self.scale = math.sqrt(input_dim / 2.0) if gaussian else 1.0
        self.kernel_scale = self.add_weight(
            "kernel_scale", shape=(1,), initializer=initializers.Constant(self.scale),
            trainable=True, constraint=constraints.NonNeg())
        self.built = True

    def call(self, inputs):
        inputs = tf.cast(inputs, self.dtype)
        kernel = tf.convert_to_tensor(self.unscaled_kernel) / self.kernel_scale
        return tf.cos(tf.nn.bias_add(tf.matmul(inputs, kernel), self.bias))

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        if len(shape) != 2:
            raise ValueError(f"The rank of the input tensor to RandomFourierFeatures should be "
                             f"2. Received input with rank {len(shape)} instead.")
        return tf.TensorShape([shape[0], self.output_dim])

    def get_config(self):
        init = self.kernel_initializer
        if not isinstance(init, str):
            init = initializers.serialize(init)
        return {**super().get_config(), "output_dim": self.output_dim,
                "kernel_initializer": init, "scale": self.scale}
