"""The AST rewrite: Python control flow into calls of the `ag__` runtime operators.

Each `if`/`while`/`for` becomes local functions for its branches or body plus
`get_state`/`set_state` closures over the names it assigns; the runtime
(operators.py) runs them as Python control flow or as `tf.cond` /
`tf.while_loop`. `and`/`or`/`not`, conditional expressions, `assert` and
function calls are rewritten to `ag__` calls that do the same dispatch.
Generated nodes keep the line numbers of the statements they replace, so
tracebacks name the user's own lines.

>>> import ast
>>> fn = ast.parse("def f(x):\\n    if x > 0:\\n        x = -x\\n    return x").body[0]
>>> "ag__.if_stmt" in ast.unparse(convert_function(fn))
True
"""
import ast
import itertools

from . import analysis
from .lowering import lower_jumps

__all__ = ["convert_function"]

_NO_CONVERT_CALLS = {"super", "locals", "globals", "vars", "eval", "exec", "dir"}
_LOOP_OPTIONS = "set_loop_options"


def _name(n, store=False):
    return ast.Name(id=n, ctx=ast.Store() if store else ast.Load())


def _ag(attr):
    return ast.Attribute(value=_name("ag__"), attr=attr, ctx=ast.Load())


def _call(attr, *args, keywords=()):
    return ast.Call(func=_ag(attr), args=list(args), keywords=list(keywords))


def _strs(names):
    return ast.Tuple(elts=[ast.Constant(value=n) for n in names], ctx=ast.Load())


def _lambda(expr):
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                         kw_defaults=[], kwarg=None, defaults=[]), body=expr)


def _at(new, old):
    """Gives `new` and its unplaced sub-nodes the source position of `old`."""
    for n in ast.walk(new):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            ast.copy_location(n, old)
    return new


def _def(name, body, args=(), state=(), globals_=()):
    decls = []
    if state:
        decls.append(ast.Nonlocal(names=list(state)))
    if globals_:
        decls.append(ast.Global(names=list(globals_)))
    return ast.FunctionDef(
        name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=a) for a in args],
                                      vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                      defaults=[]),
        body=decls + (list(body) or [ast.Pass()]), decorator_list=[], returns=None,
)


