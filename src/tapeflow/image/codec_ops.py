"""Image files <-> uint8 tensors: `decode_png`, `decode_jpeg`, `decode_gif`,
`decode_image`, `encode_png`, `encode_jpeg`.

Neither jax nor NumPy decode images, so these use pillow (the optional
`image` extra: `pip install tapeflow[image]`); without it they raise an
ImportError naming the package. They run on the host (like TF's CPU kernels),
taking and returning scalar string tensors of bytes.

>>> import tapeflow as tf
>>> png = encode_png(tf.zeros([2, 3, 1], tf.uint8))
>>> decode_png(png).shape
TensorShape([2, 3, 1])
"""
import io

import numpy as np

from .. import _core as tf
from .color_ops import convert_image_dtype

__all__ = ["decode_png", "decode_jpeg", "decode_gif", "decode_image", "encode_png",
           "encode_jpeg", "is_jpeg"]


def _pil():
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("tf.image decode/encode ops require the `pillow` package "
                          "(pip install pillow).") from e
    return Image


def _bytes(contents, op):
    if isinstance(contents, (bytes, bytearray)):
        return bytes(contents)
    v = tf.convert_to_tensor(contents).numpy()
    v = v.item() if isinstance(v, np.ndarray) else v
    if not isinstance(v, (bytes, bytearray)):
        raise TypeError(f"{op}: expected a scalar string tensor of encoded bytes. "
                        f"Received: {type(v).__name__}")
    return bytes(v)


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _to_array(img, channels, op):
    channels = int(channels or 0)
    if channels not in (0, 1, 2, 3, 4):
        raise ValueError(f"{op}: channels must be 0, 1, 2, 3 or 4. Received: channels={channels}")
    if channels:
        img = img.convert(_MODES[channels])
    elif img.mode not in _MODES.values():
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    a = np.asarray(img)
    return a[..., None] if a.ndim == 2 else a


def _open(contents, op):
    Image = _pil()
    data = _bytes(contents, op)
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as e:
        raise tf.errors.InvalidArgumentError(
            None, None, f"{op}: could not decode the image ({e})") from e
    return img


def _finish(a, dtype):
    t = tf.constant(a)
    return t if tf.as_dtype(dtype) == tf.uint8 else convert_image_dtype(t, dtype)


def decode_png(contents, channels=0, dtype=tf.uint8, name=None):
    """A PNG -> [h, w, channels] (uint8, or uint16 for 16-bit files with dtype=uint16)."""
    img = _open(contents, "decode_png")
    if tf.as_dtype(dtype) == tf.uint16 and img.mode.startswith("I;16"):
        a = np.asarray(img).astype(np.uint16)
        return tf.constant(a[..., None] if a.ndim == 2 else a)
    return _finish(_to_array(img, channels, "decode_png"), dtype)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                name=None):
    """A JPEG -> uint8 [h, w, channels] (`ratio` 1, 2, 4 or 8 downscales)."""
    img = _open(contents, "decode_jpeg")
    if int(ratio) not in (1, 2, 4, 8):
        raise ValueError(f"decode_jpeg: ratio must be 1, 2, 4 or 8. Received: ratio={ratio}")
    if int(ratio) > 1:
        img = img.reduce(int(ratio))
    return tf.constant(_to_array(img, channels, "decode_jpeg"))


def decode_gif(contents, name=None):
    """A GIF -> uint8 [frames, h, w, 3]."""
    img = _open(contents, "decode_gif")
    frames = []
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        frames.append(np.asarray(img.convert("RGB")))
    return tf.constant(np.stack(frames))


def decode_image(contents, channels=None, dtype=tf.uint8, name=None,
                 expand_animations=True):
    """Any of PNG, JPEG, GIF, BMP -> [h, w, c] (GIF: [frames, h, w, 3] unless
    `expand_animations=False`, which keeps the first frame)."""
    img = _open(contents, "decode_image")
    if img.format == "GIF":
        a = decode_gif(contents).numpy()
        if not expand_animations:
            a = a[0]
        if channels:
            a = a[..., :1] if channels == 1 else a
        return _finish(a, dtype)
    return _finish(_to_array(img, channels, "decode_image"), dtype)


def is_jpeg(contents, name=None):
    """True when `contents` starts with the JPEG magic bytes."""
    return tf.constant(_bytes(contents, "is_jpeg")[:3] == b"\xff\xd8\xff")


def _image_array(image, op):
    a = np.asarray(tf.convert_to_tensor(image).numpy())
    if a.ndim != 3 or a.shape[-1] not in (1, 2, 3, 4):
        raise ValueError(f"{op}: image must be [height, width, channels] with 1-4 channels. "
                         f"Received: shape={list(a.shape)}")
    return a


def encode_png(image, compression=-1, name=None):
    """uint8 / uint16 [h, w, c] -> PNG bytes (scalar string tensor)."""
    Image = _pil()
    a = _image_array(image, "encode_png")
    if a.dtype == np.uint16 and a.shape[-1] == 1:
        img = Image.fromarray(a[..., 0].astype(np.uint16), mode="I;16")
    elif a.dtype == np.uint8:
        img = Image.fromarray(a[..., 0] if a.shape[-1] == 1 else a, _MODES[a.shape[-1]])
    else:
        raise TypeError(f"encode_png: image must be uint8 (or single-channel uint16). "
                        f"Received: dtype={a.dtype}")
    buf = io.BytesIO()
    level = 6 if compression is None or int(compression) < 0 else int(compression)
    img.save(buf, format="PNG", compress_level=level)
    return tf.constant(buf.getvalue())


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,  # noqa: A002
                chroma_downsampling=True, density_unit="in", x_density=300,
                y_density=300, xmp_metadata="", name=None):
    """uint8 [h, w, 1 or 3] -> JPEG bytes (scalar string tensor)."""
    Image = _pil()
    a = _image_array(image, "encode_jpeg")
    if a.dtype != np.uint8 or a.shape[-1] not in (1, 3):
        raise ValueError(f"encode_jpeg: image must be uint8 with 1 or 3 channels. "
                         f"Received: dtype={a.dtype}, shape={list(a.shape)}")
    img = Image.fromarray(a[..., 0] if a.shape[-1] == 1 else a)
    if format == "grayscale":
        img = img.convert("L")
    elif format == "rgb":
        img = img.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(quality), progressive=bool(progressive),
             optimize=bool(optimize_size), subsampling=2 if chroma_downsampling else 0,
             dpi=(int(x_density), int(y_density)))
    return tf.constant(buf.getvalue())
