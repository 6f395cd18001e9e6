"""keras.datasets loaders offline: small files made here in a temporary KERAS_HOME."""
import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

from tapeflow.keras import datasets
from tapeflow.keras.datasets import _common


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    d = tmp_path / "datasets"
    d.mkdir()
    return d


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def pin_hash(monkeypatch, module, path):
    monkeypatch.setattr(module, "FILE_HASH", sha256(path))


def offline(monkeypatch):
    """Any download attempt fails as it does without network."""
    def fail(*a, **k):
        raise OSError("network is unreachable")
    monkeypatch.setattr("urllib.request.urlopen", fail)


def test_mnist_from_cache(home, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 255, (6, 28, 28), dtype=np.uint8),
              "y_train": np.arange(6, dtype=np.uint8), "x_test": np.zeros((2, 28, 28), np.uint8),
              "y_test": np.array([1, 2], np.uint8)}
    np.savez(home / "mnist.npz", **arrays)
    pin_hash(monkeypatch, datasets.mnist, home / "mnist.npz")
    offline(monkeypatch)
    (x, y), (xt, yt) = datasets.mnist.load_data()
    np.testing.assert_array_equal(x, arrays["x_train"])
    assert x.dtype == np.uint8 and yt.tolist() == [1, 2]
    data, source = datasets.mnist.load_data_or_vendored()
    assert source == "keras.datasets.mnist" and data[0][0].shape == (6, 28, 28)


def test_mnist_offline_missing_names_file_place_and_hash(home, monkeypatch):
    offline(monkeypatch)
    with pytest.raises(FileNotFoundError) as info:
        datasets.mnist.load_data()
    msg = str(info.value)
    assert "mnist.npz" in msg and str(home) in msg and datasets.mnist.FILE_HASH in msg
    (x, y), (xt, yt) = datasets.mnist.load_vendored()
    assert x.shape == (8000, 28, 28) and xt.shape == (2000, 28, 28) and x.dtype == np.uint8
    assert set(np.unique(y).tolist()) == set(range(10)) and 0 < x.mean() < 255
    assert datasets.mnist.load_data_or_vendored()[1].startswith("vendored")


def test_corrupt_cached_file_is_refused_not_loaded(home, monkeypatch):
    np.savez(home / "mnist.npz", x_train=np.zeros(1))
    offline(monkeypatch)
    with pytest.raises(FileNotFoundError, match=datasets.mnist.FILE_HASH):
        datasets.mnist.load_data()
    assert (home / "mnist.npz").exists()  # left for the user to inspect/replace


def test_download_with_hash_mismatch_leaves_nothing(home, tmp_path, monkeypatch):
    src = tmp_path / "served.npz"
    np.savez(src, x=np.zeros(3))
    with pytest.raises(FileNotFoundError, match="hash does not match"):
        _common.fetch("b.npz", "file://" + str(src), "0" * 64)
    assert not (home / "b.npz").exists() and not list(home.glob(".part-*"))
    p = _common.fetch("b.npz", "file://" + str(src), sha256(src))
    assert os.path.exists(p)


def test_fashion_mnist_idx_files(home, monkeypatch):
    sub = home / "fashion-mnist"
    sub.mkdir()
    imgs = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    for name, payload, off in (("train-labels-idx1-ubyte.gz", b"\x01\x02", 8),
                               ("t10k-labels-idx1-ubyte.gz", b"\x03", 8),
                               ("train-images-idx3-ubyte.gz", imgs.tobytes(), 16),
                               ("t10k-images-idx3-ubyte.gz", imgs[:1].tobytes(), 16)):
        with gzip.open(sub / name, "wb") as f:
            f.write(b"\0" * off + payload)
    offline(monkeypatch)
    (x, y), (xt, yt) = datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(x, imgs)
    assert y.tolist() == [1, 2] and yt.tolist() == [3] and xt.shape == (1, 28, 28)


def _add(tar, name, obj):
    data = pickle.dumps(obj)
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def test_cifar10_tarball(home, monkeypatch):
    img = np.arange(3072, dtype=np.uint8)
    path = home / "cifar-10-batches-py.tar.gz"
    with tarfile.open(path, "w:gz") as t:
        for i in range(1, 6):
            _add(t, f"cifar-10-batches-py/data_batch_{i}", {b"data": np.stack([img]),
                                                            b"labels": [i]})
        _add(t, "cifar-10-batches-py/test_batch", {b"data": np.stack([img, img]),
                                                   b"labels": [0, 9]})
    pin_hash(monkeypatch, datasets.cifar10, path)
    offline(monkeypatch)
    (x, y), (xt, yt) = datasets.cifar10.load_data()
    assert x.shape == (5, 32, 32, 3) and y.shape == (5, 1) and y.dtype == np.uint8
    assert x[0, 0, 1, 0] == img[1] and x[0, 0, 0, 1] == img[1024]  # channels last
    assert yt.ravel().tolist() == [0, 9]