class _ControlFlow(ast.NodeTransformer):
    """Rewrites one function body (nested function definitions are converted on their own)."""

    def __init__(self, params, user_globals, user_nonlocals, counter, first_param=None):
        self.params = params
        self.first_param = first_param
        self.globals = user_globals
        self.skip = user_globals | user_nonlocals
        self.counter = counter
        self.state_names = set()

    # -- helpers -----------------------------------------------------------------
    def _state(self, stmts):
        names = analysis.assigned(stmts) - self.skip
        names = sorted(n for n in names if not n.startswith("ag__"))
        self.state_names.update(names)
        return names

    def _globals_in(self, stmts):
        return sorted(analysis.assigned(stmts) & self.globals)

    def _accessors(self, k, state):
        get = _def(f"ag__get_state_{k}", [ast.Return(value=ast.Tuple(
            elts=[_name(n) for n in state], ctx=ast.Load()))])
        target = ast.Tuple(elts=[_name(n, True) for n in state], ctx=ast.Store())
        body = [ast.Assign(targets=[target], value=_name("ag__vals"))] if state else []
        setter = _def(f"ag__set_state_{k}", body, args=("ag__vals",), state=state)
        return [get, setter]

    def _stmt_call(self, node, attr, *args):
        return ast.Expr(value=_call(attr, *args))

    # -- nested scopes -------------------------------------------------------------
    def visit_FunctionDef(self, node):
        return convert_function(node, self.counter, nested=True)

    def visit_ClassDef(self, node):
        return node

    # -- statements ------------------------------------------------------------------
    def visit_If(self, node):
        state = self._state(node.body + node.orelse)
        glob = self._globals_in(node.body + node.orelse)
        live = sorted(set(state) & node._ag_live_out)
        self.generic_visit(node)
        k = next(self.counter)
        out = [_def(f"ag__if_body_{k}", node.body, state=state, globals_=glob),
               _def(f"ag__else_body_{k}", node.orelse, state=state, globals_=glob)]
        out += self._accessors(k, state)
        out.append(self._stmt_call(node, "if_stmt", node.test, _name(f"ag__if_body_{k}"),
                                   _name(f"ag__else_body_{k}"), _name(f"ag__get_state_{k}"),
                                   _name(f"ag__set_state_{k}"), _strs(state), _strs(live)))
        return _place(out, node)

    def _loop_options(self, node):
        """Pulls leading `set_loop_options(...)` calls out of a loop body into a dict."""
        keys, values = [], []
        while node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Call):
            f = node.body[0].value.func
            fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if fname != _LOOP_OPTIONS:
                break
            for kw in node.body.pop(0).value.keywords:
                keys.append(ast.Constant(value=kw.arg))
                values.append(kw.value)
        return ast.Dict(keys=keys, values=values)

    def _carried(self, node, state, test_nodes):
        reads = analysis.read_before_assigned(node.body) | analysis.loaded(test_nodes)
        return sorted(set(state) & (reads | node._ag_live_out))

    def _extra_test(self, node, k):
        tests = getattr(node, "_ag_extra_tests", [])
        if not tests:
            return None
        expr = ast.BoolOp(op=ast.And(), values=[ast.UnaryOp(op=ast.Not(), operand=_name(t))
                                                for t in tests]) if len(tests) > 1 else \
            ast.UnaryOp(op=ast.Not(), operand=_name(tests[0]))
        return _def(f"ag__extra_test_{k}", [ast.Return(value=self.visit(expr))])

    def visit_While(self, node):
        opts = self._loop_options(node)
        state = self._state(node.body)
        glob = self._globals_in(node.body)
        extra = getattr(node, "_ag_extra_tests", [])
        if extra:  # a break/return flag is checked before the user's test
            node.test = ast.BoolOp(op=ast.And(), values=[
                ast.UnaryOp(op=ast.Not(), operand=_name(t)) for t in extra] + [node.test])
        carried = self._carried(node, state, [node.test])
        self.generic_visit(node)
        k = next(self.counter)
        out = [_def(f"ag__loop_test_{k}", [ast.Return(value=node.test)]),
               _def(f"ag__loop_body_{k}", node.body, state=state, globals_=glob)]
        out += self._accessors(k, state)
        out.append(self._stmt_call(node, "while_stmt", _name(f"ag__loop_test_{k}"),
                                   _name(f"ag__loop_body_{k}"), _name(f"ag__get_state_{k}"),
                                   _name(f"ag__set_state_{k}"), _strs(state), _strs(carried),
                                   self.visit(opts)))
        out.extend(node.orelse)
        return _place(out, node)

    def visit_For(self, node):
        opts = self._loop_options(node)
        state = self._state(node.body + [ast.Assign(targets=[node.target],
                                                    value=ast.Constant(value=None))])
        glob = self._globals_in(node.body)
        flags = [_name(t) for t in getattr(node, "_ag_extra_tests", [])]
        bind_target = ast.Assign(targets=[node.target], value=ast.Constant(value=None))
        reads = analysis.read_before_assigned([bind_target] + node.body) | \
            analysis.loaded(flags)
        carried = sorted(set(state) & (reads | node._ag_live_out))
        self.generic_visit(node)
        k = next(self.counter)
        bind = ast.Assign(targets=[node.target], value=_name("ag__itr"))
        extra = self._extra_test(node, k)
        out = [extra] if extra is not None else []
        out += [_def(f"ag__loop_body_{k}", [bind] + node.body, args=("ag__itr",), state=state,
                     globals_=glob)]
        out += self._accessors(k, state)
        iter_ = node.iter
        if isinstance(iter_, ast.Call) and isinstance(iter_.func, ast.Attribute) and \
                iter_.func.attr == "converted_call":
            iter_.func.attr = "range_or_call"  # `for i in tf.range(n)` with a symbolic n
        out.append(self._stmt_call(
            node, "for_stmt", iter_,
            _name(f"ag__extra_test_{k}") if extra is not None else ast.Constant(value=None),
            _name(f"ag__loop_body_{k}"), _name(f"ag__get_state_{k}"),
            _name(f"ag__set_state_{k}"), _strs(state), _strs(carried), self.visit(opts)))
        out.extend(node.orelse)
        return _place(out, node)

    def visit_Assert(self, node):
        self.generic_visit(node)
        msg = _lambda(node.msg) if node.msg is not None else ast.Constant(value=None)
        return _at(ast.Expr(value=_call("assert_stmt", node.test, msg)), node)

    # -- expressions ------------------------------------------------------------------
    def visit_BoolOp(self, node):
        self.generic_visit(node)
        attr = "and_" if isinstance(node.op, ast.And) else "or_"
        return _at(_call(attr, *[_lambda(v) for v in node.values]), node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return _at(_call("not_", node.operand), node)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return _at(_call("if_exp", node.test, _lambda(node.body), _lambda(node.orelse)), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Name) and f.id == "super" and not node.args and self.first_param:
            # zero-argument super() needs the method's frame; generated functions are not it
            node.args = [_at(_name("__class__"), node), _at(_name(self.first_param), node)]
        if isinstance(f, ast.Name) and f.id in _NO_CONVERT_CALLS:
            return node
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and \
                f.value.id == "ag__":
            return node
        args = ast.Tuple(elts=node.args, ctx=ast.Load())
        if node.keywords:
            kwargs = ast.Dict(keys=[None if k.arg is None else ast.Constant(value=k.arg)
                                    for k in node.keywords],
                              values=[k.value for k in node.keywords])
        else:
            kwargs = ast.Constant(value=None)
        return _at(_call("converted_call", f, args, kwargs), node)


def _place(stmts, node):
    """Gives generated statements (and their unplaced parts) the line of `node` only."""
    line, col = node.lineno, node.col_offset
    for s in stmts:
        s.lineno = s.end_lineno = line
        s.col_offset = s.end_col_offset = col
        for n in ast.walk(s):
            if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
                n.lineno = n.end_lineno = line
                n.col_offset = n.end_col_offset = col
    return stmts


def _params(fn):
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return set(names)


def convert_function(fn, counter=None, nested=False):
    """Converts one FunctionDef node in place and returns it."""
    counter = counter or itertools.count(1)
    lower_jumps(fn)
    analysis.annotate_liveness(fn.body)
    user_globals = analysis.declared(fn.body, ast.Global)
    user_nonlocals = analysis.declared(fn.body, ast.Nonlocal)
    params = _params(fn)
    positional = fn.args.posonlyargs + fn.args.args
    cf = _ControlFlow(params, user_globals, user_nonlocals, counter,
                      positional[0].arg if positional else None)
    body = []
    for s in fn.body:
        r = cf.visit(s)
        body.extend(r if isinstance(r, list) else [r])
    fn.decorator_list = [cf.visit(d) for d in fn.decorator_list] if nested else []
    bind = [ast.copy_location(ast.Assign(targets=[_name(n, True)],
                                         value=_call("Undefined", ast.Constant(value=n))),
                              fn.body[0])
            for n in sorted(cf.state_names - params)]
    doc = body[:1] if body and isinstance(body[0], ast.Expr) and \
        isinstance(getattr(body[0], "value", None), ast.Constant) and \
        isinstance(body[0].value.value, str) else []
    fn.body = doc + bind + body[len(doc):]
    ast.fix_missing_locations(fn)
    return fn
