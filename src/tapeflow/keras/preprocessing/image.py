"""`keras.preprocessing.image`: image files and arrays (`load_img`, `img_to_array`,
`array_to_img`, `save_img`, `smart_resize`) and `ImageDataGenerator`.

The generator draws each batch's augmentation parameters with NumPy (so
`keras.utils.set_random_seed` repeats them) and warps the whole batch with one
compiled projective transform (rotation, shifts, shear and zoom composed about
the image centre, as tf.keras 2.15 composes them).

>>> import numpy as np
>>> gen = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True)
>>> x, y = next(gen.flow(np.full((4, 8, 8, 3), 255.0), np.arange(4), batch_size=2))
>>> x.shape, float(x.max())
((2, 8, 8, 3), 1.0)
"""
import numpy as np

import tapeflow as tf

from ...image.transform_ops import FILL_MODES, affine_transform
from ..layers.preprocessing.image_layer import smart_resize as _smart_resize
from ..utils.image_utils import array_to_img, img_to_array, load_img, save_img
from .image_iterators import DirectoryIterator, Iterator, NumpyArrayIterator

__all__ = ["ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator",
           "load_img", "img_to_array", "array_to_img", "save_img", "smart_resize"]


def smart_resize(x, size, interpolation="bilinear"):
    """Resizes to `size` without distortion (centre crop to the aspect ratio first).

    >>> smart_resize(np.ones((4, 8, 3)), (2, 2)).shape
    TensorShape([2, 2, 3])
    """
    return _smart_resize(x, size, interpolation)


def _range(value, name):
    if np.isscalar(value):
        return [1 - value, 1 + value]
    if len(value) == 2:
        return [value[0], value[1]]
    raise ValueError(f"`{name}` should be a float or a tuple or list of two floats. "
                     f"Received: {value}")