def test_cifar100_label_modes(home, monkeypatch):
    img = np.zeros((1, 3072), np.uint8)
    path = home / "cifar-100-python.tar.gz"
    with tarfile.open(path, "w:gz") as t:
        for split in ("train", "test"):
            _add(t, f"cifar-100-python/{split}", {b"data": img, b"fine_labels": [42],
                                                  b"coarse_labels": [7]})
    pin_hash(monkeypatch, datasets.cifar100, path)
    offline(monkeypatch)
    assert datasets.cifar100.load_data()[0][1].tolist() == [[42]]
    assert datasets.cifar100.load_data("coarse")[1][1].tolist() == [[7]]
    with pytest.raises(ValueError):
        datasets.cifar100.load_data("medium")


def _seqs(*lists):
    a = np.empty(len(lists), dtype=object)
    a[:] = [list(x) for x in lists]
    return a


def test_imdb_processing(home, monkeypatch):
    np.savez(home / "imdb.npz", x_train=_seqs([1, 2], [3, 4, 5, 6]), y_train=np.array([0, 1]),
             x_test=_seqs([7]), y_test=np.array([1]))
    pin_hash(monkeypatch, datasets.imdb, home / "imdb.npz")
    offline(monkeypatch)
    (x, y), (xt, yt) = datasets.imdb.load_data(seed=0, num_words=100)
    order = np.arange(2)
    np.random.RandomState(0).shuffle(order)
    ref = [[[1, 2], [3, 4, 5, 6]][i] for i in order]
    assert [list(s) for s in x] == [[1] + [w + 3 for w in r] for r in ref]
    assert x.dtype == object and list(xt[0]) == [1, 10]
    # Keras's default num_words is the largest index, which itself maps to oov_char
    assert list(datasets.imdb.load_data(seed=0)[1][0][0]) == [1, 2]
    (x, _), _ = datasets.imdb.load_data(seed=0, num_words=6, oov_char=2)
    assert all(w < 6 for s in x for w in s)
    (x, y), (xt, _) = datasets.imdb.load_data(seed=0, maxlen=4)
    assert len(x) == 1 and len(xt) == 1  # [1,2]+start is kept, the long one is dropped
    (x, _), _ = datasets.imdb.load_data(seed=0, start_char=None, index_from=0, skip_top=3,
                                        oov_char=None, num_words=100)
    assert sorted(len(s) for s in x) == [0, 4]  # words < skip_top=3 are dropped
    (home / "imdb_word_index.json").write_text(json.dumps({"the": 1}))
    monkeypatch.setattr(datasets.imdb, "WORD_INDEX_HASH",
                        hashlib.md5((home / "imdb_word_index.json").read_bytes()).hexdigest())
    assert datasets.imdb.get_word_index() == {"the": 1}


def test_reuters_boston_california(home, monkeypatch):
    np.savez(home / "reuters.npz", x=_seqs(*[[i] for i in range(10)]), y=np.arange(10))
    pin_hash(monkeypatch, datasets.reuters, home / "reuters.npz")
    x = np.arange(20, dtype=np.float64).reshape(10, 2)
    np.savez(home / "boston_housing.npz", x=x, y=x[:, 0] * 10)
    pin_hash(monkeypatch, datasets.boston_housing, home / "boston_housing.npz")
    np.savez(home / "california_housing.npz", x=x.astype(np.float32), y=x[:, 1])
    pin_hash(monkeypatch, datasets.california_housing, home / "california_housing.npz")
    offline(monkeypatch)
    (rx, ry), (rxt, ryt) = datasets.reuters.load_data(test_split=0.2, num_words=100)
    assert len(rx) == 8 and len(rxt) == 2
    assert all(list(s) == [1, int(lbl) + 3] for s, lbl in zip(rx, ry))
    (bx, by), (bxt, byt) = datasets.boston_housing.load_data()
    assert bx.shape == (8, 2) and bxt.shape == (2, 2) and bx.dtype == np.float64
    np.testing.assert_array_equal(by, bx[:, 0] * 10)
    (cx, cy), _ = datasets.california_housing.load_data(version="small", test_split=0.5)
    assert cx.shape == (5, 2) and cx.dtype == np.float32
    with pytest.raises(ValueError):
        datasets.california_housing.load_data(version="huge")
