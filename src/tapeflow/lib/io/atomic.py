"""Atomic file writes: write a temporary file in the target directory, then rename.

>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> atomic_write(p, lambda t: open(t, "w").write("hi")); open(p).read()
'hi'
"""
import os
import tempfile

__all__ = ["atomic_write"]


def atomic_write(path, write_fn):
    """Calls `write_fn(tmp_path)` then renames it over `path`; on error `path` is untouched.

    The temporary file lives in `path`'s directory (same filesystem, so the rename
    is atomic); a process killed mid-write leaves `path` as it was.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=directory)
    os.close(fd)
    try:
        write_fn(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
