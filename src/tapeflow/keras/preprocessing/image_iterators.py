"""Batch iterators of `ImageDataGenerator`: `Iterator` (shuffled index batches,
a `keras.utils.Sequence`, so `fit` takes it), `NumpyArrayIterator` (`flow`) and
`DirectoryIterator` (`flow_from_directory`).

Each batch is augmented at once (one compiled warp for the whole batch), so
there is no Python loop over images unless a `preprocessing_function` is given.

>>> import numpy as np
>>> it = NumpyArrayIterator(np.zeros((5, 4, 4, 1)), np.arange(5), None, batch_size=2,
...                         shuffle=False)
>>> len(it), it[2][0].shape
(3, (1, 4, 4, 1))
"""
import os
import threading

import numpy as np

from ..utils.image_utils import array_to_img, img_to_array, load_img
from ..utils.sequence_utils import Sequence

__all__ = ["Iterator", "NumpyArrayIterator", "DirectoryIterator"]

_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff")


class Iterator(Sequence):
    """Shuffled batches of indices into `n` samples; endless under `next()`."""

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n, batch_size, shuffle, seed):
        super().__init__()
        self.n, self.batch_size, self.shuffle, self.seed = n, int(batch_size), shuffle, seed
        self.batch_index = self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.arange(self.n)
        if self.shuffle:
            seed = None if self.seed is None else self.seed + self.total_batches_seen
            self.index_array = np.random.RandomState(seed).permutation(self.n)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        if self.index_array is None:
            self._set_index_array()
        self.total_batches_seen += 1
        return self._get_batches_of_transformed_samples(
            self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)])

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.batch_index == 0:
                self._set_index_array()
            if self.n == 0:
                current = 0
            else:
                current = (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current:current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    next = __next__

    def _transform_batch(self, batch):
        gen = self.image_data_generator
        if gen is not None:
            batch = gen.random_transform_batch(batch.astype(self.dtype), seed=None)
            batch = gen.standardize_batch(batch)
        return batch

    def _save(self, batch, index_array):
        if not self.save_to_dir:
            return
        for i, j in enumerate(index_array):
            img = array_to_img(batch[i], self.data_format, scale=True)
            name = (f"{self.save_prefix}_{j}_{np.random.randint(int(1e7))}."
                    f"{self.save_format}")
            img.save(os.path.join(self.save_to_dir, name))


class NumpyArrayIterator(Iterator):
    """Batches of `(x, y[, sample_weight])` from arrays, augmented by the generator."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype="float32"):
        x = np.asarray(x, dtype=dtype)
        if x.ndim != 4:
            raise ValueError(f"Input data in `NumpyArrayIterator` should have rank 4. You "
                             f"passed an array with shape {x.shape}")
        if y is not None and len(x) != len(y):
            raise ValueError(f"`x` (images tensor) and `y` (labels) should have the same "
                             f"length. Found: x.shape = {x.shape}, y.shape = "
                             f"{np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {x.shape}, sample_weight.shape = "
                             f"{np.asarray(sample_weight).shape}")
        self.data_format = data_format or "channels_last"
        if subset is not None:
            split = image_data_generator._validation_split
            cut = int(len(x) * split)
            sl = slice(None, cut) if subset == "validation" else slice(cut, None)
            x = x[sl]
            y = None if y is None else np.asarray(y)[sl]
            sample_weight = None if sample_weight is None else np.asarray(sample_weight)[sl]
        self.x, self.y = x, None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator, self.dtype = image_data_generator, dtype
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, \
            save_format
        super().__init__(len(x), batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch = self.x[index_array]
        if self.data_format == "channels_first":
            batch = batch.transpose(0, 2, 3, 1)
        batch = self._transform_batch(batch)
        if self.data_format == "channels_first":
            batch = batch.transpose(0, 3, 1, 2)
        self._save(batch, index_array)
        if self.y is None:
            return batch
        out = (batch, self.y[index_array])
        if self.sample_weight is not None:
            out += (self.sample_weight[index_array],)
        return out


class DirectoryIterator(Iterator):
    """Batches of images read from class sub-folders of `directory`."""

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype="float32"):
        if color_mode not in ("rgb", "rgba", "grayscale"):
            raise ValueError(f"Invalid color mode: {color_mode}; expected \"rgb\", \"rgba\", "
                             f"or \"grayscale\".")
        if class_mode not in ("categorical", "binary", "sparse", "input", None):
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of "
                             f"\"categorical\", \"binary\", \"sparse\", \"input\" or None.")
        self.directory, self.image_data_generator = directory, image_data_generator
        self.target_size = tuple(target_size)
        self.color_mode, self.class_mode, self.dtype = color_mode, class_mode, dtype
        self.data_format = data_format or "channels_last"
        self.interpolation, self.keep_aspect_ratio = interpolation, keep_aspect_ratio
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, \
            save_format
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}[color_mode]
        self.image_shape = self.target_size + (channels,)
        if classes is None:
            classes = sorted(d for d in os.listdir(directory)
                             if os.path.isdir(os.path.join(directory, d)))
        self.class_indices = {c: i for i, c in enumerate(classes)}
        self.num_classes = len(classes)
        split = (0.0, 1.0)
        if subset is not None:
            v = image_data_generator._validation_split
            split = (0.0, v) if subset == "validation" else (v, 1.0)
        self.filenames, labels = [], []
        for c in classes:
            files = []
            root = os.path.join(directory, c)
            for dirpath, _, names in sorted(os.walk(root, followlinks=follow_links)):
                files.extend(os.path.relpath(os.path.join(dirpath, f), directory)
                             for f in sorted(names) if f.lower().endswith(_IMAGE_EXTENSIONS))
            lo, hi = int(split[0] * len(files)), int(split[1] * len(files))
            self.filenames.extend(files[lo:hi])
            labels.extend([self.class_indices[c]] * (hi - lo))
        self.classes = np.asarray(labels, dtype="int32")
        self.filepaths = [os.path.join(directory, f) for f in self.filenames]
        print(f"Found {len(self.filenames)} images belonging to {self.num_classes} classes.")
        super().__init__(len(self.filenames), batch_size, shuffle, seed)

    @property
    def labels(self):
        return self.classes

    def _get_batches_of_transformed_samples(self, index_array):
        batch = np.stack([img_to_array(load_img(
            self.filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
            interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio),
            dtype=self.dtype) for j in index_array]) if len(index_array) else \
            np.zeros((0,) + self.image_shape, self.dtype)
        batch = self._transform_batch(batch)
        if self.data_format == "channels_first":
            batch = batch.transpose(0, 3, 1, 2)
        self._save(batch, index_array)
        labels = self.classes[index_array]
        if self.class_mode == "input":
            return batch, batch.copy()
        if self.class_mode == "sparse":
            return batch, labels.astype(self.dtype)
        if self.class_mode == "binary":
            return batch, labels.astype(self.dtype)
        if self.class_mode == "categorical":
            return batch, np.eye(self.num_classes, dtype=self.dtype)[labels]
        return batch
