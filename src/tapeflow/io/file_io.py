"""tf.io file and tensor-bytes helpers: read_file/write_file, decode_raw,
serialize_tensor/parse_tensor (TF's TensorProto bytes) and tf.io.gfile.

>>> t = serialize_tensor(tf.constant([1.5, 2.0]))
>>> parse_tensor(t, tf.float32).numpy()
array([1.5, 2. ], dtype=float32)
>>> decode_raw(tf.constant(b"\\x01\\x00\\x02\\x00"), tf.int16).numpy()
array([1, 2], dtype=int16)
"""
import glob as _glob
import os
import shutil

import numpy as np

from .. import _core as tf

from ..framework import errors
from ..lib.io import wire
from .parsing import intercepted
from ..train import tensor_bundle

__all__ = ["read_file", "write_file", "decode_raw", "serialize_tensor", "parse_tensor",
           "gfile"]


def _path(p):
    p = p.numpy() if hasattr(p, "numpy") else p
    return p.decode() if isinstance(p, (bytes, np.bytes_)) else os.fspath(p)


def _free_target(dst, overwrite):
    """`dst` as a path; TF's AlreadyExistsError if it exists and `overwrite` is False."""
    dst = _path(dst)
    if os.path.exists(dst) and not overwrite:
        raise errors.AlreadyExistsError(None, None, f"file already exists: {dst}")
    return dst


def _bytes(x):
    x = x.numpy() if hasattr(x, "numpy") else x
    if isinstance(x, np.ndarray) and x.dtype == object and x.shape == ():
        x = x.item()
    return x.encode() if isinstance(x, str) else bytes(x)


def read_file(filename, name=None):
    """The whole file as a scalar string tensor."""
    path = _path(filename)
    try:
        with open(path, "rb") as f:
            return tf.constant(f.read())
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None


