"""Converting functions: source -> AST rewrite -> a new function with the same closure.

The rewritten code is compiled under the original file name with the original
line numbers, so tracebacks and error messages point at the user's source
(the "source map" is the identity on lines). Conversion is cached per code
object; each function object gets its own copy bound to its own closure cells
and globals. Calls made by converted code go through `converted_call`, which
converts user functions recursively and calls library code (tapeflow, jax,
numpy, the standard library, site-packages) as it is.

>>> def f(x):
...     return -x if x < 0 else x
>>> convert(f)(-3)
3
"""
import ast
import functools
import inspect
import logging
import os
import sysconfig
import textwrap
import types
import weakref

from .status import STATUS
from .transformer import convert_function
from .operators import print_
from ..framework.context import current_trace

__all__ = ["convert", "converted_call", "do_not_convert", "is_convertible", "call_for_trace",
           "STATUS"]

_log = logging.getLogger("tapeflow")
_CODE_CACHE = {}  # code object -> (code of the converted function, source text)
_FN_CACHE = weakref.WeakKeyDictionary()  # function -> converted function
_USER_CODE = {}  # code object -> whether it is user code AutoGraph converts
_LIBRARY_PREFIXES = ("tapeflow", "jax", "jaxlib", "numpy", "scipy", "keras", "tensorflow",
                     "absl", "ml_dtypes", "opt_einsum", "h5py", "PIL", "_pytest", "pytest",
                     "pluggy", "importlib", "logging", "collections", "functools")
_DO_NOT_CONVERT = "__tapeflow_do_not_convert__"
_STDLIB = tuple(os.path.realpath(p) for p in {sysconfig.get_paths()["stdlib"],
                                                sysconfig.get_paths()["purelib"],
                                                sysconfig.get_paths()["platlib"]})




class ConversionError(Exception):
    """The source of a function could not be converted."""


def do_not_convert(func=None):
    """Marks a function to be called as-is by converted code (`tf.autograph.experimental`).

    >>> @do_not_convert
    ... def f(x):
    ...     return x
    >>> f(1)
    1
    """
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    setattr(wrapper, _DO_NOT_CONVERT, True)
    return wrapper


def _module_name(fn):
    return getattr(inspect.getmodule(fn), "__name__", None) or getattr(fn, "__module__", "") \
        or ""


def is_convertible(fn):
    """True for a user-written Python function (not library code, not marked as-is)."""
    if not isinstance(fn, types.FunctionType) or getattr(fn, _DO_NOT_CONVERT, False):
        return False
    code = fn.__code__
    known = _USER_CODE.get(code)
    if known is None:
        known = _USER_CODE[code] = _is_user_code(code, fn.__module__ or "")
    return known


def _is_user_code(code, module):
    if code.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE |
                        inspect.CO_ASYNC_GENERATOR):
        return False
    if module.split(".")[0] in _LIBRARY_PREFIXES:
        return False
    return not os.path.realpath(code.co_filename).startswith(_STDLIB)


def _source_tree(fn):
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError) as e:
        raise ConversionError(f"could not get the source code of {fn!r}: {e}") from None
    src = textwrap.dedent("".join(lines))
    if fn.__name__ == "<lambda>":
        return _lambda_tree(fn, src, first)
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        raise ConversionError(f"could not parse the source code of {fn!r}: {e}") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        raise ConversionError(f"{fn!r} is not defined by a plain `def` statement.")
    ast.increment_lineno(tree, first - 1)
    return node


def _lambda_tree(fn, src, first):
    """A `def` equivalent to a lambda, found among the lambdas on its source lines."""
    tree = None
    for text in (src, src.strip().rstrip(",;"), "(" + src.strip().rstrip(",;") + ")"):
        try:
            tree = ast.parse(text)
            break
        except SyntaxError:
            continue
    if tree is None:
        raise ConversionError(f"could not parse the source line of {fn!r}.")
    code = fn.__code__
    want = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and
             [a.arg for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == want]
    if len(found) != 1:
        raise ConversionError(f"could not tell {fn!r} apart from other lambdas on its line.")
    lam = found[0]
    node = ast.FunctionDef(name="ag__lambda", args=lam.args, body=[ast.Return(value=lam.body)],
                           decorator_list=[], returns=None)
    ast.copy_location(node, lam)
    ast.copy_location(node.body[0], lam.body)
    ast.fix_missing_locations(node)
    ast.increment_lineno(node, first - 1)
    return node


def _transform(fn):
    """(module AST of the factory, converted source) for a function, cached by code object."""
    code = fn.__code__
    hit = _CODE_CACHE.get(code)
    if hit is not None:
        return hit
    node = _source_tree(fn)
    convert_function(node)
    freevars = [n for n in code.co_freevars]
    factory = ast.FunctionDef(
        name="ag__factory",
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg="ag__")] +
                           [ast.arg(arg=n) for n in freevars if n != "ag__"],
                           vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=[node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
        decorator_list=[], returns=None, lineno=node.lineno, col_offset=0)
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    _fix_ranges(module)
    compiled = compile(module, code.co_filename, "exec", dont_inherit=True)
    source = ast.unparse(node)
    _CODE_CACHE[code] = (compiled, source)
    if STATUS.verbosity >= 3:
        _log.info("AutoGraph converted %s:\n%s", fn.__qualname__, source)
    return compiled, source


