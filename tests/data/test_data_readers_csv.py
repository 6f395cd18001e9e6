"""CsvDataset, make_csv_dataset, FixedLengthRecordDataset, from_generator's
output_types/output_shapes, group_by_window."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def _write(path, text):
    path.write_text(text)
    return str(path)


def test_csv_dataset_defaults_select_cols_and_errors(tmp_path):
    p = _write(tmp_path / "a.csv", 'id,name,score\n1,"a,b",2.5\n2,,NA\n3,c,4\n')
    ds = tf.data.experimental.CsvDataset(p, [tf.int64, "?", -1.0], header=True, na_value="NA")
    got = [(int(a), b.numpy(), float(c)) for a, b, c in ds]
    assert got == [(1, b"a,b", 2.5), (2, b"?", -1.0), (3, b"c", 4.0)]
    assert [s.dtype for s in ds.element_spec] == [tf.int64, tf.string, tf.float32]
    sel = tf.data.experimental.CsvDataset(p, [0, 0.0], header=True, select_cols=[0, 2],
                                          na_value="NA")
    assert [(int(a), float(b)) for a, b in sel] == [(1, 2.5), (2, 0.0), (3, 4.0)]
    q = _write(tmp_path / "b.csv", "1;x\n;y\n")
    with pytest.raises(tf.errors.InvalidArgumentError, match="required"):
        list(tf.data.experimental.CsvDataset(q, [tf.int32, tf.string], field_delim=";"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 3 fields"):
        list(tf.data.experimental.CsvDataset(q, [0, "", ""], field_delim=";"))


def test_make_csv_dataset_infers_types_and_splits_label(tmp_path):
    p = _write(tmp_path / "t.csv", "a,b,c,label\n1,0.5,x,0\n2,1.5,y,1\n3,2,z,0\n")
    ds = tf.data.experimental.make_csv_dataset(p, batch_size=2, label_name="label",
                                               num_epochs=1, shuffle=False)
    batches = list(ds)
    feats, label = batches[0]
    assert list(feats) == ["a", "b", "c"]
    assert feats["a"].dtype == tf.int32 and feats["b"].dtype == tf.float32
    assert feats["c"].numpy().tolist() == [b"x", b"y"] and label.numpy().tolist() == [0, 1]
    assert batches[1][0]["b"].numpy().tolist() == [2.0] and len(batches) == 2
    sel = tf.data.experimental.make_csv_dataset(p, 3, select_columns=["a", "label"],
                                                label_name="label", num_epochs=1, shuffle=False)
    feats, label = next(iter(sel))
    assert list(feats) == ["a"] and feats["a"].numpy().tolist() == [1, 2, 3]


def test_fixed_length_record_dataset(tmp_path):
    raw = np.arange(12, dtype=np.uint8).tobytes()
    p = tmp_path / "r.bin"
    p.write_bytes(b"HH" + raw + b"F")
    ds = tf.data.FixedLengthRecordDataset(str(p), 4, header_bytes=2, footer_bytes=1)
    recs = [tf.io.decode_raw(r, tf.uint8).numpy().tolist() for r in ds]
    assert recs == np.arange(12).reshape(3, 4).tolist()
    with pytest.raises(tf.errors.DataLossError, match="not an exact multiple"):
        list(tf.data.FixedLengthRecordDataset(str(p), 4))


def test_from_generator_output_types_and_shapes():
    def gen():
        yield 1, [1, 2]
        yield 2, [3]
    ds = Dataset.from_generator(gen, output_types=(tf.int64, tf.int64),
                                output_shapes=((), (None,)))
    assert [s.shape.as_list() for s in ds.element_spec] == [[], [None]]
    got = [(int(a), b.tolist()) for a, b in ds.as_numpy_iterator()]
    assert got == [(1, [1, 2]), (2, [3])]
    d = Dataset.from_generator(lambda: iter([{"a": [1.0]}]), output_types={"a": tf.float32},
                               output_shapes={"a": [1]})
    assert d.element_spec["a"].shape.as_list() == [1]
    with pytest.raises(ValueError, match="structure of `output_types`"):
        Dataset.from_generator(gen, output_types=(tf.int64, tf.int64), output_shapes=((),))


def test_group_by_window():
    ds = Dataset.range(7).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0, 2, 4], [1, 3, 5], [6]]
    by_size = Dataset.range(6).apply(tf.data.experimental.group_by_window(
        lambda x: x % 3, lambda k, w: w.batch(10), window_size_func=lambda k: k + 1))
    assert sorted(b.tolist() for b in by_size.as_numpy_iterator()) == [
        [0], [1, 4], [2, 5], [3]]
