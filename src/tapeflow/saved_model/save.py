"""tf.saved_model.save: a SavedModel directory with variables and compiled signatures.

Layout written (atomically: a temporary directory renamed into place):
- `saved_model.pb`: a SavedModel proto with one MetaGraphDef tagged "serve" and
  the SignatureDefs (input/output names, dtypes, shapes) — what `saved_model_cli
  show` and TF's proto parser read; it holds no TF GraphDef;
- `variables/variables.index` + `.data-00000-of-00001`: the object's checkpoint in
  TF's format (TF's `tf.train.load_checkpoint` / `Checkpoint.restore` read it);
- `assets/` (empty) and `assets.extra/tapeflow/`: each signature and each
  `tf.function` attribute with an `input_signature` as a serialized `jax.export`
  program (StableHLO) plus `manifest.json` naming inputs, outputs and the
  checkpoint keys of the variables the programs read.

>>> import os, tempfile, tapeflow as tf
>>> class Scale(tf.Module):
...     def __init__(self):
...         super().__init__(); self.w = tf.Variable(3.0)
...     @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
...     def __call__(self, x):
...         return x * self.w
>>> d = os.path.join(tempfile.mkdtemp(), "m"); save(Scale(), d)
>>> sorted(os.listdir(d))
['assets', 'assets.extra', 'saved_model.pb', 'variables']
"""
import json
import os
import shutil
import tempfile

from ..framework.variables import Variable
from ..train import checkpoint, trackable_graph
from . import export, protos

__all__ = ["save", "DEFAULT_SERVING_SIGNATURE_DEF_KEY", "SERVING"]

DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
SERVING = "serve"
EXTRA = os.path.join("assets.extra", "tapeflow")


def _is_function(obj):
    return hasattr(obj, "input_signature") and hasattr(obj, "python_function")


def signature_functions(obj, signatures):
    """{name: (callable, [TensorSpec], input names)} of the requested signatures."""
    if signatures is None:
        found = [(n, f) for n, f in _method_functions(obj) if f.input_signature]
        signatures = {DEFAULT_SERVING_SIGNATURE_DEF_KEY: found[0][1]} if len(found) == 1 \
            else {}
    elif not isinstance(signatures, dict):
        signatures = {DEFAULT_SERVING_SIGNATURE_DEF_KEY: signatures}
    out = {}
    for name, fn in signatures.items():
        function = getattr(fn, "function", fn)  # a ConcreteFunction's tf.function
        specs = getattr(function, "input_signature", None)
        if not specs:
            raise ValueError(f"Signature {name!r} must be a tf.function with an "
                             "`input_signature` (or a concrete function of one).")
        out[name] = (function, list(specs), _input_names(function, specs))
    return out


def _input_names(function, specs):
    import inspect
    try:
        params = [p for p in inspect.signature(function.python_function).parameters.values()
                  if p.name != "self"]
    except (TypeError, ValueError):
        params = []
    names = []
    for i, spec in enumerate(specs):
        name = getattr(spec, "name", None) or (params[i].name if i < len(params) else None)
        names.append(name or f"input_{i}")
    return names


def _method_functions(obj):
    """[(attribute, bound tf.function)] defined on `obj`'s class or instance."""
    out, seen = [], set()
    for klass in type(obj).__mro__:
        for name, value in vars(klass).items():
            if _is_function(value) and name not in seen:
                seen.add(name)
                out.append((name, getattr(obj, name)))
    for name, value in getattr(obj, "__dict__", {}).items():
        if _is_function(value) and name not in seen:
            seen.add(name)
            out.append((name, value))
    return out


def _plain(fn):
    """The Python function a tf.function traces (AutoGraph-converted), to export it
    directly rather than through tf.function's own compilation."""
    traced = getattr(fn, "_traced_fn", None)
    return traced() if traced is not None else fn


def _output_dict(out):
    if isinstance(out, dict):
        return dict(out)
    if isinstance(out, (list, tuple)):
        return {f"output_{i}": v for i, v in enumerate(out)}
    return {"output_0": out}


