"""Static analysis of a function's AST for the control-flow converters.

For each `if`/`while`/`for` the converters need: the names the statement may
assign (they become the statement's state), the names read after it (a name
defined in only one branch is an error only when it is read later), and the
names a loop carries from one iteration to the next (read before being
assigned in the body, read by the test, or read after the loop).

>>> import ast
>>> sorted(assigned(ast.parse("a = 1\\nif c:\\n    b, d = 2, 3").body))
['a', 'b', 'd']
"""
import ast

__all__ = ["assigned", "loaded", "read_before_assigned", "annotate_liveness"]

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _walk(nodes, into_scopes=False):
    """Every node under `nodes`, not descending into nested scopes unless asked."""
    stack = list(nodes)[::-1]
    while stack:
        n = stack.pop()
        yield n
        if not into_scopes and isinstance(n, _SCOPES + _COMPREHENSIONS):
            continue
        stack.extend(list(ast.iter_child_nodes(n))[::-1])


def _target_names(t):
    if isinstance(t, ast.Name):
        return {t.id}
    if isinstance(t, (ast.Tuple, ast.List)):
        return set().union(*[_target_names(e) for e in t.elts]) if t.elts else set()
    if isinstance(t, ast.Starred):
        return _target_names(t.value)
    return set()  # attributes and subscripts mutate objects, they bind no name


def assigned(stmts):
    """Names that statements bind in the current scope (nested scopes excluded)."""
    out = set()
    for n in _walk(stmts):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                out |= _target_names(t)
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)):
            out |= _target_names(n.target)
        elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
            if not isinstance(n, ast.comprehension):
                out |= _target_names(n.target)
        elif isinstance(n, ast.withitem) and n.optional_vars is not None:
            out |= _target_names(n.optional_vars)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, ast.NamedExpr):
            out |= _target_names(n.target)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
    return out


def loaded(nodes):
    """Names read anywhere under `nodes`, nested functions included (closures read them)."""
    return {n.id for n in _walk(nodes, into_scopes=True)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def declared(stmts, kind):
    """Names declared `global` (kind=ast.Global) or `nonlocal` in a function body."""
    out = set()
    for n in _walk(stmts):
        if isinstance(n, kind):
            out |= set(n.names)
    return out


def _definitely_assigned(stmt):
    if isinstance(stmt, ast.If):
        return _seq_defined(stmt.body) & _seq_defined(stmt.orelse)
    if isinstance(stmt, (ast.While, ast.For, ast.AsyncFor, ast.Try)):
        return set()  # a loop may run zero times; a try may stop early
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return assigned([stmt])
    return assigned([stmt])


def _seq_defined(stmts):
    out = set()
    for s in stmts:
        out |= _definitely_assigned(s)
    return out


def read_before_assigned(stmts):
    """Names a statement list may read before it has assigned them (loop-carried reads)."""
    defined, reads = set(), set()
    for s in stmts:
        if isinstance(s, ast.AugAssign):
            reads |= _target_names(s.target) - defined
        reads |= loaded([s]) - defined
        defined |= _definitely_assigned(s)
    return reads


def annotate_liveness(stmts, after=frozenset()):
    """Sets `node._ag_live_out` on every statement: names possibly read after it.

    Over-approximates (a read after a redefinition counts), which only makes the
    "defined in one branch" check stricter for names that are redefined before use.
    """
    for i, s in enumerate(stmts):
        live = loaded(stmts[i + 1:]) | set(after)
        s._ag_live_out = live
        if isinstance(s, ast.If):
            annotate_liveness(s.body, live)
            annotate_liveness(s.orelse, live)
        elif isinstance(s, (ast.While, ast.For, ast.AsyncFor)):
            annotate_liveness(s.body, live | loaded([s]))
            annotate_liveness(s.orelse, live)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            annotate_liveness(s.body, live)
        elif isinstance(s, ast.Try):
            for block in [s.body, s.orelse, s.finalbody] + [h.body for h in s.handlers]:
                annotate_liveness(block, live)