def write_file(filename, contents, name=None):
    """Writes a scalar string tensor to a file, creating missing parent folders."""
    path = _path(filename)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(_bytes(contents))


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    """Reinterprets the bytes of each string as a vector of `out_type`."""
    got = intercepted("decode_raw", input_bytes, out_type, little_endian, fixed_length)
    if got is not NotImplemented:
        return got
    dtype = np.dtype(tf.as_dtype(out_type).as_numpy_dtype)
    if not little_endian:
        dtype = dtype.newbyteorder(">")
    arr = input_bytes.numpy() if hasattr(input_bytes, "numpy") else np.asarray(input_bytes,
                                                                               dtype=object)
    arr = np.asarray(arr, dtype=object)
    rows = [bytes(v) for v in arr.reshape(-1)]
    width = fixed_length if fixed_length is not None else (len(rows[0]) if rows else 0)
    for r in rows:
        if fixed_length is None and len(r) != width:
            raise errors.InvalidArgumentError(
                None, None, f"DecodeRaw requires input strings to all be the same size, but "
                f"element 0 has size {width} != {len(r)}")
        if width % dtype.itemsize:
            raise errors.InvalidArgumentError(
                None, None, f"Input to DecodeRaw has length {width} that is not a multiple "
                f"of {dtype.itemsize}, the size of {tf.as_dtype(out_type).name}")
    data = b"".join(r[:width].ljust(width, b"\0") for r in rows)
    out = np.frombuffer(data, dtype).astype(dtype.newbyteorder("="))
    return tf.constant(out.reshape(arr.shape + (width // dtype.itemsize,)))


def _shape_proto(shape):
    return b"".join(wire.bytes_field(2, wire.varint_field(1, int(d))) for d in shape)


def serialize_tensor(tensor, name=None):
    """TF's serialized TensorProto of a tensor (a scalar string)."""
    arr = tensor.numpy() if hasattr(tensor, "numpy") else np.asarray(tensor)
    enum = tensor_bundle.dtype_enum(arr.dtype)
    msg = wire.varint_field(1, enum) + wire.bytes_field(2, _shape_proto(arr.shape))
    if enum == tensor_bundle.DT_STRING:
        msg += b"".join(wire.bytes_field(8, _bytes(v)) for v in arr.reshape(-1))
    else:
        msg += wire.bytes_field(4, np.ascontiguousarray(arr).astype(
            arr.dtype.newbyteorder("<")).tobytes())
    return tf.constant(msg)


def _parse_shape(buf):
    dims = wire.parse(buf).get(2, [])
    return tuple(wire.first(wire.parse(d), 1, 0) for d in dims)


_TYPED_FIELDS = {1: (5, "<f4"), 2: (6, "<f8"), 3: (7, None), 9: (10, None), 10: (11, None)}


def parse_tensor(serialized, out_type, name=None):
    """The tensor of a serialized TensorProto; `out_type` must match its dtype."""
    fields = wire.parse(_bytes(serialized))
    enum = wire.first(fields, 1, 0)
    want = tf.as_dtype(out_type)
    if tensor_bundle.dtype_name(enum) != want.name:
        raise errors.InvalidArgumentError(
            None, None, f"Type mismatch between parsed tensor ({tensor_bundle.dtype_name(enum)})"
            f" and dtype ({want.name})")
    shape = _parse_shape(wire.first(fields, 2, b""))
    if enum == tensor_bundle.DT_STRING:
        vals = np.empty(len(fields.get(8, [])), object)
        vals[:] = fields.get(8, [])
        return tf.constant(vals.reshape(shape), dtype=tf.string)
    np_type = np.dtype(want.as_numpy_dtype)
    content = wire.first(fields, 4, None)
    if content is not None:
        arr = np.frombuffer(content, np_type.newbyteorder("<")).astype(np_type)
    else:  # small tensors TF writes as typed repeated fields
        field, fmt = _TYPED_FIELDS.get(enum, (None, None))
        raw = fields.get(field, []) if field else []
        if fmt:  # packed floats/doubles
            arr = np.concatenate([np.frombuffer(r, fmt) if isinstance(r, bytes) else
                                  np.asarray([r]).view(fmt[1:]) for r in raw] or [[]])
        else:
            ints = []
            for r in raw:
                if isinstance(r, bytes):
                    pos = 0
                    while pos < len(r):
                        v, pos = wire.decode_varint(r, pos)
                        ints.append(wire.signed64(v))
                else:
                    ints.append(wire.signed64(r))
            arr = np.asarray(ints)
        arr = arr.astype(np_type)
        size = int(np.prod(shape, dtype=np.int64))
        if arr.size == 1 and size > 1:
            arr = np.full(size, arr[0], np_type)
    return tf.constant(arr.reshape(shape), dtype=want)


class _GFile:
    """tf.io.gfile.GFile: a file object over the local file system."""

    def __init__(self, name, mode="r"):
        self._f = open(_path(name), mode)

    def __getattr__(self, attr):
        return getattr(self._f, attr)

    def __iter__(self):
        return iter(self._f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()
        return False

    def size(self):
        return os.fstat(self._f.fileno()).st_size


class _Gfile:
    """tf.io.gfile: file-system helpers (local paths)."""

    GFile = _GFile

    @staticmethod
    def exists(path):
        return os.path.exists(_path(path))

    @staticmethod
    def glob(pattern):
        return sorted(_glob.glob(_path(pattern)))

    @staticmethod
    def isdir(path):
        return os.path.isdir(_path(path))

    @staticmethod
    def listdir(path):
        path = _path(path)
        if not os.path.isdir(path):
            raise errors.NotFoundError(None, None, f"Could not find directory {path}")
        return sorted(os.listdir(path))

    @staticmethod
    def makedirs(path):
        os.makedirs(_path(path), exist_ok=True)

    @staticmethod
    def mkdir(path):
        os.mkdir(_path(path))

    @staticmethod
    def remove(path):
        path = _path(path)
        if not os.path.exists(path):
            raise errors.NotFoundError(None, None, f"{path}; No such file or directory")
        os.remove(path)

    @staticmethod
    def rmtree(path):
        shutil.rmtree(_path(path))

    @staticmethod
    def rename(src, dst, overwrite=False):
        os.replace(_path(src), _free_target(dst, overwrite))

    @staticmethod
    def copy(src, dst, overwrite=False):
        shutil.copyfile(_path(src), _free_target(dst, overwrite))

    @staticmethod
    def stat(path):
        return os.stat(_path(path))

    @staticmethod
    def walk(top, topdown=True, onerror=None):
        return os.walk(_path(top), topdown=topdown, onerror=onerror)


gfile = _Gfile()
