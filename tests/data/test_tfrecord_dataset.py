"""TFRecordDataset: batches cut from record blocks equal the element-by-element order."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.io import tfrecord


@pytest.mark.parametrize("width", [1, 2, 3, -1])
def test_batched_blocks_follow_the_interleaved_order(tmp_path, monkeypatch, width):
    monkeypatch.setattr(tfrecord, "_CHUNK", 40)  # a few records per block
    rng = np.random.default_rng(width + 5)
    paths, expect = [], []
    for k in range(5):
        p = str(tmp_path / f"{k}.tfrecord")
        records = [f"{k}-{i}".encode() * int(rng.integers(1, 4)) for i in
                   range(int(rng.integers(0, 9)))]
        with tf.io.TFRecordWriter(p) as w:
            for r in records:
                w.write(r)
        paths.append(p)
        expect.append(records)
    ds = tf.data.TFRecordDataset(paths, num_parallel_reads=width)
    one_by_one = [x.numpy() for x in ds]
    assert one_by_one == _cycle(expect, len(paths) if width == -1 else width)
    batched = [r for b in ds.batch(4).as_numpy_iterator() for r in b.tolist()]
    assert batched == one_by_one


def _cycle(files, width):
    """TF's interleave of files (cycle_length=width, block_length=1): one record of each
    open file in turn; an exhausted file's slot opens the next file at once."""
    pending, open_files, out, i = [list(f) for f in files[width:]], \
        [list(f) for f in files[:width]], [], 0
    while open_files:
        i %= len(open_files)
        if open_files[i]:
            out.append(open_files[i].pop(0))
            i += 1
        elif pending:
            open_files[i] = pending.pop(0)
        else:
            open_files.pop(i)
    return out
