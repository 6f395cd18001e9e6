"""TF's tensor bundle: `<prefix>.index` (a table of BundleEntry protos) + `<prefix>.data-*`.

The index maps "" to a BundleHeaderProto (shard count, endianness, version) and
each tensor name to a BundleEntryProto (dtype, shape, shard, offset, size,
masked CRC-32C). Data shards hold the raw little-endian tensor bytes back to
back; a string tensor is its varint64 lengths, a masked CRC of those lengths
(as uint32s), then the bytes. Files are written under temporary names and
renamed, the index last, so a reader never sees a half-written bundle.

>>> import os, tempfile, numpy as np
>>> p = os.path.join(tempfile.mkdtemp(), "b")
>>> write_bundle(p, {"x": np.arange(3, dtype=np.float32)})
>>> BundleReader(p).get_tensor("x")
array([0., 1., 2.], dtype=float32)
"""
import os
import struct

import numpy as np

from ..lib.io import crc32c, table, wire
from ..lib.io.atomic import atomic_write

__all__ = ["write_bundle", "BundleReader", "data_path", "index_path", "NP_TO_TF", "TF_TO_NP"]

# DataType enum values of types.proto
NP_TO_TF = {np.dtype("float32"): 1, np.dtype("float64"): 2, np.dtype("int32"): 3,
            np.dtype("uint8"): 4, np.dtype("int16"): 5, np.dtype("int8"): 6,
            np.dtype("complex64"): 8, np.dtype("int64"): 9, np.dtype("bool"): 10,
            np.dtype("uint16"): 17, np.dtype("complex128"): 18, np.dtype("float16"): 19,
            np.dtype("uint32"): 22, np.dtype("uint64"): 23}
TF_TO_NP = {v: k for k, v in NP_TO_TF.items()}
DT_STRING, DT_BFLOAT16 = 7, 14
_TF_NAMES = {7: "string", 14: "bfloat16", 20: "resource", 21: "variant"}


def _bfloat16():
    import ml_dtypes
    return np.dtype(ml_dtypes.bfloat16)


def dtype_enum(dtype):
    dtype = np.dtype(dtype)
    if dtype.name == "bfloat16":
        return DT_BFLOAT16
    if dtype.kind in "OSU":
        return DT_STRING
    try:
        return NP_TO_TF[dtype]
    except KeyError:
        raise TypeError(f"Cannot store a tensor of dtype {dtype} in a TF checkpoint.") \
            from None


def dtype_name(enum):
    """TF's name of a DataType enum value ('float32', 'string', ...)."""
    if enum in _TF_NAMES:
        return _TF_NAMES[enum]
    return TF_TO_NP[enum].name if enum in TF_TO_NP else f"DataType({enum})"


def index_path(prefix):
    return f"{prefix}.index"


def data_path(prefix, shard=0, num_shards=1):
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def encode_shape(shape):
    """A TensorShapeProto."""
    return b"".join(wire.bytes_field(2, wire.varint_field(1, d) if d else b"") for d in shape)


def decode_shape(buf):
    fields = wire.parse(buf)
    if wire.first(fields, 3):
        return None
    return tuple(wire.signed64(wire.first(wire.parse(d), 1, 0)) for d in fields.get(2, []))


def _string_payload(array):
    items = [x if isinstance(x, bytes) else str(x).encode("utf8")
             for x in np.asarray(array, dtype=object).reshape(-1)]
    lengths = b"".join(wire.encode_varint(len(x)) for x in items)
    crc = 0
    for x in items:
        crc = crc32c.extend(crc, struct.pack("<I", len(x)))
    length_crc = struct.pack("<I", crc32c.mask(crc))
    crc = crc32c.extend(crc, length_crc)
    body = b"".join(items)
    crc = crc32c.extend(crc, body)
    return lengths + length_crc + body, crc


def _header():
    version = wire.varint_field(1, 1)  # VersionDef.producer
    return wire.varint_field(1, 1) + wire.bytes_field(3, version)  # num_shards, version


def write_bundle(prefix, tensors):
    """Writes `tensors` ({name: array or bytes/str for a scalar string}) as a bundle."""
    prefix = os.fspath(prefix)
    entries = []

    def write_data(tmp):
        offset = 0
        with open(tmp, "wb", buffering=0) as f:
            for name in sorted(tensors):
                value = tensors[name]
                if isinstance(value, (bytes, str)):
                    value = np.array(value, dtype=object)
                array = np.asarray(value)
                enum = dtype_enum(array.dtype)
                if enum == DT_STRING:
                    payload, crc = _string_payload(array)
                else:
                    array = np.require(array, requirements="C")  # keeps 0-d arrays 0-d
                    if array.dtype.byteorder == ">":
                        array = array.astype(array.dtype.newbyteorder("<"))
                    payload = memoryview(array.reshape(-1)).cast("B") if array.size else b""
                    crc = crc32c.value(payload)
                size = len(payload)
                f.write(payload)
                entry = (wire.varint_field(1, enum) + wire.bytes_field(2, encode_shape(
                    array.shape)) + (wire.varint_field(4, offset) if offset else b"") +
                    (wire.varint_field(5, size) if size else b"") +
                    wire.fixed32_field(6, crc32c.mask(crc)))
                entries.append((name.encode("utf8"), entry))
                offset += size

    atomic_write(data_path(prefix), write_data)
    index = table.build_table([(b"", _header())] + entries)
    atomic_write(index_path(prefix), lambda tmp: _write_bytes(tmp, index))


