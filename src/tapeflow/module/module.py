"""`tf.Module`: a named container of Variables and other Modules, found through attributes.

`variables`, `trainable_variables` and `submodules` walk the module's attributes
in sorted name order, looking inside lists, tuples and dicts (dict keys sorted,
as `tf.nest` does), each object once; a module's own values come before those
of its submodules, which are visited in the order they were found (TF's order).

>>> import tapeflow as tf
>>> class Dense(tf.Module):
...     def __init__(self, n_in, n_out, name=None):
...         super().__init__(name=name)
...         with self.name_scope:
...             self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
...             self.b = tf.Variable(tf.zeros([n_out]), name="b")
...     def __call__(self, x):
...         return tf.matmul(x, self.w) + self.b
>>> d = Dense(3, 2, name="dense")
>>> [v.name for v in d.trainable_variables]
['dense/b:0', 'dense/w:0']
"""
import collections
import functools
import re

from ..framework.name_scope import name_scope
from ..framework.variables import Variable

__all__ = ["Module"]

_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\\-]*$")


def _camel_to_snake(name):
    return _CAMEL.sub(r"_\1", name).lower()


def _is_variable(obj):
    return isinstance(obj, Variable)


def _is_trainable_variable(obj):
    return isinstance(obj, Variable) and obj.trainable


def _is_module(obj):
    return isinstance(obj, Module)


def _leaves_with_paths(value, path):
    """(path, leaf) for `value`: lists/tuples by index, dicts by sorted key; composites
    (RaggedTensor, SparseTensor) expand to their component tensors."""
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _leaves_with_paths(v, path + (i,))
    elif isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:
            keys = list(value)
        for k in keys:
            yield from _leaves_with_paths(value[k], path + (k,))
    elif hasattr(value, "_to_components") and not isinstance(value, Module):
        for i, c in enumerate(value._to_components()):
            yield path + (i,), c
    else:
        yield path, value


class Module:
    """Base class of models and layers built from Variables (`tf.Module`).

    >>> import tapeflow as tf
    >>> m = Module(name="m"); m.v = tf.Variable(1.0); len(m.variables)
    1
    """

    # Attributes `_flatten` never looks into (subclasses extend this set).
    _TF_MODULE_IGNORED_PROPERTIES = frozenset(("_self_name_scope", "_self_name"))

    def __init__(self, name=None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not valid_identifier(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be "
                             "valid Python identifiers (e.g. a valid class name).")
        self._self_name = name
        with name_scope(name) as scope:
            self._self_name_scope = name_scope(scope)

    @property
    def name(self):
        """The module's name (the class name in snake_case by default)."""
        return self.__dict__.get("_self_name") or _camel_to_snake(type(self).__name__)

    @property
    def name_scope(self):
        """A `tf.name_scope` to create this module's variables under: `with m.name_scope:`."""
        scope = self.__dict__.get("_self_name_scope")
        if scope is None:
            scope = name_scope(self.name + "/")
        return scope

    @property
    def variables(self):
        """Every Variable of this module and its submodules, each once (a tuple)."""
        return tuple(self._flatten(predicate=_is_variable, expand_composites=True))

    @property
    def trainable_variables(self):
        """The `trainable` Variables of this module and its submodules (a tuple)."""
        return tuple(self._flatten(predicate=_is_trainable_variable, expand_composites=True))

    @property
    def non_trainable_variables(self):
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and not v.trainable,
                                   expand_composites=True))

    @property
    def submodules(self):
        """Every Module reachable from this one through attributes (not itself).

        >>> a = Module(); b = Module(); c = Module(); a.b = b; b.c = c
        >>> list(a.submodules) == [b, c]
        True
        """
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(self, recursive=True, predicate=None, attribute_traversal_key=None,
                 with_path=False, expand_composites=False):
        """Values in this module (and submodules if `recursive`) matching `predicate`.

        With `with_path`, yields `(path, value)` with paths such as `('layers', 0, 'w')`;
        without it each object is yielded once.
        """
        predicate = predicate or (lambda _: True)
        return _flatten_module(self, recursive, predicate, attribute_traversal_key,
                               frozenset(self._TF_MODULE_IGNORED_PROPERTIES), with_path,
                               (), {id(self)}, [])

    @classmethod
    def with_name_scope(cls, method):
        """Decorates a method so that it runs inside the module's name scope.

        >>> import tapeflow as tf
        >>> class M(Module):
        ...     @Module.with_name_scope
        ...     def make(self):
        ...         return tf.Variable(1.0, name="v")
        >>> M(name="m").make().name
        'm/v:0'
        """
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapped

    def _trackable_children(self):
        """Ordered `{attribute: value}` of the attributes holding Variables or Modules
        (directly or in lists/tuples/dicts): what `tf.train.Checkpoint` saves."""
        out = collections.OrderedDict()
        for key in sorted(vars(self)):
            if key in self._TF_MODULE_IGNORED_PROPERTIES:
                continue
            value = vars(self)[key]
            if any(_is_variable(x) or _is_module(x) or hasattr(x, "_serialize_to_tensors")
                   for _, x in _leaves_with_paths(value, ())):
                out[key] = value
        return out

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>"


def _flatten_module(module, recursive, predicate, key, ignored, with_path, module_path, seen,
                    stack):
    """TF's walk: own attributes (sorted) first, then each submodule found, depth first."""
    values = vars(module)
    submodules = []
    if id(module) in stack:
        recursive = False
    names = sorted(values, key=key) if key is not None else sorted(values)
    for name in names:
        if name in ignored:
            continue
        for leaf_path, leaf in _leaves_with_paths(values[name], (name,)):
            if not with_path:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (module_path + leaf_path, leaf) if with_path else leaf
            if recursive and _is_module(leaf):
                submodules.append((module_path + leaf_path, leaf))
    stack.append(id(module))
    for path, sub in submodules:
        sub_ignored = frozenset(sub._TF_MODULE_IGNORED_PROPERTIES)
        yield from _flatten_module(sub, recursive, predicate, key, sub_ignored, with_path,
                                   path, seen, stack)
    stack.pop()


def valid_identifier(name):
    return bool(_VALID_NAME.match(name))
