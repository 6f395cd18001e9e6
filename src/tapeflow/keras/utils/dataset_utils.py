"""Dataset builders: timeseries_dataset_from_array, image_dataset_from_directory,
text_dataset_from_directory, split_dataset.

>>> ds = timeseries_dataset_from_array(np.arange(6), None, sequence_length=3, batch_size=2)
>>> [b.numpy().tolist() for b in ds]
[[[0, 1, 2], [1, 2, 3]], [[2, 3, 4], [3, 4, 5]]]
"""
import os

import numpy as np

from ...data import Dataset
from ...data import structure
from ...data.batching import ListDataset

__all__ = ["timeseries_dataset_from_array", "image_dataset_from_directory",
           "text_dataset_from_directory", "split_dataset"]


class _Windows(Dataset):
    """Windows data[s : s + length*rate : rate] (and targets[s]) for start positions s."""

    def __init__(self, data, targets, starts, length, rate):
        self._data, self._targets, self._starts = data, targets, starts
        self._offsets = np.arange(length) * rate

    def _card(self):
        return len(self._starts)

    def _compute_spec(self):
        return structure.spec_of(self._gather(np.arange(min(1, len(self._starts)))), batched=True)

    def _index_plan(self):
        return self, iter((np.arange(len(self._starts)),))

    def _gather(self, idx):
        x = self._data[self._starts[idx][:, None] + self._offsets]
        return x if self._targets is None else (x, self._targets[self._starts[idx]])

    def _element(self, i):
        got = self._gather(np.array([i]))
        return got[0] if self._targets is None else (got[0][0], got[1][0])


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """Sliding windows over `data` (targets[i] goes with the window starting at i)."""
    data = structure.to_numpy_leaf(data)
    for name, v in (("sequence_length", sequence_length), ("sampling_rate", sampling_rate),
                    ("sequence_stride", sequence_stride)):
        if int(v) <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={v}")
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    if not 0 <= start < max(len(data), 1):
        raise ValueError(f"`start_index` must be 0 <= start_index < len(data). Received: "
                         f"start_index={start_index}")
    if targets is not None:
        targets = structure.to_numpy_leaf(targets)
        if len(targets) != len(data):
            raise ValueError("Expected data and targets to have the same number of time steps "
                             f"(axis 0) but got data.shape={data.shape}, "
                             f"targets.shape={targets.shape}")
    last = end - (sequence_length - 1) * sampling_rate
    starts = np.arange(start, max(last, start), sequence_stride, dtype=np.int64)
    if shuffle:
        np.random.default_rng(seed).shuffle(starts)
    ds = _Windows(data, targets, starts, int(sequence_length), int(sampling_rate))
    return ds.batch(batch_size) if batch_size is not None else ds


def _index_directory(directory, labels, formats, class_names, shuffle, seed, follow_links):
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            if sorted(class_names) != sorted(subdirs) and set(class_names) - set(subdirs):
                raise ValueError(f"The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs}, "
                                 f"but received: {class_names}")
            subdirs = list(class_names)
        class_names = subdirs
        folders = [(os.path.join(directory, d), k) for k, d in enumerate(subdirs)]
    else:
        folders = [(directory, 0)]
    paths, found = [], []
    for folder, k in folders:
        for root, _, files in sorted(os.walk(folder, followlinks=follow_links)):
            for f in sorted(files):
                if f.lower().endswith(formats):
                    paths.append(os.path.join(root, f))
                    found.append(k)
    if labels not in ("inferred", None):
        found = list(labels)
        if len(found) != len(paths):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(found)} while we found "
                             f"{len(paths)} files in directory {directory}.")
    found = np.asarray(found, dtype=np.int32)
    if shuffle:
        order = np.random.RandomState(seed if seed is not None else
                                      np.random.randint(1e6)).permutation(len(paths))
        paths, found = [paths[i] for i in order], found[order]
    return paths, found, class_names


def _split(paths, labels, validation_split, subset, seed, shuffle):
    if not validation_split:
        return paths, labels
    if not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if subset not in ("training", "validation"):
        raise ValueError('If `validation_split` is set, `subset` must be "training", '
                         f'"validation" or "both". Received: subset={subset}')
    if shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")
    n_val = int(validation_split * len(paths))
    if subset == "training":
        return paths[:len(paths) - n_val], labels[:len(paths) - n_val]
    return paths[len(paths) - n_val:], labels[len(paths) - n_val:]


def _labels_array(labels, label_mode, num_classes):
    if label_mode == "int":
        return labels.astype(np.int32)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    if label_mode == "binary":
        if num_classes != 2:
            raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                             f"class_names. Received: class_names has {num_classes} classes")
        return labels.astype(np.float32)[:, None]
    raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", '
                     f"or None. Received: label_mode={label_mode}")


