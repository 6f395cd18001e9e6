"""TFRecord files: TF's record framing, written and read without TensorFlow.

Each record is `length` (uint64, little endian), the masked CRC-32C of those 8
bytes (uint32), the data, and the masked CRC-32C of the data — byte for byte what
TF writes, optionally inside GZIP or ZLIB compression. Reading checks both CRCs;
a truncated record or a CRC mismatch raises `DataLossError` naming the file and
the record's byte offset.

>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "r.tfrecord")
>>> with TFRecordWriter(p) as w:
...     w.write(b"abc"); w.write(b"")
>>> list(read_records(p))
[b'abc', b'']
"""
import gzip
import io
import struct
import zlib

from ..framework import errors
from ..lib.io import crc32c
from . import record_scan

__all__ = ["TFRecordOptions", "TFRecordCompressionType", "TFRecordWriter", "read_records",
           "read_record_blocks", "frame"]

_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")


class TFRecordCompressionType:
    NONE, ZLIB, GZIP = 0, 1, 2


_NAMES = {None: "", "": "", 0: "", 1: "ZLIB", 2: "GZIP", "NONE": "", "ZLIB": "ZLIB",
          "GZIP": "GZIP"}


def _compression(value):
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    try:
        return _NAMES[value]
    except (KeyError, TypeError):
        raise ValueError(f"Unsupported compression_type: {value!r} (expected '', 'ZLIB' or "
                         "'GZIP')") from None


class TFRecordOptions:
    """How a TFRecord file is compressed: `compression_type` '', 'ZLIB' or 'GZIP'."""

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        self.compression_type = _compression(compression_type)
        self.compression_level = -1 if compression_level is None else int(compression_level)


def frame(data):
    """One record's bytes as they appear in the file."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", crc32c.masked_value(header)) + data +
            struct.pack("<I", crc32c.masked_value(data)))


class TFRecordWriter:
    """Writes records to a TFRecord file (`tf.io.TFRecordWriter`); a context manager.

    `options` is a TFRecordOptions or a compression type ('', 'ZLIB', 'GZIP').
    """

    def __init__(self, path, options=None):
        self._path = str(path)
        opts = options if isinstance(options, TFRecordOptions) else TFRecordOptions(options)
        self._type = opts.compression_type
        self._level = opts.compression_level
        try:
            self._raw = open(self._path, "wb")
        except OSError as e:
            raise errors.NotFoundError(None, None, f"{self._path}; {e.strerror}") from None
        if self._type == "GZIP":
            self._file = gzip.GzipFile(fileobj=self._raw, mode="wb",
                                       compresslevel=9 if self._level < 0 else self._level)
        elif self._type == "ZLIB":
            self._zlib = zlib.compressobj(self._level)
            self._file = None
        else:
            self._file = self._raw

    def write(self, record):
        """Appends one record (bytes, or a str encoded as UTF-8)."""
        if isinstance(record, str):
            record = record.encode()
        elif not isinstance(record, (bytes, bytearray, memoryview)):
            record = getattr(record, "numpy", lambda: record)()
            if not isinstance(record, bytes):
                raise TypeError(f"TFRecordWriter.write expects bytes; received "
                                f"{type(record).__name__}")
        data = frame(bytes(record))
        if self._type == "ZLIB":
            self._raw.write(self._zlib.compress(data))
        else:
            self._file.write(data)

    def flush(self):
        if self._type == "ZLIB":
            self._raw.write(self._zlib.flush(zlib.Z_SYNC_FLUSH))
        else:
            self._file.flush()
        self._raw.flush()

    def close(self):
        if self._raw.closed:
            return
        if self._type == "ZLIB":
            self._raw.write(self._zlib.flush())
        elif self._type == "GZIP":
            self._file.close()
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _open(path, compression):
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    if compression == "GZIP":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression == "ZLIB":
        with raw:
            return io.BytesIO(zlib.decompress(raw.read()))
    return raw


_CHUNK = 1 << 22  # bytes read (after decompression) per scan of the framing


def _damage(path, raw, at, base, eof):
    """The DataLossError for the record starting at `raw[at:]` (file offset base + at)."""
    offset, rest = base + at, len(raw) - at
    if rest < _HEADER.size:
        return errors.DataLossError(None, None, f"truncated record at {offset} in {path}: "
                                    f"{rest} header bytes")
    if not record_scan.header_ok(raw[at:at + _HEADER.size]):
        return errors.DataLossError(None, None, f"corrupted record at {offset} in {path}: "
                                    "length CRC mismatch")
    length = _HEADER.unpack_from(raw, at)[0]
    if eof and rest < _HEADER.size + length + _FOOTER.size:
        return errors.DataLossError(None, None, f"truncated record at {offset} in {path}: "
                                    f"expected {length} data bytes")
    return errors.DataLossError(None, None, f"corrupted record at {offset} in {path}: "
                                "data CRC mismatch")


def read_record_blocks(path, compression_type=None, buffer_size=None):
    """Yields the records of one TFRecord file as lists of bytes, a few MiB at a time.

    Framing is found and both CRCs checked for a whole buffer at once
    (record_scan.py). Records before a damaged one are yielded, then
    `DataLossError` names the file and the damaged record's offset.
    """
    compression = _compression(compression_type)
    with _open(str(path), compression) as f:
        raw, base, size = b"", 0, _CHUNK
        while True:
            chunk = f.read(size)
            raw = raw + chunk if raw else chunk
            runs, stop = record_scan.scan(raw, 0, len(raw))
            records, bad = record_scan.cut(raw, runs)
            if records:
                yield records
            if bad >= 0:
                raise _damage(path, raw, record_scan.offset_of(runs, bad), base, False)
            rest = len(raw) - stop
            if not chunk:
                if rest:
                    raise _damage(path, raw, stop, base, True)
                return
            need = _HEADER.size
            if rest >= _HEADER.size:  # a record larger than the buffer: read all of it
                if not record_scan.header_ok(raw[stop:stop + _HEADER.size]):
                    raise _damage(path, raw, stop, base, False)
                need += _HEADER.unpack_from(raw, stop)[0] + _FOOTER.size
            raw, base = raw[stop:], base + stop
            size = max(_CHUNK, need - rest)


def read_records(path, compression_type=None, buffer_size=None):
    """Yields the records of one TFRecord file, checking lengths and CRCs."""
    for block in read_record_blocks(path, compression_type, buffer_size):
        yield from block
