"""The immutable sorted key/value table (LevelDB's SSTable) that TF uses for `.index` files.

Layout (no compression, as TF writes its checkpoint indexes): data blocks of
prefix-compressed entries with restart points, each followed by a 5-byte
trailer (type byte 0, masked CRC-32C of block + type); an empty meta-index
block; an index block mapping each data block's last key to its handle
(varint offset, varint size); a 48-byte footer holding the two handles, padded,
and the magic number 0xdb4775248b80fb57.

>>> data = build_table([(b"a", b"1"), (b"b", b"2")])
>>> read_table(data)
[(b'a', b'1'), (b'b', b'2')]
"""
import struct

from . import crc32c
from .wire import DecodeError, decode_varint, encode_varint

__all__ = ["build_table", "read_table", "TableError"]

_MAGIC = 0xDB4775248B80FB57
_FOOTER = 48
_BLOCK_SIZE = 262144
_RESTART_INTERVAL = 16


class TableError(ValueError):
    """The bytes are not a well-formed table (truncated, corrupt or not a table)."""


class _BlockBuilder:
    def __init__(self, restart_interval):
        self.interval = restart_interval
        self.reset()

    def reset(self):
        self.buf, self.restarts, self.count, self.last = bytearray(), [0], 0, b""

    def add(self, key, value):
        shared = 0
        if self.count < self.interval:
            limit = min(len(self.last), len(key))
            while shared < limit and self.last[shared] == key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buf))
            self.count = 0
        self.buf += encode_varint(shared) + encode_varint(len(key) - shared)
        self.buf += encode_varint(len(value)) + key[shared:] + value
        self.last, self.count = key, self.count + 1

    def finish(self):
        out = self.buf + b"".join(struct.pack("<I", r) for r in self.restarts)
        return bytes(out + struct.pack("<I", len(self.restarts)))

    def size(self):
        return len(self.buf) + 4 * len(self.restarts) + 4


def _handle(offset, size):
    return encode_varint(offset) + encode_varint(size)


def build_table(items, block_size=_BLOCK_SIZE):
    """The table's bytes for `items`, (key bytes, value bytes) pairs in increasing key order."""
    out, index = bytearray(), _BlockBuilder(1)
    block, previous = _BlockBuilder(_RESTART_INTERVAL), None

    def flush():
        contents = block.finish()
        offset = len(out)
        out.extend(contents + b"\x00" +
                   struct.pack("<I", crc32c.mask(crc32c.value(contents + b"\x00"))))
        index.add(block.last, _handle(offset, len(contents)))
        block.reset()

    for key, value in items:
        if previous is not None and key <= previous:
            raise ValueError(f"Table keys must be added in increasing order: {key!r} after "
                             f"{previous!r}.")
        previous = key
        block.add(key, value)
        if block.size() >= block_size:
            flush()
    if block.count or len(block.buf):
        flush()
    handles = []
    for builder in (_BlockBuilder(_RESTART_INTERVAL), index):  # meta-index, index
        contents = builder.finish()
        handles.append(_handle(len(out), len(contents)))
        out.extend(contents + b"\x00" +
                   struct.pack("<I", crc32c.mask(crc32c.value(contents + b"\x00"))))
    footer = b"".join(handles).ljust(_FOOTER - 8, b"\x00")
    out.extend(footer + struct.pack("<II", _MAGIC & 0xFFFFFFFF, _MAGIC >> 32))
    return bytes(out)


def _read_block(data, handle, what):
    offset, pos = decode_varint(handle, 0)
    size, _ = decode_varint(handle, pos)
    end = offset + size + 5
    if end > len(data):
        raise TableError(f"the {what} block at offset {offset} (size {size}) runs past the end "
                         f"of the file ({len(data)} bytes): the file is truncated")
    contents = data[offset:offset + size]
    kind = data[offset + size]
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    if crc32c.mask(crc32c.value(data[offset:offset + size + 1])) != stored:
        raise TableError(f"checksum mismatch in the {what} block at offset {offset}: the file "
                         "is corrupt")
    if kind != 0:
        raise TableError(f"the {what} block at offset {offset} is compressed (type {kind}), "
                         "which is not supported")
    return contents


def _block_entries(block):
    if len(block) < 4:
        raise TableError("a block is shorter than its restart count")
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * num_restarts
    if limit < 0:
        raise TableError("a block's restart array runs past its start")
    out, pos, last = [], 0, b""
    while pos < limit:
        shared, pos = decode_varint(block, pos)
        non_shared, pos = decode_varint(block, pos)
        value_len, pos = decode_varint(block, pos)
        if shared > len(last) or pos + non_shared + value_len > limit:
            raise TableError("a block entry is malformed")
        key = last[:shared] + bytes(block[pos:pos + non_shared])
        pos += non_shared
        out.append((key, bytes(block[pos:pos + value_len])))
        pos += value_len
        last = key
    return out


def read_table(data):
    """[(key, value)] of every entry of a table given as bytes, in key order."""
    data = bytes(data)
    if len(data) < _FOOTER:
        raise TableError(f"the file is {len(data)} bytes long, shorter than a table footer "
                         f"({_FOOTER} bytes): it is truncated or not a table")
    footer = data[-_FOOTER:]
    lo, hi = struct.unpack_from("<II", footer, _FOOTER - 8)
    if lo | (hi << 32) != _MAGIC:
        raise TableError("bad magic number in the footer: the file is truncated or not a "
                         "table")
    try:
        _, pos = decode_varint(footer, 0)
        _, pos = decode_varint(footer, pos)
        index = _read_block(data, footer[pos:], "index")
        out = []
        for _, handle in _block_entries(index):
            out.extend(_block_entries(_read_block(data, handle, "data")))
    except DecodeError as e:
        raise TableError(f"malformed table: {e}") from None
    return out