def _build(paths, labels, label_mode, class_names, loader, batch_size):
    xs = Dataset.from_tensor_slices(np.array(paths, dtype=object)).map(
        lambda p: loader(p.numpy().item().decode() if isinstance(
            p.numpy().item(), bytes) else p.numpy().item()))
    if label_mode is None:
        ds = xs
    else:
        ds = Dataset.zip((xs, Dataset.from_tensor_slices(
            _labels_array(labels, label_mode, len(class_names or [0, 1])))))
    if batch_size is not None:
        ds = ds.batch(batch_size)
    ds.class_names = class_names
    ds.file_paths = list(paths)
    return ds


def _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                    validation_split, subset, follow_links, formats, loader):
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple, np.ndarray)):
        raise ValueError('`labels` argument should be a list/tuple of integer labels, of the '
                         'string "inferred", or None. Received: labels={labels}')
    if labels is None:
        label_mode = None
    paths, found, names = _index_directory(directory, labels, formats, class_names, shuffle,
                                           seed, follow_links)
    if subset == "both":
        return [_from_directory(directory, labels, label_mode, class_names, batch_size, shuffle,
                                seed, validation_split, s, follow_links, formats, loader)
                for s in ("training", "validation")]
    paths, found = _split(paths, found, validation_split, subset, seed, shuffle)
    print(f"Found {len(paths)} files belonging to {len(names or [])} classes.")
    return _build(paths, found, label_mode, names, loader, batch_size)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False, **kwargs):
    """Images (float32, `image_size`) labelled by their sub-folder; needs `pillow`."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("image_dataset_from_directory needs the `pillow` package to decode "
                          "images: pip install pillow") from e
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}
    if color_mode not in channels:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. '
                         f"Received: color_mode={color_mode}")
    mode = {"rgb": "RGB", "rgba": "RGBA", "grayscale": "L"}[color_mode]
    resample = getattr(Image, interpolation.upper(), Image.BILINEAR)

    def load(path):
        with Image.open(path) as im:
            im = im.convert(mode).resize((image_size[1], image_size[0]), resample)
            a = np.asarray(im, dtype=np.float32)
        return a.reshape(image_size[0], image_size[1], channels[color_mode])
    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle,
                           seed, validation_split, subset, follow_links,
                           (".bmp", ".gif", ".jpeg", ".jpg", ".png"), load)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False):
    """The `.txt` files under `directory` as tf.string, labelled by their sub-folder."""
    def load(path):
        with open(path, "rb") as f:
            text = f.read()
        if max_length is not None:
            text = text[:max_length]
        return np.array(text, dtype=object)
    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle,
                           seed, validation_split, subset, follow_links, (".txt",), load)


def _sizes(total, left, right):
    if left is None and right is None:
        raise TypeError("You must specify either `left_size` or `right_size`.")
    for name, v in (("left_size", left), ("right_size", right)):
        if v is not None and (v < 0 or (isinstance(v, float) and v >= 1 and v != int(v))
                              or (isinstance(v, float) and not 0 < v < 1)):
            raise ValueError(f"`{name}` should be either a positive integer or a float between "
                             f"0 and 1. Received: {name}={v}")
    conv = [None if v is None else (round(v * total) if isinstance(v, float) else int(v))
            for v in (left, right)]
    lft, rgt = conv
    if lft is None:
        lft = total - rgt
    if rgt is None:
        rgt = total - lft
    if lft + rgt > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the "
                         f"total size of the dataset ({total}). Received: left_size={left}, "
                         f"right_size={right}")
    return lft, rgt


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits arrays, tuples of arrays or a finite Dataset into two Datasets.

    >>> a, b = split_dataset(np.arange(10), left_size=0.8)
    >>> len(a), len(b)
    (8, 2)
    """
    if isinstance(dataset, Dataset):
        elems = list(dataset._elements())
        total = len(elems)
        lft, rgt = _sizes(total, left_size, right_size)
        order = np.random.default_rng(seed).permutation(total) if shuffle else np.arange(total)
        spec = dataset.element_spec
        return (Dataset(ListDataset([elems[i] for i in order[:lft]], spec)),
                Dataset(ListDataset([elems[i] for i in order[total - rgt:]], spec)))
    if isinstance(dataset, list):
        dataset = np.asarray(dataset)
    data = structure.normalize(dataset)
    total = len(structure.flat(data)[0])
    lft, rgt = _sizes(total, left_size, right_size)
    order = np.random.default_rng(seed).permutation(total) if shuffle else np.arange(total)
    return (Dataset.from_tensor_slices(structure._map(lambda a: a[order[:lft]], data)),
            Dataset.from_tensor_slices(structure._map(lambda a: a[order[total - rgt:]], data)))
