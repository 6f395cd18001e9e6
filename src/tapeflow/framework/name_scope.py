"""`tf.name_scope`: a stack of names prefixed to the names of Variables created inside.

>>> import tapeflow as tf
>>> with tf.name_scope("outer"):
...     with tf.name_scope("inner") as scope:
...         v = tf.Variable(1.0, name="w")
>>> scope, v.name
('outer/inner/', 'outer/inner/w:0')
"""
import re
import threading

__all__ = ["name_scope", "current_scope", "scoped_name"]

_VALID = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")
_LOCAL = threading.local()


def _stack():
    s = getattr(_LOCAL, "stack", None)
    if s is None:
        s = _LOCAL.stack = [""]
    return s


def current_scope():
    """The active scope, e.g. `'outer/inner/'` ('' at top level)."""
    return _stack()[-1]


def scoped_name(name):
    """`name` under the active scope: `'outer/w'` inside `name_scope('outer')`."""
    return current_scope() + name


class name_scope:  # noqa: N801 - TF spells it lowercase
    """Opens a name scope; a name ending in '/' is taken as an absolute scope.

    >>> with name_scope("a") as s:
    ...     s
    'a/'
    """

    def __init__(self, name):
        if not isinstance(name, str):
            raise ValueError(f"name for name_scope must be a string; Received: name={name!r}")
        if name and not _VALID.match(name):
            raise ValueError(f"'{name}' is not a valid scope name. A scope name has to match "
                             f"the following pattern: {_VALID.pattern}")
        self._name = name
        self._scope = None

    @property
    def name(self):
        return self._name

    def __enter__(self):
        parent = current_scope()
        if not self._name:
            scope = ""
        elif self._name.endswith("/"):
            scope = self._name
        else:
            scope = parent + self._name + "/"
        self._scope = scope
        _stack().append(scope)
        return scope

    def __exit__(self, *exc):
        _stack().pop()
        return False
