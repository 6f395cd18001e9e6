"""`tf.autograph`: converts Python control flow on tensors into graph control flow.

`tf.function` converts the decorated function (and the user functions it
calls) before tracing: `if`/`while`/`for` whose condition or iterable is a
symbolic tensor become `tf.cond`/`tf.while_loop`; Python values keep Python
semantics. `print` stays Python's `print` (it runs while tracing), as in TF,
unless `experimental_autograph_options=Feature.BUILTIN_FUNCTIONS` (or
Feature.ALL) is given, which makes `print` of tensors a `tf.print`.

>>> import tapeflow as tf
>>> def f(x):
...     if x > 0:
...         x = x * 10
...     return x
>>> int(tf.autograph.to_graph(f)(tf.constant(2)))
20
"""
import enum as _enum
import logging as _logging

from .conversion import STATUS as _STATUS
from .conversion import convert as _convert
from .conversion import do_not_convert as _do_not_convert
from .conversion import source_of as _source_of

__all__ = ["to_graph", "to_code", "set_verbosity", "trace", "experimental"]


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """The converted version of a Python function or method (`tf.autograph.to_graph`).

    >>> def g(x):
    ...     return x if x > 0 else -x
    >>> to_graph(g)(-2)
    2
    """
    return _convert(entity)


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The source code of the converted function, as a string (`tf.autograph.to_code`).

    >>> def h(x):
    ...     while x > 0:
    ...         x -= 1
    ...     return x
    >>> "while_stmt" in to_code(h)
    True
    """
    return _source_of(entity)


def set_verbosity(level, alsologtostdout=False):
    """Sets how much AutoGraph logs (`tf.autograph.set_verbosity`); >= 3 logs converted code.

    >>> set_verbosity(0)
    """
    _STATUS.verbosity = int(level)
    _logging.getLogger("tapeflow").setLevel(_logging.INFO if level > 0 else _logging.WARNING)


def trace(*args):
    """Prints its arguments while tracing (`tf.autograph.trace`).

    >>> trace("tracing", 1)
    tracing 1
    """
    print(*args)


class _Feature(_enum.Enum):
    """Optional conversions (`tf.autograph.experimental.Feature`)."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


_Feature.__name__ = _Feature.__qualname__ = "Feature"


def _set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                     shape_invariants=None):
    """Options for the enclosing loop (`tf.autograph.experimental.set_loop_options`).

    AutoGraph reads this call statically at the top of a loop body; called
    directly it does nothing.

    >>> experimental.set_loop_options(maximum_iterations=3)
    """
    return None


class _Experimental:
    """`tf.autograph.experimental`."""

    do_not_convert = staticmethod(_do_not_convert)
    set_loop_options = staticmethod(_set_loop_options)
    Feature = _Feature


experimental = _Experimental()