class ImageDataGenerator:
    """Real-time augmentation and normalization of image batches."""

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None,
                 shear_range=0.0, zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest",
                 cval=0.0, horizontal_flip=False, vertical_flip=False, rescale=None,
                 preprocessing_function=None, data_format=None, validation_split=0.0,
                 interpolation_order=1, dtype=None):
        if fill_mode not in FILL_MODES:
            raise ValueError(f"`fill_mode` should be one of {list(FILL_MODES)}. "
                             f"Received: fill_mode={fill_mode}")
        if not 0 <= validation_split < 1:
            raise ValueError(f"`validation_split` must be strictly between 0 and 1. "
                             f"Received: {validation_split}")
        if brightness_range is not None and (np.isscalar(brightness_range) or
                                             len(brightness_range) != 2):
            raise ValueError(f"`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range, self.shear_range = rotation_range, shear_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.brightness_range, self.channel_shift_range = brightness_range, channel_shift_range
        self.zoom_range = _range(zoom_range, "zoom_range")
        self.fill_mode, self.cval, self.rescale = fill_mode, cval, rescale
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.preprocessing_function, self.interpolation_order = preprocessing_function, \
            interpolation_order
        self.data_format = data_format or "channels_last"
        self.dtype = dtype or "float32"
        self._validation_split = validation_split
        self.mean = self.std = self.principal_components = None

    # -- iterators ---------------------------------------------------------------
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """Batches of augmented `x` (with `y` and `sample_weight` when given)."""
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  subset=subset, ignore_class_split=ignore_class_split,
                                  dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False):
        """Batches of augmented images read from one sub-folder per class."""
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, classes=classes,
                                 class_mode=class_mode, batch_size=batch_size, shuffle=shuffle,
                                 seed=seed, data_format=self.data_format,
                                 save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, follow_links=follow_links,
                                 subset=subset, interpolation=interpolation,
                                 keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype)

    # -- normalization -----------------------------------------------------------
    def standardize(self, x):
        """Normalizes one image (or a batch) as configured; returns a new array."""
        x = np.asarray(x, dtype=self.dtype)
        single = x.ndim == 3
        y = self.standardize_batch(x[None] if single else x)
        return y[0] if single else y

    def standardize_batch(self, x):
        x = np.array(x, dtype=self.dtype)
        if self.preprocessing_function:
            x = np.stack([np.asarray(self.preprocessing_function(i), self.dtype) for i in x])
        if self.rescale:
            x *= self.rescale
        axes = (1, 2, 3)
        if self.samplewise_center:
            x -= np.mean(x, axis=axes, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, axis=axes, keepdims=True) + 1e-6
        if self.featurewise_center and self.mean is not None:
            x -= self.mean
        if self.featurewise_std_normalization and self.std is not None:
            x /= self.std + 1e-6
        if self.zca_whitening and self.principal_components is not None:
            flat = x.reshape(len(x), -1)
            x = (flat @ self.principal_components).reshape(x.shape).astype(self.dtype)
        return x

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the featurewise mean/std and ZCA matrix from sample images `x`."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"Input to `.fit()` should have rank 4. Got array with shape: "
                             f"{x.shape}")
        if self.data_format == "channels_first":
            x = x.transpose(0, 2, 3, 1)
        if seed is not None:
            np.random.seed(seed)
        if augment:
            x = np.concatenate([self.random_transform_batch(x) for _ in range(rounds)])
        if self.featurewise_center:
            self.mean = np.mean(x, axis=(0, 1, 2)).reshape(1, 1, 1, -1)
            x = x - self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, 1, 2)).reshape(1, 1, 1, -1)
            x = x / (self.std + 1e-6)
        if self.zca_whitening:
            flat = x.reshape(len(x), -1)
            sigma = flat.T @ flat / len(flat)
            u, s, _ = np.linalg.svd(sigma)
            self.principal_components = (u * (1.0 / np.sqrt(s[None] + self.zca_epsilon))) @ u.T

    # -- augmentation ------------------------------------------------------------
    def get_random_transform(self, img_shape, seed=None):
        """One image's random parameters (a dict, as in tf.keras)."""
        if seed is not None:
            np.random.seed(seed)
        p = self._draw(1, img_shape[0], img_shape[1])
        return {k: (v[0].item() if isinstance(v, np.ndarray) else v) for k, v in p.items()}

    def _draw(self, n, h, w):
        def shift(r, size):
            # int: whole pixels in (-r, r); float: a fraction of the size if < 1, else
            # pixels in [-r, r); array-like: choices
            if isinstance(r, (int, np.integer)) and not isinstance(r, bool):
                return np.random.randint(-r + 1, r, n).astype(float) if r else np.zeros(n)
            if np.isscalar(r):
                v = np.random.uniform(-r, r, n) if r else np.zeros(n)
                return v * size if abs(r) < 1 else v
            return np.random.choice(np.asarray(r), n).astype(float)
        zx = zy = np.ones(n)
        if self.zoom_range[0] != 1 or self.zoom_range[1] != 1:
            zx = np.random.uniform(self.zoom_range[0], self.zoom_range[1], n)
            zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], n)
        r = self.rotation_range
        return {
            "theta": np.random.uniform(-r, r, n) if r else np.zeros(n),
            "tx": shift(self.height_shift_range, h), "ty": shift(self.width_shift_range, w),
            "shear": (np.random.uniform(-self.shear_range, self.shear_range, n)
                      if self.shear_range else np.zeros(n)),
            "zx": zx, "zy": zy,
            "flip_horizontal": (np.random.random(n) < 0.5) & bool(self.horizontal_flip),
            "flip_vertical": (np.random.random(n) < 0.5) & bool(self.vertical_flip),
            "channel_shift_intensity": (np.random.uniform(-self.channel_shift_range,
                                                          self.channel_shift_range, n)
                                        if self.channel_shift_range else None),
            "brightness": (np.random.uniform(*self.brightness_range, n)
                           if self.brightness_range is not None else None)}

    def random_transform_batch(self, x, seed=None):
        """Augments a batch [b, h, w, c] with independent random parameters per image."""
        if seed is not None:
            np.random.seed(seed)
        return self._apply(x, self._draw(len(x), x.shape[1], x.shape[2]))

    def random_transform(self, x, seed=None):
        """Augments one image [h, w, c]."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    def apply_transform(self, x, transform_parameters):
        """Applies a `get_random_transform`-style dict to one image [h, w, c]."""
        defaults = {"theta": 0, "tx": 0, "ty": 0, "shear": 0, "zx": 1, "zy": 1,
                    "flip_horizontal": False, "flip_vertical": False,
                    "channel_shift_intensity": None, "brightness": None}
        p = {**defaults, **transform_parameters}
        batch = {k: (None if v is None else np.asarray([v])) for k, v in p.items()}
        return self._apply(np.asarray(x, self.dtype)[None], batch)[0]

    def _matrices(self, p, h, w):
        """Per-image [n, 8] output->input transforms in (x=col, y=row) pixel units."""
        n = len(p["theta"])
        th, sh = np.deg2rad(p["theta"]), np.deg2rad(p["shear"])
        m = np.tile(np.eye(3), (n, 1, 1))
        rot = m.copy()
        rot[:, 0, 0], rot[:, 0, 1], rot[:, 1, 0], rot[:, 1, 1] = (np.cos(th), -np.sin(th),
                                                                  np.sin(th), np.cos(th))
        shift = m.copy()
        shift[:, 0, 2], shift[:, 1, 2] = p["tx"], p["ty"]
        shear = m.copy()
        shear[:, 0, 1], shear[:, 1, 1] = -np.sin(sh), np.cos(sh)
        zoom = m.copy()
        zoom[:, 0, 0], zoom[:, 1, 1] = p["zx"], p["zy"]
        a = rot @ shift @ shear @ zoom          # (row, col) coordinates, as tf.keras
        oy, ox = h / 2 + 0.5, w / 2 + 0.5
        offset, reset = m.copy(), m.copy()
        offset[:, 0, 2], offset[:, 1, 2] = oy, ox
        reset[:, 0, 2], reset[:, 1, 2] = -oy, -ox
        a = offset @ a @ reset
        return np.stack([a[:, 1, 1], a[:, 1, 0], a[:, 1, 2], a[:, 0, 1], a[:, 0, 0],
                         a[:, 0, 2], np.zeros(n), np.zeros(n)], axis=1).astype(np.float32)

    def _apply(self, x, p):
        x = np.asarray(x, dtype=self.dtype)
        b, h, w = x.shape[:3]
        identity = not (np.any(p["theta"]) or np.any(p["tx"]) or np.any(p["ty"]) or
                        np.any(p["shear"]) or np.any(p["zx"] != 1) or np.any(p["zy"] != 1))
        if not identity:
            interp = "nearest" if self.interpolation_order == 0 else "bilinear"
            x = affine_transform(tf.constant(x), tf.constant(self._matrices(p, h, w)), interp,
                                 self.fill_mode, float(self.cval)).numpy()
        if p.get("channel_shift_intensity") is not None:
            lo = x.min(axis=(1, 2, 3), keepdims=True)
            hi = x.max(axis=(1, 2, 3), keepdims=True)
            x = np.clip(x + p["channel_shift_intensity"].reshape(-1, 1, 1, 1), lo, hi)
        fh = np.asarray(p["flip_horizontal"], bool).reshape(-1, 1, 1, 1)
        x = np.where(fh, x[:, :, ::-1], x)
        fv = np.asarray(p["flip_vertical"], bool).reshape(-1, 1, 1, 1)
        x = np.where(fv, x[:, ::-1], x)
        if p.get("brightness") is not None:
            x = self._brightness(x, p["brightness"])
        return x.astype(self.dtype)

    @staticmethod
    def _brightness(x, factors):
        """PIL's ImageEnhance.Brightness after scaling each image to [0, 255] (as tf.keras)."""
        lo = x.min(axis=(1, 2, 3), keepdims=True)
        span = x.max(axis=(1, 2, 3), keepdims=True) - lo
        scaled = np.floor(np.where(span > 0, (x - lo) / np.where(span > 0, span, 1), 0) * 255)
        return np.clip(np.round(scaled * factors.reshape(-1, 1, 1, 1)), 0, 255)
