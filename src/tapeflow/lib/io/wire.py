"""Protocol-buffer wire format, by hand: enough to read and write TF's few protos.

A message is written as a sequence of fields (`varint_field`, `bytes_field`,
`fixed32_field`, ...) joined with b"". `parse` turns bytes into
{field number: [values]} (varints as int, length-delimited fields as bytes,
fixed32/fixed64 as int), which the proto modules interpret.

>>> msg = varint_field(1, 150) + bytes_field(2, b"hi")
>>> parse(msg)
{1: [150], 2: [b'hi']}
"""
import struct

__all__ = ["encode_varint", "decode_varint", "varint_field", "bytes_field", "fixed32_field",
           "fixed64_field", "float_field", "parse", "first", "DecodeError"]


class DecodeError(ValueError):
    """Raised for bytes that are not a well-formed protocol buffer."""


def encode_varint(n):
    """Unsigned LEB128; negative int64 values take 10 bytes as in protobuf."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def decode_varint(buf, pos):
    """(value, new position) of the varint starting at `buf[pos]`."""
    result, shift = 0, 0
    while True:
        if pos >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise DecodeError("varint longer than 10 bytes")


def _key(number, wire_type):
    return encode_varint((number << 3) | wire_type)


def varint_field(number, value):
    """An int/bool/enum field (`value` written even when zero)."""
    return _key(number, 0) + encode_varint(int(value))


def bytes_field(number, value):
    """A string/bytes/sub-message field."""
    if isinstance(value, str):
        value = value.encode("utf8")
    return _key(number, 2) + encode_varint(len(value)) + bytes(value)


def fixed32_field(number, value):
    return _key(number, 5) + struct.pack("<I", value & 0xFFFFFFFF)


def fixed64_field(number, value):
    return _key(number, 1) + struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF)


def float_field(number, value):
    return _key(number, 5) + struct.pack("<f", value)


def parse(buf):
    """{field number: [raw values]} of one serialized message."""
    buf = memoryview(buf).cast("B") if not isinstance(buf, bytes) else buf
    out, pos, n = {}, 0, len(buf)
    while pos < n:
        key, pos = decode_varint(buf, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            val, pos = decode_varint(buf, pos)
        elif wire_type == 2:
            size, pos = decode_varint(buf, pos)
            if pos + size > n:
                raise DecodeError("length-delimited field runs past the end")
            val = bytes(buf[pos:pos + size])
            pos += size
        elif wire_type == 5:
            if pos + 4 > n:
                raise DecodeError("truncated fixed32 field")
            val = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        elif wire_type == 1:
            if pos + 8 > n:
                raise DecodeError("truncated fixed64 field")
            val = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        else:
            raise DecodeError(f"unsupported wire type {wire_type}")
        out.setdefault(number, []).append(val)
    return out


def first(fields, number, default=None):
    """The last value of a singular field (protobuf's "last one wins"), or `default`."""
    values = fields.get(number)
    return values[-1] if values else default


def signed64(value):
    """An int64 field read as an unsigned varint, back to its signed value."""
    return value - (1 << 64) if value >= 1 << 63 else value