def _write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


class BundleReader:
    """Reads a bundle written by TF or by `write_bundle`; every tensor is CRC-checked."""

    def __init__(self, prefix):
        self.prefix = os.fspath(prefix)
        path = index_path(self.prefix)
        if not os.path.exists(path):
            raise ValueError(f"Unsuccessful TensorSliceReader constructor: Failed to find any "
                             f"matching files for {self.prefix} (no file {path!r}).")
        with open(path, "rb") as f:
            raw = f.read()
        try:
            items = table.read_table(raw)
        except table.TableError as e:
            raise ValueError(f"The checkpoint index {path!r} is corrupt: {e}.") from None
        self.entries = {}
        num_shards = 1
        try:
            for key, value in items:
                fields = wire.parse(value)
                if key == b"":
                    num_shards = wire.first(fields, 1, 0)
                    continue
                slices = fields.get(7)
                self.entries[key.decode("utf8")] = {
                    "dtype": wire.first(fields, 1, 0),
                    "shape": decode_shape(wire.first(fields, 2, b"")),
                    "shard": wire.first(fields, 3, 0), "offset": wire.first(fields, 4, 0),
                    "size": wire.first(fields, 5, 0), "crc": wire.first(fields, 6, 0),
                    "sliced": bool(slices)}
        except (wire.DecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"The checkpoint index {path!r} holds a malformed entry: {e}.") \
                from None
        self.num_shards = max(int(num_shards), 1)

    def keys(self):
        return sorted(self.entries)

    def has_tensor(self, name):
        return name in self.entries

    def _entry(self, name):
        try:
            return self.entries[name]
        except KeyError:
            raise KeyError(f"Key {name} not found in checkpoint") from None

    def shape(self, name):
        return self._entry(name)["shape"]

    def dtype_enum(self, name):
        return self._entry(name)["dtype"]

    def _read_bytes(self, name, entry, into=None, check=True):
        path = data_path(self.prefix, entry["shard"], self.num_shards)
        if not os.path.exists(path):
            raise ValueError(f"The checkpoint data file {path!r} is missing (needed for "
                             f"{name!r}).")
        size = entry["size"]
        buf = into if into is not None else bytearray(size)
        with open(path, "rb", buffering=0) as f:
            f.seek(entry["offset"])
            got = f.readinto(memoryview(buf).cast("B")) if size else 0
        if got != size:
            raise ValueError(f"The checkpoint data file {path!r} is truncated: {name!r} needs "
                             f"bytes {entry['offset']}..{entry['offset'] + size}, the file "
                             f"ends at {os.path.getsize(path)}.")
        if check and crc32c.mask(crc32c.value(buf)) != entry["crc"]:
            raise self._corrupt(name, entry)
        return buf

    def _corrupt(self, name, entry):
        path = data_path(self.prefix, entry["shard"], self.num_shards)
        return ValueError(f"The checkpoint data file {path!r} is corrupt: checksum "
                          f"mismatch for {name!r}.")

    def get_tensor(self, name):
        """The tensor `name` as a NumPy array (strings as an object array of bytes)."""
        entry = self._entry(name)
        if entry["sliced"]:
            raise ValueError(f"The checkpoint tensor {name!r} is stored in slices (a "
                             "partitioned variable), which is not supported.")
        enum, shape = entry["dtype"], entry["shape"] or ()
        if enum == DT_STRING:
            return self._strings(name, entry, shape)
        if enum == DT_BFLOAT16:
            dtype = _bfloat16()
        elif enum in TF_TO_NP:
            dtype = TF_TO_NP[enum]
        else:
            raise ValueError(f"The checkpoint tensor {name!r} has dtype "
                             f"{dtype_name(enum)}, which tapeflow cannot read.")
        count = int(np.prod(shape, dtype=np.int64))
        if count * dtype.itemsize != entry["size"]:
            raise ValueError(f"The checkpoint index entry for {name!r} is corrupt: shape "
                             f"{shape} of {dtype.name} needs {count * dtype.itemsize} bytes, "
                             f"the entry says {entry['size']}.")
        out = np.empty(shape, dtype=dtype)
        if count:
            self._read_bytes(name, entry, out)
        return out

    def _strings(self, name, entry, shape):
        raw = bytes(self._read_bytes(name, entry, check=False))
        count = int(np.prod(shape, dtype=np.int64))
        pos, lengths = 0, []
        try:
            for _ in range(count):
                n, pos = wire.decode_varint(raw, pos)
                lengths.append(n)
        except wire.DecodeError:
            raise ValueError(f"The string tensor {name!r} is malformed.") from None
        pos += 4
        out = []
        for n in lengths:
            out.append(raw[pos:pos + n])
            pos += n
        array = np.array(out + [b""], dtype=object)[:-1].reshape(shape)
        if crc32c.mask(_string_payload(array)[1]) != entry["crc"]:
            raise self._corrupt(name, entry)
        return array
