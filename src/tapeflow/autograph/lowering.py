"""Lowers `return`, `break` and `continue` inside control flow to flag variables.

A tensor-dependent `if` or loop becomes a function call, so jumps out of it
cannot stay Python jumps. As TF's AutoGraph does, each jump sets a flag
(`do_return`, `break__N`, `continue__N`), the statements after a possible jump
run under `if not flag:`, and loops stop when the flag is set (an extra loop
test). The control-flow converter then turns those `if`s into conds.

>>> import ast
>>> fn = ast.parse("def f(x):\\n    while x:\\n        break").body[0]
>>> lower_jumps(fn)
>>> "break__1 = True" in ast.unparse(fn)
True
"""
import ast
import itertools

from .analysis import _SCOPES

__all__ = ["lower_jumps"]

RETURN_FLAG, RETURN_VALUE = "do_return", "retval_"
_LOOPS = (ast.While, ast.For)


def _name(n, store=False):
    return ast.Name(id=n, ctx=ast.Store() if store else ast.Load())


def _assign(name, value):
    return ast.Assign(targets=[_name(name, True)], value=value, lineno=0)


def _not(name):
    return ast.UnaryOp(op=ast.Not(), operand=_name(name))


def _blocks(s):
    """The statement lists directly inside a compound statement, as (owner, attr) pairs."""
    out = [(s, a) for a in ("body", "orelse", "finalbody") if isinstance(getattr(s, a, None), list)]
    out += [(h, "body") for h in getattr(s, "handlers", [])]
    return out


def _contains(s, is_jump, into_loops):
    if is_jump(s):
        return True
    if isinstance(s, _SCOPES) or (isinstance(s, _LOOPS) and not into_loops):
        return False
    return any(_contains(c, is_jump, into_loops) for owner, a in _blocks(s)
               for c in getattr(owner, a))


def _guard(stmts, is_jump, replace, flag, into_loops):
    """Replaces jumps in a statement list; statements after a possible jump run under
    `if not flag:`."""
    out = []
    for i, s in enumerate(stmts):
        if is_jump(s):
            out.extend(ast.copy_location(r, s) for r in replace(s))
            return out
        jumps = _contains(s, is_jump, into_loops)
        if jumps:
            for owner, a in _blocks(s):
                setattr(owner, a, _guard(getattr(owner, a), is_jump, replace, flag, into_loops))
        out.append(s)
        rest = stmts[i + 1:]
        if rest and jumps:
            guard = ast.If(test=_not(flag), body=_guard(rest, is_jump, replace, flag, into_loops),
                           orelse=[])
            out.append(ast.copy_location(guard, rest[0]))
            return out
    return out


def _stop_loops(stmts, flag, is_jump):
    """Adds `not flag` to the test of every loop (at any depth) that holds a jump."""
    for s in stmts:
        if isinstance(s, _SCOPES):
            continue
        if isinstance(s, _LOOPS) and _contains(s, is_jump, True):
            s._ag_extra_tests = [flag] + getattr(s, "_ag_extra_tests", [])
            if s.orelse:
                s.orelse = [ast.copy_location(ast.If(test=_not(flag), body=s.orelse, orelse=[]),
                                              s.orelse[0])]
        for owner, a in _blocks(s):
            _stop_loops(getattr(owner, a), flag, is_jump)


def _lower_returns(fn):
    def nested(s):
        return not isinstance(s, ast.Return) and _contains(s, _is_return, True)
    if not any(nested(s) for s in fn.body):
        return
    _stop_loops(fn.body, RETURN_FLAG, _is_return)

    def replace(s):
        value = s.value if s.value is not None else ast.Constant(value=None)
        return [_assign(RETURN_FLAG, ast.Constant(value=True)), _assign(RETURN_VALUE, value)]
    body = _guard(fn.body, _is_return, replace, RETURN_FLAG, True)
    undefined = ast.Call(func=ast.Attribute(value=_name("ag__"), attr="UndefinedReturnValue",
                                            ctx=ast.Load()), args=[], keywords=[])
    ret = ast.Return(value=ast.Call(
        func=ast.Attribute(value=_name("ag__"), attr="retval", ctx=ast.Load()),
        args=[_name(RETURN_VALUE)], keywords=[]))
    head = [_assign(RETURN_FLAG, ast.Constant(value=False)), _assign(RETURN_VALUE, undefined)]
    fn.body = [ast.copy_location(h, fn.body[0]) for h in head] + body + \
        [ast.copy_location(ret, fn.body[-1])]


def _is_return(s):
    return isinstance(s, ast.Return)


def _lower_loops(stmts, counter):
    """break/continue of every loop in a statement list (innermost loops first)."""
    out = []
    for s in stmts:
        if isinstance(s, _SCOPES):
            out.append(s)
            continue
        for owner, a in _blocks(s):
            setattr(owner, a, _lower_loops(getattr(owner, a), counter))
        if isinstance(s, _LOOPS):
            out.extend(_lower_loop(s, counter))
        else:
            out.append(s)
    return out


def _lower_loop(loop, counter):
    pre = []
    if any(_contains(c, _is_continue, False) for c in loop.body):
        flag = f"continue__{next(counter)}"
        body = _guard(loop.body, _is_continue,
                      lambda s: [_assign(flag, ast.Constant(value=True))], flag, False)
        loop.body = [ast.copy_location(_assign(flag, ast.Constant(value=False)), loop)] + body
    if any(_contains(c, _is_break, False) for c in loop.body):
        flag = f"break__{next(counter)}"
        loop.body = _guard(loop.body, _is_break,
                           lambda s: [_assign(flag, ast.Constant(value=True))], flag, False)
        loop._ag_extra_tests = getattr(loop, "_ag_extra_tests", []) + [flag]
        if loop.orelse:
            loop.orelse = [ast.copy_location(ast.If(test=_not(flag), body=loop.orelse,
                                                    orelse=[]), loop.orelse[0])]
        pre.append(ast.copy_location(_assign(flag, ast.Constant(value=False)), loop))
    return pre + [loop]


def _is_break(s):
    return isinstance(s, ast.Break)


def _is_continue(s):
    return isinstance(s, ast.Continue)


def lower_jumps(fn):
    """Lowers the jumps of one FunctionDef in place (nested functions are left alone)."""
    _lower_returns(fn)
    fn.body = _lower_loops(fn.body, itertools.count(1))
    ast.fix_missing_locations(fn)
