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

__all__ = ["Policy"]

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


def _dtype_name(name):
    try:
        d = tf.as_dtype(name)
    except (TypeError, ValueError, KeyError):
        return None
    return d.name if d.is_floating or d.is_integer or d.is_bool or d.is_complex else None


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

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
