"""tf.train.Example and its family as real protocol-buffer messages.

The message types (field names and numbers of TF's `example.proto` and
`feature.proto`) are declared here in Python and registered in a private
descriptor pool of the `protobuf` runtime, so `tf.train.Example` has TF's whole
message API — attribute access, `SerializeToString`, `FromString`,
`ParseFromString`, text-format `repr` — and its bytes are TF's.

>>> ex = Example(features=Features(feature={
...     "x": Feature(int64_list=Int64List(value=[1, 2]))}))
>>> Example.FromString(ex.SerializeToString()).features.feature["x"].int64_list.value[:]
[1, 2]
"""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

__all__ = ["BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
           "FeatureLists", "Example", "SequenceExample"]

_F = descriptor_pb2.FieldDescriptorProto


def _message(fdp, name, fields, nested=()):
    """Adds message `name` with fields [(name, number, type, label, type_name, oneof)]."""
    m = fdp.message_type.add(name=name)
    for nest in nested:
        m.nested_type.add().CopyFrom(nest)
    for fname, number, ftype, label, type_name, oneof in fields:
        f = m.field.add(name=fname, number=number, type=ftype, label=label)
        if type_name:
            f.type_name = type_name
        if oneof is not None:
            f.oneof_index = oneof
    return m


def _map_entry(name, value_type):
    """The nested `XEntry {string key = 1; <value_type> value = 2;}` of a proto map."""
    entry = descriptor_pb2.DescriptorProto(name=name)
    entry.field.add(name="key", number=1, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    entry.field.add(name="value", number=2, type=_F.TYPE_MESSAGE, label=_F.LABEL_OPTIONAL,
                    type_name=value_type)
    entry.options.map_entry = True
    return entry


def _build_pool():
    fdp = descriptor_pb2.FileDescriptorProto(name="tapeflow/train/example.proto",
                                             package="tensorflow", syntax="proto3")
    rep, opt = _F.LABEL_REPEATED, _F.LABEL_OPTIONAL
    _message(fdp, "BytesList", [("value", 1, _F.TYPE_BYTES, rep, None, None)])
    _message(fdp, "FloatList", [("value", 1, _F.TYPE_FLOAT, rep, None, None)])
    _message(fdp, "Int64List", [("value", 1, _F.TYPE_INT64, rep, None, None)])
    feature = _message(fdp, "Feature", [
        ("bytes_list", 1, _F.TYPE_MESSAGE, opt, ".tensorflow.BytesList", 0),
        ("float_list", 2, _F.TYPE_MESSAGE, opt, ".tensorflow.FloatList", 0),
        ("int64_list", 3, _F.TYPE_MESSAGE, opt, ".tensorflow.Int64List", 0)])
    feature.oneof_decl.add(name="kind")
    _message(fdp, "Features", [("feature", 1, _F.TYPE_MESSAGE, rep,
                                ".tensorflow.Features.FeatureEntry", None)],
             nested=[_map_entry("FeatureEntry", ".tensorflow.Feature")])
    _message(fdp, "FeatureList", [("feature", 1, _F.TYPE_MESSAGE, rep, ".tensorflow.Feature",
                                   None)])
    _message(fdp, "FeatureLists", [("feature_list", 1, _F.TYPE_MESSAGE, rep,
                                    ".tensorflow.FeatureLists.FeatureListEntry", None)],
             nested=[_map_entry("FeatureListEntry", ".tensorflow.FeatureList")])
    _message(fdp, "Example", [("features", 1, _F.TYPE_MESSAGE, opt, ".tensorflow.Features",
                               None)])
    _message(fdp, "SequenceExample", [
        ("context", 1, _F.TYPE_MESSAGE, opt, ".tensorflow.Features", None),
        ("feature_lists", 2, _F.TYPE_MESSAGE, opt, ".tensorflow.FeatureLists", None)])
    pool = descriptor_pool.DescriptorPool()  # private: never clashes with TF's own pool
    pool.Add(fdp)
    return pool


_POOL = _build_pool()


def _cls(name):
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(f"tensorflow.{name}"))


BytesList, FloatList, Int64List = _cls("BytesList"), _cls("FloatList"), _cls("Int64List")
Feature, Features = _cls("Feature"), _cls("Features")
FeatureList, FeatureLists = _cls("FeatureList"), _cls("FeatureLists")
Example, SequenceExample = _cls("Example"), _cls("SequenceExample")
