"""`keras.utils.get_file`: download once into the Keras cache, verify, extract.

Files live under `$KERAS_HOME/datasets` (default `~/.keras/datasets`). A
download goes to a temporary file and is only moved into place after its
hash matched, so the cache never holds partial data. Offline, a missing or
corrupt file raises an error that names the file, where to put it and the
expected hash.

>>> import os, tempfile
>>> src = os.path.join(tempfile.mkdtemp(), "a.txt"); _ = open(src, "w").write("hi")
>>> p = get_file("a.txt", "file://" + src, cache_dir=tempfile.mkdtemp())
>>> open(p).read()
'hi'
"""
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile

__all__ = ["get_file", "keras_cache_dir"]


def keras_cache_dir():
    """`$KERAS_HOME` or `~/.keras` (`/tmp/.keras` when the home folder is not writable)."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    if not os.environ.get("KERAS_HOME"):
        try:
            os.makedirs(base, exist_ok=True)
        except OSError:
            base = os.path.join(tempfile.gettempdir(), ".keras")
        if not os.access(base, os.W_OK):
            base = os.path.join(tempfile.gettempdir(), ".keras")
    return base


def _hash_file(path, algorithm, chunk=1 << 20):
    h = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _algorithm(file_hash, hash_algorithm):
    if hash_algorithm in ("sha256", "md5"):
        return hash_algorithm
    if hash_algorithm != "auto":
        raise ValueError(f"Unknown hash_algorithm {hash_algorithm!r}; use 'md5', 'sha256' "
                         "or 'auto'.")
    return "sha256" if len(file_hash) == 64 else "md5"


def validate_file(fpath, file_hash, algorithm="auto"):
    """True when the file's md5/sha256 (picked from the hash length) equals `file_hash`."""
    return _hash_file(fpath, _algorithm(file_hash, algorithm)) == str(file_hash)


def _extract(path, to, archive_format):
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [] if archive_format is None else [archive_format] if isinstance(
            archive_format, str) else list(archive_format))
    for fmt in formats:
        if fmt == "tar" and tarfile.is_tarfile(path):
            with tarfile.open(path) as t:
                t.extractall(to, filter="data")
            return True
        if fmt == "zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                z.extractall(to)
            return True
    return False


def _missing(fname, fpath, origin, file_hash, reason):
    want = f" Its expected hash is {file_hash}." if file_hash else ""
    return FileNotFoundError(
        f"Could not obtain '{fname}': {reason}. Download it from {origin} and place it at "
        f"{fpath} (the folder is $KERAS_HOME/<cache_subdir>, default ~/.keras/datasets).{want}")


def _download(origin, dest, fname, file_hash, algorithm):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest), prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(origin, timeout=30) as resp:
            shutil.copyfileobj(resp, out)
        if file_hash is not None and not validate_file(tmp, file_hash, algorithm):
            raise _missing(fname, dest, origin, file_hash,
                           "the downloaded file's hash does not match (corrupt download)")
        os.replace(tmp, dest)
    except BaseException as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(e, FileNotFoundError):
            raise
        if isinstance(e, (OSError, ValueError)):
            raise _missing(fname, dest, origin, file_hash, f"download failed ({e})") from e
        raise


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None):
    """Returns the local path of `fname`, downloading it from `origin` if needed.

    A cached file with a wrong hash is downloaded again; `extract=True` (or
    `untar=True`) unpacks tar/zip archives next to it.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if not fname:
        fname = os.path.basename(urllib.request.urlparse(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             "Please specify the `fname` argument.")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    cache_dir = os.path.expanduser(cache_dir) if cache_dir else keras_cache_dir()
    datadir = cache_subdir if os.path.isabs(cache_subdir) else os.path.join(cache_dir, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    fname = os.fspath(fname)
    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + ".tar.gz"
    else:
        fpath = os.path.join(datadir, fname)
    algorithm = _algorithm(file_hash, hash_algorithm) if file_hash else None
    need = not os.path.exists(fpath)
    if not need and file_hash is not None and not validate_file(fpath, file_hash, algorithm):
        need = True  # corrupt or outdated: fetch it again
    if need:
        _download(origin, fpath, fname, file_hash, algorithm)
    if untar:
        if not os.path.exists(untar_fpath):
            _extract(fpath, datadir, "tar")
        return untar_fpath
    if extract:
        _extract(fpath, datadir, archive_format)
    return fpath