def _fix_ranges(tree):
    """Generated nodes carry a statement's start line: make every range well-formed."""
    for n in ast.walk(tree):
        if getattr(n, "lineno", None) is None:
            continue
        if n.lineno < 1:
            n.lineno = 1
        if getattr(n, "end_lineno", None) is None or n.end_lineno < n.lineno:
            n.end_lineno = n.lineno
        if n.end_lineno == n.lineno and (getattr(n, "end_col_offset", None) is None or
                                         n.end_col_offset < n.col_offset):
            n.end_col_offset = n.col_offset


def _build(fn):
    from . import runtime  # lazy: runtime, the ag__ namespace, re-exports converted_call
    compiled, _ = _transform(fn)
    ns = {}
    exec(compiled, fn.__globals__, ns)  # noqa: S102 - code we generated from the user's source
    names = [n for n in fn.__code__.co_freevars if n != "ag__"]
    made = ns["ag__factory"](runtime, *([None] * len(names)))
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    ag_cell = types.CellType(runtime)
    closure = tuple(ag_cell if n == "ag__" else cells[n] for n in made.__code__.co_freevars)
    new = types.FunctionType(made.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                             closure)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__dict__.update(fn.__dict__)
    new.__qualname__ = fn.__qualname__
    new.__doc__ = fn.__doc__
    new.__wrapped__ = fn
    new.__tapeflow_converted__ = True
    return new


def convert(fn):
    """The converted version of a user function (itself when it cannot be converted)."""
    if isinstance(fn, types.MethodType):
        conv = convert(fn.__func__)
        return fn if conv is fn.__func__ else types.MethodType(conv, fn.__self__)
    if not isinstance(fn, types.FunctionType) and callable(fn) and not isinstance(fn, type):
        call = getattr(type(fn), "__call__", None)  # a callable object: its user __call__
        if isinstance(call, types.FunctionType) and is_convertible(call):
            return types.MethodType(convert(call), fn)
        return fn
    try:
        hit = _FN_CACHE.get(fn)
    except TypeError:  # not weak-referenceable
        hit = None
    if hit is not None:
        return hit
    if getattr(fn, "__tapeflow_converted__", False) or not is_convertible(fn):
        return fn
    try:
        new = _build(fn)
    except ConversionError as e:
        _log.warning("AutoGraph could not transform %s and will run it as-is. Cause: %s",
                     getattr(fn, "__qualname__", fn), e)
        new = fn
    _FN_CACHE[fn] = new
    return new


def source_of(fn):
    """The converted source text of a user function."""
    if isinstance(fn, types.MethodType):
        fn = fn.__func__
    fn = inspect.unwrap(fn, stop=lambda f: getattr(f, "__tapeflow_converted__", False))
    return _transform(fn)[1]


def converted_call(f, args, kwargs):
    """Calls `f(*args, **kwargs)`, converting `f` first when it is user code."""
    kwargs = kwargs or {}
    if f is print and STATUS.print_tensors:
        return print_(*args, **kwargs)
    target = _convertible_target(f)
    if target is None:
        return f(*args, **kwargs)
    return target(*args, **kwargs)


def _convertible_target(f):
    # A tf.function (function.Function) matches none of the cases below: it runs as itself.
    if getattr(f, _DO_NOT_CONVERT, False):
        return None
    if isinstance(f, types.FunctionType):
        conv = convert(f)
        return None if conv is f else conv
    if isinstance(f, types.MethodType) and isinstance(f.__func__, types.FunctionType):
        conv = convert(f.__func__)
        return None if conv is f.__func__ else types.MethodType(conv, f.__self__)
    if isinstance(f, functools.partial):
        inner = _convertible_target(f.func)
        return None if inner is None else functools.partial(inner, *f.args, **f.keywords)
    return None


def call_for_trace(method):
    """A Keras layer's bound `call` as a trace runs it: AutoGraph-converted when it is
    user code and a tf.function is tracing (as Keras converts `call`), else itself."""
    if current_trace() is None:
        return method
    return convert(method)


def for_function(fn, features=None):
    """What tf.function traces for `fn`: its converted version, with optional features on.

    `features` (experimental_autograph_options) turning on BUILTIN_FUNCTIONS
    makes `print` of tensors a `tf.print` while the converted code runs;
    ASSERT_STATEMENTS makes `assert` on a tensor a `tf.debugging.Assert` (TF
    2.15's default converts neither: such an `assert` asks for the tensor's
    Python truth value and fails while tracing).
    """
    conv = convert(fn)
    names = {getattr(f, "value", f) for f in (features if isinstance(features, (list, tuple))
                                              else [features]) if f is not None}
    on = {"print_tensors": bool(names & {"ALL", "BUILTIN_FUNCTIONS"}),
          "assert_tensors": bool(names & {"ALL", "ASSERT_STATEMENTS"})}
    if not any(on.values()):
        return conv

    @functools.wraps(fn)
    def with_features(*args, **kwargs):
        saved = {k: getattr(STATUS, k) for k in on}
        for k, v in on.items():
            setattr(STATUS, k, v or saved[k])
        try:
            return conv(*args, **kwargs)
        finally:
            for k, v in saved.items():
                setattr(STATUS, k, v)
    return with_features
