"""The package floor order and the size of import circles, read from the source with ast.

framework < ops < autodiff < function < data < keras: a package may import
only from its own floor or below, at module top or inside functions. Also:
no private JAX outside framework/jax_compat.py, and no import circle of
more than 3 modules anywhere in tapeflow: every module, namespace packages
and the facade `tapeflow/__init__.py` included, imports inside functions and
`importlib.import_module("tapeflow...")` calls counted. The one exemption is
the facade's `__getattr__`: `tf.keras` is imported on first attribute access
(TF's `tf.keras` is lazy too), so keras may `import tapeflow as tf`.
Imports sit at module top; one left inside a function says why (`# lazy: <reason>`).
"""
import ast
import pathlib
import re

import tapeflow

ROOT = pathlib.Path(tapeflow.__file__).parent
FLOORS = ["framework", "ops", "autodiff", "function", "data", "keras"]
PEERS = {"autograph": "function"}  # tf.function's source converter shares its floor
# Modules every floor may use: nest is dependency-free, config reads only the trace stack.
ANY_FLOOR = {"tapeflow.nest"}


def _module(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """(absolute module, line) for every tapeflow import in the file, anywhere in it."""
    mod = _module(path)
    pkg = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[:len(pkg) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if (ROOT.parent / sub.replace(".", "/")).with_suffix(".py").exists()
                       or (ROOT.parent / sub.replace(".", "/")).is_dir() else target), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno


def _dynamic_imports(path):
    """(module, line) for `importlib.import_module("...")` calls with literal names."""
    mod = _module(path)
    pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text())
    exempt = set()
    if path == ROOT / "__init__.py":
        exempt = {id(n) for f in tree.body if isinstance(f, ast.FunctionDef)
                  and f.name == "__getattr__" for n in ast.walk(f)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and id(node) not in exempt and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"):
            name = node.args[0].value
            yield (pkg + name if name.startswith(".") else name), node.lineno


def _package_graph():
    """module -> set of tapeflow modules it imports, over every file of the package."""
    files = sorted(ROOT.rglob("*.py"))
    modules = {_module(p) for p in files}
    modules |= {_module(d / "__init__.py") for d in ROOT.rglob("*") if d.is_dir()
                and d.name != "__pycache__"}  # namespace packages are nodes too
    graph = {m: set() for m in modules}
    for path in files:
        for target, _ in [*_imports(path), *_dynamic_imports(path)]:
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]  # `from m import name`: the module m
            if target in modules:
                graph[_module(path)].add(target)
    return graph


def _floor(module):
    parts = module.split(".")
    name = PEERS.get(parts[1], parts[1]) if len(parts) > 1 else None
    return FLOORS.index(name) if name in FLOORS else None


def _core_files():
    for floor in FLOORS[:4]:
        yield from sorted((ROOT / floor).rglob("*.py"))


def test_core_packages_import_only_their_floor_or_below():
    bad = []
    for path in _core_files():
        here = _floor(_module(path))
        for target, line in _imports(path):
            if not target.startswith("tapeflow") or target in ANY_FLOOR:
                continue
            there = _floor(target)
            if there is None or there > here:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert bad == [], "\n".join(bad)


def test_private_jax_only_in_jax_compat():
    bad = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
           if "jax._src" in p.read_text() and p.name != "jax_compat.py"]
    assert bad == []


def _circles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)
    for v in list(graph):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def test_no_import_circle_of_more_than_three_core_modules():
    graph = {}
    for path in _core_files():
        graph[_module(path)] = {t for t, _ in _imports(path)
                                if t.startswith("tapeflow.") and _floor(t) is not None}
    big = [sorted(c) for c in _circles(graph) if len(c) > 3]
    assert big == []


def test_no_import_circle_of_more_than_three_modules_anywhere():
    graph = _package_graph()
    big = [sorted(c) for c in _circles(graph) if len(c) > 3]
    assert big == [], "\n\n".join(
        f"{len(c)} modules: " + ", ".join(f"{m} -> {sorted(graph[m] & set(c))}" for m in c)
        for c in big)


def test_only_keras_and_examples_import_the_facade():
    """Packages the facade imports use the lower packages, never `import tapeflow`."""
    graph = _package_graph()
    bad = sorted(m for m, targets in graph.items() if "tapeflow" in targets
                 and m.split(".")[1:2] not in (["keras"], ["examples"]))
    assert bad == []




def _function_imports(path):
    """(line, text) of each tapeflow import inside a function, importlib ones included."""
    tree = ast.parse(path.read_text())
    seen = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(fn):
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, ast.ImportFrom):
                ours = node.level > 0 or (node.module or "").split(".")[0] == "tapeflow"
            elif isinstance(node, ast.Import):
                ours = any(a.name.split(".")[0] == "tapeflow" for a in node.names)
            else:
                ours = (isinstance(node, ast.Call) and node.args
                        and getattr(node.func, "attr", getattr(node.func, "id", None))
                        == "import_module" and isinstance(node.args[0], ast.Constant)
                        and str(node.args[0].value).startswith((".", "tapeflow")))
            if ours:
                yield node.lineno, node.end_lineno


def test_imports_inside_functions_say_why():
    """Imports sit at module top. One inside a function carries `# lazy: <reason>` on its
    line (or the line above): an optional package's module, the lazy `tf.keras`, or an
    import circle it breaks that can't be cut cheaply."""
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        lines = path.read_text().splitlines()
        for first, last in _function_imports(path):
            above = lines[first - 2].strip() if first > 1 else ""
            around = lines[first - 1:last] + ([above] if above.startswith("#") else [])
            if not any(re.search(r"#\s*lazy:\s*\S", line) for line in around):
                bad.append(f"{rel}:{first}: {lines[first - 1].strip()}")
    assert bad == [], "\n".join(bad)
