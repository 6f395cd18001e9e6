"""keras.utils data helpers vs Keras's documented behaviour."""
import hashlib
import random
import tarfile
import time
import zipfile

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import utils


def test_to_categorical_doc_example():
    a = utils.to_categorical([0, 1, 2, 3], num_classes=4)
    np.testing.assert_array_equal(a, np.eye(4, dtype=np.float32))
    assert a.dtype == np.float32
    assert utils.to_categorical([[1], [2]]).shape == (2, 3)
    assert utils.to_categorical(np.zeros((2, 3), int), 2).shape == (2, 3, 2)


def test_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(utils.normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(utils.normalize(x, order=1)[0], [3 / 7, 4 / 7])
    np.testing.assert_allclose(utils.normalize(x, axis=0)[:, 0], [1.0, 0.0])


def test_pad_sequences_modes():
    seqs = [[1], [2, 3], [4, 5, 6]]
    np.testing.assert_array_equal(utils.pad_sequences(seqs),
                                  [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, value=-1),
                                  [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, padding="post"),
                                  [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, maxlen=2),
                                  [[0, 1], [2, 3], [5, 6]])
    np.testing.assert_array_equal(utils.pad_sequences(seqs, maxlen=2, truncating="post"),
                                  [[0, 1], [2, 3], [4, 5]])
    assert utils.pad_sequences(seqs).dtype == np.int32
    assert utils.pad_sequences([[0.5]], dtype="float32", maxlen=2).tolist() == [[0.0, 0.5]]
    assert utils.pad_sequences([[], [1]]).tolist() == [[0], [1]]
    with pytest.raises(ValueError):
        utils.pad_sequences(seqs, padding="middle")
    with pytest.raises(ValueError):
        utils.pad_sequences([1, 2])


def test_get_file_hash_cache_and_extract(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    src = tmp_path / "payload.txt"
    src.write_text("hello")
    sha = hashlib.sha256(b"hello").hexdigest()
    md5 = hashlib.md5(b"hello").hexdigest()
    p = utils.get_file("p.txt", "file://" + str(src), file_hash=sha)
    assert p == str(tmp_path / "home" / "datasets" / "p.txt") and open(p).read() == "hello"
    src.write_text("changed")  # cached copy with a valid hash is reused
    assert open(utils.get_file("p.txt", "file://" + str(src), file_hash=sha)).read() == "hello"
    assert utils.get_file("p.txt", "file://" + str(src), md5_hash=md5) == p
    with pytest.raises(FileNotFoundError, match="hash"):
        utils.get_file("q.txt", "file://" + str(src), file_hash=sha)
    sub = utils.get_file("r.txt", "file://" + str(src), cache_subdir="other",
                         cache_dir=str(tmp_path / "cd"))
    assert sub == str(tmp_path / "cd" / "other" / "r.txt")
    arch = tmp_path / "a.tar.gz"
    inner = tmp_path / "inner.txt"
    inner.write_text("in tar")
    with tarfile.open(arch, "w:gz") as t:
        t.add(inner, arcname="folder/inner.txt")
    utils.get_file("a.tar.gz", "file://" + str(arch), extract=True)
    assert (tmp_path / "home" / "datasets" / "folder" / "inner.txt").read_text() == "in tar"
    untarred = utils.get_file("folder2", "file://" + str(arch), untar=True)
    assert untarred.endswith("folder2")
    z = tmp_path / "z.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("zipped.txt", "zz")
    utils.get_file("z.zip", "file://" + str(z), extract=True)
    assert (tmp_path / "home" / "datasets" / "zipped.txt").read_text() == "zz"
    with pytest.raises(ValueError):
        utils.get_file("x")


def test_timeseries_dataset_from_array_doc_example():
    data = np.arange(100)
    ds = utils.timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10,
                                             batch_size=16)
    x, y = next(iter(ds))
    assert x.shape == (16, 10) and y.shape == (16,)
    np.testing.assert_array_equal(x.numpy()[0], np.arange(10))
    assert int(y[0]) == 10
    total = sum(b[0].shape[0] for b in ds)
    assert total == 81
    ds = utils.timeseries_dataset_from_array(np.arange(20), None, sequence_length=3,
                                             sequence_stride=4, sampling_rate=2, batch_size=None)
    assert [w.numpy().tolist() for w in ds][:2] == [[0, 2, 4], [4, 6, 8]]
    sh = utils.timeseries_dataset_from_array(np.arange(30), None, 5, shuffle=True, seed=1,
                                             batch_size=100)
    starts = sorted(next(iter(sh)).numpy()[:, 0].tolist())
    assert starts == list(range(26))
    with pytest.raises(ValueError):
        utils.timeseries_dataset_from_array(data, data[:5], 3)


def make_tree(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_text_dataset_from_directory(tmp_path, capsys):
    make_tree(tmp_path, {"neg/a.txt": "bad", "neg/b.txt": "awful", "pos/c.txt": "good",
                         "pos/d.txt": "great", "pos/skip.csv": "x"})
    ds = utils.text_dataset_from_directory(str(tmp_path), batch_size=2, shuffle=False)
    assert ds.class_names == ["neg", "pos"]
    assert "Found 4 files belonging to 2 classes." in capsys.readouterr().out
    texts, labels = [], []
    for x, y in ds:
        texts += x.numpy().tolist()
        labels += y.numpy().tolist()
    assert texts == [b"bad", b"awful", b"good", b"great"] and labels == [0, 0, 1, 1]
    tr = utils.text_dataset_from_directory(str(tmp_path), batch_size=None, seed=3,
                                           validation_split=0.25, subset="training",
                                           label_mode="categorical", max_length=3)
    va = utils.text_dataset_from_directory(str(tmp_path), batch_size=None, seed=3,
                                           validation_split=0.25, subset="validation",
                                           label_mode="categorical", max_length=3)
    got_tr = [t for t, _ in tr.as_numpy_iterator()]
    got_va = [t for t, _ in va.as_numpy_iterator()]
    assert len(got_tr) == 3 and len(got_va) == 1
    assert sorted(got_tr + got_va) == sorted([b"bad", b"awf", b"goo", b"gre"])
    assert next(iter(tr))[1].shape == (2,)
    both = utils.text_dataset_from_directory(str(tmp_path), seed=1, validation_split=0.5,
                                             subset="both")
    assert len(both) == 2
    with pytest.raises(ValueError):
        utils.text_dataset_from_directory(str(tmp_path), validation_split=0.5,
                                          subset="training")


def test_image_dataset_from_directory(tmp_path):
    try:
        from PIL import Image
    except ImportError:
        with pytest.raises(ImportError, match="pillow"):
            utils.image_dataset_from_directory(str(tmp_path))
        return
    for cls, value in (("a", 10), ("b", 200)):
        (tmp_path / cls).mkdir()
        Image.fromarray(np.full((4, 6, 3), value, np.uint8)).save(tmp_path / cls / "x.png")
    ds = utils.image_dataset_from_directory(str(tmp_path), image_size=(2, 3), shuffle=False)
    x, y = next(iter(ds))
    assert x.shape == (2, 2, 3, 3) and x.dtype == tf.float32
    assert y.numpy().tolist() == [0, 1] and float(x[1, 0, 0, 0]) == 200.0


def test_split_dataset():
    left, right = utils.split_dataset(np.arange(10), left_size=0.8)
    assert [int(v) for v in left] == list(range(8)) and [int(v) for v in right] == [8, 9]
    x, y = np.arange(10), np.arange(10) * 2
    left, right = utils.split_dataset((x, y), right_size=3, shuffle=True, seed=0)
    pairs = [(int(a), int(b)) for a, b in left] + [(int(a), int(b)) for a, b in right]
    assert len(right) == 3 and sorted(pairs) == [(i, 2 * i) for i in range(10)]
    l2, r2 = utils.split_dataset(tf.data.Dataset.range(5), left_size=2)
    assert [int(v) for v in l2] == [0, 1] and [int(v) for v in r2] == [2, 3, 4]
    with pytest.raises(TypeError):
        utils.split_dataset(np.arange(3))
    with pytest.raises(ValueError):
        utils.split_dataset(np.arange(3), left_size=2, right_size=2)


def test_pydataset_workers_and_epoch_end():
    import threading
    lock = threading.Lock()
    active = [0, 0]  # now, max

    class Slow(utils.PyDataset):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.ends = 0

        def __len__(self):
            return 6

        def __getitem__(self, i):
            with lock:
                active[0] += 1
                active[1] = max(active)
            time.sleep(0.02)
            with lock:
                active[0] -= 1
            return np.full((2,), i)

        def on_epoch_end(self):
            self.ends += 1
    s = Slow(workers=3)
    got = [b.tolist() for b in s]
    assert got == [[i, i] for i in range(6)] and s.ends == 1
    assert active[1] >= 2  # batches were loaded concurrently
    assert issubclass(utils.Sequence, utils.PyDataset)
    active[1] = 0
    assert [b.tolist() for b in Slow()] == got and active[1] == 1


def test_set_random_seed():
    utils.set_random_seed(123)
    a = (random.random(), np.random.rand())
    utils.set_random_seed(123)
    assert (random.random(), np.random.rand()) == a
    with pytest.raises(ValueError):
        utils.set_random_seed("x")
    assert keras.utils.to_categorical is utils.to_categorical
