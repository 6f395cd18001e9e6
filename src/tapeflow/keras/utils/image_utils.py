"""Image files <-> arrays for Keras: `load_img`, `img_to_array`, `array_to_img`,
`save_img` (keras.utils and keras.preprocessing.image). They use pillow, the
optional image dependency, and raise an ImportError naming it when absent.

>>> import numpy as np
>>> img = array_to_img(np.zeros((2, 3, 3)))
>>> img_to_array(img).shape
(2, 3, 3)
"""
import io
import os

import numpy as np

__all__ = ["load_img", "img_to_array", "array_to_img", "save_img"]

_RESAMPLE = {"nearest": "NEAREST", "bilinear": "BILINEAR", "bicubic": "BICUBIC",
             "hamming": "HAMMING", "box": "BOX", "lanczos": "LANCZOS"}


def _pil(what):
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(f"`{what}` requires the `pillow` package (pip install pillow).") from e
    return Image


def _data_format(data_format):
    data_format = data_format or "channels_last"
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}. Expected 'channels_first' or "
                         f"'channels_last'.")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A rank-3 array -> PIL image (scaled to [0, 255] unless `scale=False`)."""
    Image = _pil("array_to_img")
    x = np.asarray(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if _data_format(data_format) == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    c = x.shape[2]
    if c == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if c == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if c == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {c}")


def img_to_array(img, data_format=None, dtype=None):
    """PIL image -> float32 array [h, w, c] (or [c, h, w] for channels_first)."""
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if _data_format(data_format) == "channels_first" else x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an image array to `path` (format from `file_format` or the extension)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpg" or file_format == "jpeg" or (
            file_format is None and str(path).lower().endswith((".jpg", ".jpeg")))):
        img = img.convert("RGB")
    img.save(path, format={"jpg": "jpeg"}.get(file_format, file_format), **kwargs)


def load_img(path, grayscale=False, color_mode="rgb", target_size=None,
             interpolation="nearest", keep_aspect_ratio=False):
    """Loads an image file (path, pathlib.Path or bytes stream) as a PIL image.

    `target_size` = (height, width) resizes with `interpolation`; with
    `keep_aspect_ratio`, the image is first centre-cropped to that aspect ratio.
    """
    Image = _pil("load_img")
    if grayscale:
        color_mode = "grayscale"
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError(f'color_mode must be "grayscale", "rgb", or "rgba". '
                         f"Received: color_mode={color_mode}")
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (str, bytes, os.PathLike)):
        with open(os.fspath(path), "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    mode = {"grayscale": ("L", "I;16", "I"), "rgb": ("RGB",), "rgba": ("RGBA",)}[color_mode]
    if img.mode not in mode:
        img = img.convert(mode[0])
    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))
        if img.size != size:
            if interpolation not in _RESAMPLE:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                                 f"Supported methods are {', '.join(_RESAMPLE)}")
            resample = getattr(Image, _RESAMPLE[interpolation])
            if keep_aspect_ratio:
                w, h = img.size
                tw, th = size
                ch, cw = min(h, int(w * th / tw)), min(w, int(h * tw / th))
                top, left = (h - ch) // 2, (w - cw) // 2
                img = img.crop((left, top, left + cw, top + ch))
            img = img.resize(size, resample)
    return img
