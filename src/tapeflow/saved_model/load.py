"""tf.saved_model.load: objects, variables and callable signatures back from a directory.

The object tree is rebuilt from the checkpoint's object graph (`variables/`):
each saved object becomes a plain object whose attributes are its children
(lists stay lists), each saved variable a `tf.Variable` with its value.
`signatures[name](**inputs)` and each saved `tf.function` attribute run their
exported programs (no Python class needed) on the restored variables, so
assigning a restored variable changes later results, as in TF.

>>> import os, tempfile, tapeflow as tf
>>> m = tf.Module(); m.v = tf.Variable([1.0, 2.0])
>>> m.f = tf.function(lambda x: x * m.v, input_signature=[tf.TensorSpec([2], tf.float32)])
>>> d = os.path.join(tempfile.mkdtemp(), "m"); tf.saved_model.save(m, d)
>>> loaded = load(d)
>>> loaded.signatures["serving_default"](x=tf.ones([2]))["output_0"].numpy()
array([1., 2.], dtype=float32)
"""
import json
import os

from ..framework.variables import Variable
from ..train import trackable_graph as tg
from ..train.tensor_bundle import BundleReader
from . import protos
from .export import ExportedCallable

__all__ = ["load", "contains_saved_model"]

_EXTRA = os.path.join("assets.extra", "tapeflow")


def contains_saved_model(export_dir):
    """True if `export_dir` holds a saved_model.pb."""
    return os.path.exists(os.path.join(os.fspath(export_dir), "saved_model.pb"))


class _UserObject:
    """A restored object: attributes are its saved children."""

    def __repr__(self):
        return f"<tapeflow.saved_model restored object at {hex(id(self))}>"


class _Signature:
    """A restored signature: keyword inputs by name, a dict of Tensors out."""

    def __init__(self, name, program, entry, variables):
        self.name = name
        self._run = ExportedCallable(program, variables, entry["structure"])
        self._inputs = [n for n, _ in entry["inputs"]]
        self.structured_input_signature = ((), {n: s for n, s in entry["inputs"]})
        self.structured_outputs = {n: s for n, s in entry["outputs"]}

    def __call__(self, *args, **kwargs):
        if args:
            raise TypeError(f"Signature {self.name!r} takes keyword arguments only: "
                            f"{self._inputs}. Received {len(args)} positional arguments.")
        missing = [n for n in self._inputs if n not in kwargs]
        extra = sorted(set(kwargs) - set(self._inputs))
        if missing or extra:
            raise TypeError(f"Signature {self.name!r} expects inputs {self._inputs}; missing "
                            f"{missing}, unexpected {extra}.")
        return self._run(*[kwargs[n] for n in self._inputs])


def _rebuild_objects(reader, saved):
    """[object for each saved node]: Variables, lists, or plain objects."""
    objs = []
    for node in saved:
        key = node.attributes.get(tg.VARIABLE_VALUE)
        if key is not None:
            value = reader.get_tensor(key)
            objs.append(Variable(value, trainable=value.dtype.kind in "fc",
                                 name=key.split("/.ATTRIBUTES/")[0].replace("/", "_")))
        elif node.children and sorted(node.children) == sorted(
                str(i) for i in range(len(node.children))) and not node.attributes:
            objs.append([])
        else:
            objs.append(_UserObject())
    for node, obj in zip(saved, objs):
        if isinstance(obj, list):
            obj.extend(objs[node.children[str(i)]] for i in range(len(node.children)))
        elif isinstance(obj, _UserObject):
            for name, cid in node.children.items():
                setattr(obj, name, objs[cid])
    return objs


def load(export_dir, tags=None, options=None):
    """Loads a SavedModel written by `tf.saved_model.save` / `model.save(dir)`."""
    export_dir = os.fspath(export_dir)
    pb = os.path.join(export_dir, "saved_model.pb")
    if not os.path.exists(pb):
        raise OSError(f"SavedModel file does not exist at: {export_dir}{os.sep}"
                      "{saved_model.pbtxt|saved_model.pb}")
    with open(pb, "rb") as f:
        try:
            meta = protos.parse_saved_model(f.read())
        except ValueError as e:
            raise ValueError(f"{pb!r} is not a valid SavedModel proto: {e}") from None
    if tags is not None:
        wanted = [tags] if isinstance(tags, str) else list(tags)
        if not set(wanted) <= set(meta["tags"]):
            raise RuntimeError(f"MetaGraphDef associated with tags {wanted} could not be "
                               f"found in SavedModel, with available tags {meta['tags']}.")
    manifest_path = os.path.join(export_dir, _EXTRA, "manifest.json")
    if not os.path.exists(manifest_path):
        raise ValueError(f"{export_dir!r} was not written by tapeflow (no {_EXTRA}/"
                         "manifest.json): a SavedModel from TensorFlow holds TF graphs, "
                         "which tapeflow cannot run; read its variables with "
                         "tf.train.load_checkpoint(dir + '/variables/variables').")
    with open(manifest_path) as f:
        manifest = json.load(f)
    reader = BundleReader(os.path.join(export_dir, "variables", "variables"))
    saved = tg.parse_graph(reader.get_tensor(tg.OBJECT_GRAPH_KEY).item())
    objs = _rebuild_objects(reader, saved)
    by_key = {n.attributes.get(tg.VARIABLE_VALUE): o for n, o in zip(saved, objs)}
    root = objs[0] if isinstance(objs[0], _UserObject) else _UserObject()

    def program(entry):
        with open(os.path.join(export_dir, _EXTRA, entry["file"]), "rb") as f:
            data = f.read()
        return data, [by_key[k] for k in entry["variables"]]

    root.signatures = {}
    for name, entry in manifest["signatures"].items():
        data, variables = program(entry)
        root.signatures[name] = _Signature(name, data, entry, variables)
    for name, entry in manifest["functions"].items():
        data, variables = program(entry)
        setattr(root, name, ExportedCallable(data, variables, entry["structure"]))
    all_vars = [o for o in objs if isinstance(o, Variable)]
    root.variables = all_vars
    root.trainable_variables = [v for v in all_vars if v.trainable]
    return root
