"""`tf.data.Options`, `AUTOTUNE` and the cardinality constants.

>>> o = Options(); o.deterministic = False; o.deterministic
False
"""
__all__ = ["Options", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY",
           "ThreadingOptions", "OptimizationOptions", "DistributeOptions", "AutoShardPolicy",
           "SHARD_HINT"]

import threading

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
SHARD_HINT = -1  # `ds.shard(SHARD_HINT, SHARD_HINT)`: a strategy fills in (workers, index)

_ACTIVE = threading.local()  # the iterated pipeline's options (set while producing elements)


def active_options():
    """The Options of the pipeline being iterated on this thread, or None."""
    return getattr(_ACTIVE, "options", None)


def set_active_options(options):
    """Sets this thread's pipeline Options; returns the previous ones."""
    prev = getattr(_ACTIVE, "options", None)
    _ACTIVE.options = options
    return prev


class _OptionGroup:
    """A set of named options; unset options read as None (the default)."""

    _names = ()

    def __init__(self):
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        if name in type(self)._names:
            return self._values.get(name)
        raise AttributeError(f"{type(self).__name__} has no option {name!r}")

    def __setattr__(self, name, value):
        if name not in type(self)._names:
            raise AttributeError(f"Cannot set option {name!r} on {type(self).__name__}; "
                                 f"known options: {sorted(type(self)._names)}")
        sub = type(self)._groups().get(name)
        if sub is not None and not isinstance(value, sub):
            raise TypeError(f"{name} must be a {sub.__name__}")
        self._values[name] = value

    @classmethod
    def _groups(cls):
        return {}

    def merge(self, other):
        """A copy where options set in `other` override this one's."""
        res = type(self)()
        for src in (self, other):
            for k, v in src._values.items():
                if isinstance(v, _OptionGroup) and isinstance(res._values.get(k), _OptionGroup):
                    v = res._values[k].merge(v)
                res._values[k] = v
        return res

    def __eq__(self, other):
        return type(other) is type(self) and other._values == self._values

    def __repr__(self):
        return f"{type(self).__name__}({self._values})"


class ThreadingOptions(_OptionGroup):
    _names = ("max_intra_op_parallelism", "private_threadpool_size")


class OptimizationOptions(_OptionGroup):
    _names = ("apply_default_optimizations", "map_parallelization", "parallel_batch",
              "map_fusion", "filter_fusion", "noop_elimination", "shuffle_and_repeat_fusion",
              "map_and_batch_fusion", "map_and_filter_fusion", "inject_prefetch")


class AutoShardPolicy:
    OFF, AUTO, FILE, DATA, HINT = -1, 0, 1, 2, 3


class DistributeOptions(_OptionGroup):
    _names = ("auto_shard_policy", "num_devices")


class Options(_OptionGroup):
    """Dataset-wide options, attached with `dataset.with_options(options)`."""

    _names = ("deterministic", "threading", "experimental_optimization",
              "experimental_distribute", "experimental_slack", "autotune",
              "experimental_external_state_policy", "experimental_warm_start")

    @classmethod
    def _groups(cls):
        return {"threading": ThreadingOptions, "experimental_optimization": OptimizationOptions,
                "experimental_distribute": DistributeOptions}

    def __getattr__(self, name):
        groups = type(self)._groups()
        if name in groups:
            if name not in self._values:
                self._values[name] = groups[name]()
            return self._values[name]
        return super().__getattr__(name)


DEBUG_MODE = [False]  # tf.data.experimental.enable_debug_mode() sets it


def debug_mode():
    """Whether `tf.data.experimental.enable_debug_mode()` was called."""
    return DEBUG_MODE[0]