def _spec_entry(spec):
    shape = spec.shape.as_list() if spec.shape.rank is not None else None
    return spec.dtype.name, shape


def write_saved_model(obj, export_dir, programs, extra_files=None, exclude=()):
    """Writes the directory; `programs` = {"signatures": {...}, "functions": {...}};
    `extra_files` {name: bytes} go to its top level; `exclude`d objects are not saved."""
    export_dir = os.fspath(export_dir)
    parent = os.path.dirname(os.path.abspath(export_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".tmp-saved_model-", dir=parent)
    try:
        checkpoint.save_object(obj, os.path.join(tmp, "variables", "variables"), exclude)
        os.makedirs(os.path.join(tmp, "assets"))
        extra = os.path.join(tmp, EXTRA)
        os.makedirs(extra)
        manifest = {"signatures": {}, "functions": {}}
        protos_sigs = {}
        for kind in ("signatures", "functions"):
            for name, entry in programs[kind].items():
                filename = f"{kind}_{len(manifest[kind])}.stablehlo"
                with open(os.path.join(extra, filename), "wb") as f:
                    f.write(entry.pop("program"))
                manifest[kind][name] = dict(entry, file=filename)
                if kind == "signatures":
                    protos_sigs[name] = {"inputs": {n: tuple(s) for n, s in entry["inputs"]},
                                         "outputs": {n: tuple(s) for n, s in entry["outputs"]}}
        with open(os.path.join(extra, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        for name, data in (extra_files or {}).items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        with open(os.path.join(tmp, "saved_model.pb"), "wb") as f:
            f.write(protos.saved_model_bytes(protos_sigs, tags=[SERVING]))
        old = None
        if os.path.exists(export_dir):
            old = tempfile.mkdtemp(prefix=".old-saved_model-", dir=parent)
            os.replace(export_dir, os.path.join(old, "d"))
        os.replace(tmp, export_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def variable_keys(obj):
    """[(checkpoint key, Variable)] of every variable in `obj`'s object graph."""
    return [(a.key, n.obj) for n in trackable_graph.build_graph(obj) for a in n.attributes
            if isinstance(n.obj, Variable)]


def signature_program(fn, specs, names, variables, call=None):
    """A manifest entry (program bytes, inputs, outputs) for one signature."""
    plain = _plain(fn)

    def as_dict(*args):
        return _output_dict(call(fn, args) if call is not None else plain(*args))
    exported, structure = export.export_callable(as_dict, specs, [v for _, v in variables])
    outputs = exported.out_avals
    keys = [k for k, _ in structure["dict"]]
    out_entries = [(k, (str(a.dtype), [d if isinstance(d, int) else None for d in a.shape]))
                   for k, a in zip(keys, outputs)]
    return {"program": exported.serialize(), "inputs": [(n, _spec_entry(s)) for n, s in
                                                        zip(names, specs)],
            "outputs": out_entries, "variables": [k for k, _ in variables],
            "structure": structure}


def function_program(fn, specs, variables):
    """A manifest entry for a `tf.function` attribute (outputs keep their structure)."""
    exported, structure = export.export_callable(_plain(fn), specs,
                                                 [v for _, v in variables])
    return {"program": exported.serialize(), "inputs": [("", _spec_entry(s)) for s in specs],
            "outputs": [], "variables": [k for k, _ in variables], "structure": structure}


def save(obj, export_dir, signatures=None, options=None):
    """Saves `obj` (a tf.Module, Keras model, Checkpoint-able object) as a SavedModel.

    `signatures`: a tf.function with an `input_signature`, its concrete function, or a
    dict of them by signature name; by default the one `input_signature`
    tf.function of `obj`, if there is exactly one, becomes "serving_default".
    """
    variables = variable_keys(obj)
    programs = {"signatures": {}, "functions": {}}
    for name, (fn, specs, names) in signature_functions(obj, signatures).items():
        programs["signatures"][name] = signature_program(fn, specs, names, variables)
    for name, fn in _method_functions(obj):
        if fn.input_signature:
            programs["functions"][name] = function_program(fn, list(fn.input_signature),
                                                           variables)
    write_saved_model(obj, export_dir, programs)
