"""keras.mixed_precision.Policy: the compute and variable dtypes of a layer.

A policy named after a dtype ('float32', 'float64', 'float16', 'bfloat16')
computes and stores variables in that dtype; 'mixed_float16' and
'mixed_bfloat16' compute in the 16-bit type and keep variables in float32.

>>> p = Policy("mixed_float16")
>>> p.compute_dtype, p.variable_dtype
('float16', 'float32')
>>> Policy("float32")
<Policy "float32">
"""
import tapeflow as tf
from .. import backend

__all__ = ["Policy", "global_policy", "set_global_policy", "resolve"]

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_GLOBAL = [None]  # the policy set by set_global_policy, or None (floatx)


def _dtype_name(name):
    try:
        return tf.as_dtype(name).name
    except (TypeError, ValueError, KeyError):
        return None


class Policy:
    """A dtype policy: `name`, `compute_dtype`, `variable_dtype`."""

    def __init__(self, name):
        if isinstance(name, Policy):
            name = name.name
        if not isinstance(name, str):
            name = getattr(name, "name", name)
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, not a {type(name).__name__}. "
                            f"Received: name={name!r}")
        if name in _MIXED:
            compute, variable = _MIXED[name], "float32"
        elif name == "_infer":
            compute = variable = None
        else:
            compute = variable = _dtype_name(name)
            if compute is None:
                raise ValueError(f"Cannot convert value {name!r} to a mixed precision "
                                 "Policy. Valid policies include 'mixed_float16', "
                                 "'mixed_bfloat16', and the name of any dtype such as "
                                 "'float32'.")
        self._name, self._compute, self._variable = name, compute, variable

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype layers compute in (e.g. 'float16' for 'mixed_float16')."""
        return self._compute

    @property
    def variable_dtype(self):
        """The dtype layer variables are created in (float32 for the mixed policies)."""
        return self._variable

    def __repr__(self):
        return f'<Policy "{self._name}">'

    def __eq__(self, other):
        return isinstance(other, Policy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    @property
    def is_mixed(self):
        """True when variables and computations use different dtypes."""
        return self._compute != self._variable

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def global_policy():
    """The policy layers get when created without `dtype` (default: `floatx()`).

    >>> global_policy()
    <Policy "float32">
    """
    if _GLOBAL[0] is not None:
        return _GLOBAL[0]
    return Policy(backend.floatx())


def set_global_policy(policy):
    """Sets the policy of layers created from now on ('mixed_float16', 'float32', ...).

    `None` goes back to the default (a policy named after `keras.backend.floatx()`).

    >>> set_global_policy("mixed_bfloat16"); global_policy().compute_dtype
    'bfloat16'
    >>> set_global_policy(None); global_policy().name
    'float32'
    """
    if policy is None:
        _GLOBAL[0] = None
        return
    policy = resolve(policy)
    if not (tf.as_dtype(policy.variable_dtype).is_floating):
        raise ValueError("set_global_policy can only be used to set the global policy to "
                         "floating-point policies, such as \"float32\" and "
                         f"\"mixed_float16\", but got policy: {policy.name}")
    _GLOBAL[0] = policy


def resolve(dtype):
    """A Policy from a layer's `dtype` argument: None (the global policy), a Policy,
    a policy or dtype name, a DType, or a serialized policy dict."""
    if dtype is None:
        return global_policy()
    if isinstance(dtype, Policy):
        return dtype
    if isinstance(dtype, dict):  # {"class_name": "Policy"/"DTypePolicy", "config": {...}}
        return Policy(dtype.get("config", {}).get("name", "float32"))
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        return Policy(dtype.name)
    return Policy(dtype)
