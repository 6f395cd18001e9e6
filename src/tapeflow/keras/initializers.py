"""`keras.initializers`: callables `init(shape, dtype)` returning a weight's first value.

>>> from tapeflow import keras
>>> keras.initializers.Constant(2.0)((2,)).numpy()
array([2., 2.], dtype=float32)

A seeded initializer gives the same values at every call; an unseeded one
draws from tapeflow's global random state (`tf.random.set_seed`).
"""
import math

import numpy as np

import tapeflow as tf

from . import backend
from ._lookup import deserialize_object, lookup, serialize_object

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform",
           "HeNormal", "LecunUniform", "LecunNormal", "Orthogonal", "Identity", "get",
           "serialize", "deserialize", "zeros", "ones", "constant", "random_normal",
           "random_uniform", "truncated_normal", "variance_scaling", "glorot_uniform",
           "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
           "orthogonal", "identity", "zeros_initializer", "ones_initializer",
           "constant_initializer", "random_normal_initializer", "random_uniform_initializer",
           "truncated_normal_initializer", "glorot_uniform_initializer",
           "glorot_normal_initializer", "variance_scaling_initializer"]


def _dtype(dtype):
    return tf.as_dtype(dtype or backend.floatx())


def _float_dtype(dtype, name):
    d = _dtype(dtype)
    if not d.is_floating:
        raise ValueError(f"Expected floating point type for {name}, got {d.name}.")
    return d


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None)` and `get_config`."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise TypeError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<keras.initializers.{type(self).__name__}>"


class Zeros(Initializer):
    """All zeros. `Zeros()((2,)) -> [0., 0.]`."""

    def __call__(self, shape, dtype=None, **kwargs):
        return tf.zeros(shape, _dtype(dtype))


class Ones(Initializer):
    """All ones. `Ones()((2,)) -> [1., 1.]`."""

    def __call__(self, shape, dtype=None, **kwargs):
        return tf.ones(shape, _dtype(dtype))


class Constant(Initializer):
    """A constant (scalar, or an array of the weight's shape). `Constant(3.)((2,))`."""

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs):
        d = _dtype(dtype)
        v = np.asarray(self.value.numpy() if hasattr(self.value, "numpy") else self.value)
        return tf.constant(np.broadcast_to(v, tuple(shape)).astype(d.as_numpy_dtype), dtype=d)

    def get_config(self):
        v = self.value
        return {"value": v.tolist() if isinstance(v, np.ndarray) else v}


class _Random(Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def _seed(self):
        return [int(self.seed), 0]

    def _normal(self, shape, mean, stddev, dtype):
        if self.seed is None:
            return tf.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype)
        return tf.random.stateless_normal(shape, seed=self._seed(), mean=mean, stddev=stddev,
                                          dtype=dtype)

    def _uniform(self, shape, minval, maxval, dtype):
        if self.seed is None:
            return tf.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype)
        return tf.random.stateless_uniform(shape, seed=self._seed(), minval=minval,
                                           maxval=maxval, dtype=dtype)

    def _truncated(self, shape, mean, stddev, dtype):
        if self.seed is None:
            return tf.random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype)
        return tf.random.stateless_truncated_normal(shape, seed=self._seed(), mean=mean,
                                                    stddev=stddev, dtype=dtype)


class RandomNormal(_Random):
    """Normal samples, mean 0 and stddev 0.05 by default."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, **kwargs):
        return self._normal(shape, self.mean, self.stddev, _float_dtype(dtype, "RandomNormal"))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Random):
    """Uniform samples in [minval, maxval), [-0.05, 0.05) by default."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None, **kwargs):
        return self._uniform(shape, self.minval, self.maxval, _dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_Random):
    """Normal samples redrawn beyond two standard deviations."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, **kwargs):
        return self._truncated(shape, self.mean, self.stddev,
                               _float_dtype(dtype, "TruncatedNormal"))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _fans(shape):
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Random):
    """Samples scaled to the weight's fan: stddev = sqrt(scale / n).

    mode: 'fan_in' | 'fan_out' | 'fan_avg'; distribution: 'truncated_normal' |
    'untruncated_normal' | 'uniform'.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"`scale` must be positive float. Received: scale={scale}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("Invalid `mode` argument: expected one of {'fan_in', 'fan_out', "
                             f"'fan_avg'}}. Received: mode={mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError("Invalid `distribution` argument: expected one of {'uniform', "
                             "'truncated_normal', 'untruncated_normal'}. Received: "
                             f"distribution={distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None, **kwargs):
        d = _float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        var = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return self._truncated(shape, 0.0, math.sqrt(var) / 0.87962566103423978, d)
        if self.distribution == "untruncated_normal":
            return self._normal(shape, 0.0, math.sqrt(var), d)
        limit = math.sqrt(3.0 * var)
        return self._uniform(shape, -limit, limit, d)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _preset(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                        "Uniform in ±sqrt(6 / (fan_in + fan_out)) (Dense's default kernel).")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                       "Truncated normal, stddev sqrt(2 / (fan_in + fan_out)).")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform", "Uniform in ±sqrt(6 / fan_in).")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                   "Truncated normal, stddev sqrt(2 / fan_in).")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform",
                       "Uniform in ±sqrt(3 / fan_in).")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "Truncated normal, stddev sqrt(1 / fan_in).")


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times `gain`, from the QR of a normal sample."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        d = _float_dtype(dtype, "Orthogonal")
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = np.asarray(self._normal(flat, 0.0, 1.0, tf.float64).numpy())
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return tf.constant((self.gain * q).reshape(shape).astype(d.as_numpy_dtype), dtype=d)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        d = _dtype(dtype)
        return tf.constant((self.gain * np.eye(*shape)).astype(d.as_numpy_dtype), dtype=d)

    def get_config(self):
        return {"gain": self.gain}


# snake-case names (keras) and TF 2's `tf.*_initializer` names
zeros = zeros_initializer = Zeros
ones = ones_initializer = Ones
constant = constant_initializer = Constant
random_normal = random_normal_initializer = RandomNormal
random_uniform = random_uniform_initializer = RandomUniform
truncated_normal = truncated_normal_initializer = TruncatedNormal
variance_scaling = variance_scaling_initializer = VarianceScaling
glorot_uniform = glorot_uniform_initializer = GlorotUniform
glorot_normal = glorot_normal_initializer = GlorotNormal
he_uniform, he_normal = HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
orthogonal, identity = Orthogonal, Identity

_TABLE = {c.__name__: c for c in (Zeros, Ones, Constant, RandomNormal, RandomUniform,
                                  TruncatedNormal, VarianceScaling, GlorotUniform, GlorotNormal,
                                  HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal,
                                  Identity)}
_TABLE.update({backend.to_snake_case(k): v for k, v in list(_TABLE.items())})
_TABLE.update({"uniform": RandomUniform, "normal": RandomNormal})


def get(identifier):
    """A name ('glorot_uniform'), a config dict, or a callable -> an initializer.

    >>> get("zeros")((2,)).numpy()
    array([0., 0.], dtype=float32)
    """
    return lookup("initializer", _TABLE, identifier)


def serialize(initializer):
    return serialize_object(initializer)


def deserialize(config):
    return deserialize_object("initializer", _TABLE, config)
