"""`tf.image`: resizing, crops and flips, colour spaces and adjustments, random
augmentations, quality metrics, patches, and PNG/JPEG codecs.

>>> import tapeflow as tf
>>> tf.image.resize(tf.zeros([4, 4, 3]), [2, 2]).shape
TensorShape([2, 2, 3])
"""
from .codec_ops import (  # noqa: F401
    decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png, is_jpeg)
from .color_ops import (  # noqa: F401
    adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation,
    convert_image_dtype, grayscale_to_rgb, hsv_to_rgb, per_image_standardization,
    rgb_to_grayscale, rgb_to_hsv, rgb_to_yiq, rgb_to_yuv, yiq_to_rgb, yuv_to_rgb)
from .crop_ops import (  # noqa: F401
    central_crop, crop_to_bounding_box, flip_left_right, flip_up_down, pad_to_bounding_box,
    resize_with_crop_or_pad, rot90, transpose)
from .metrics_ops import (  # noqa: F401
    image_gradients, psnr, sobel_edges, ssim, ssim_multiscale, total_variation)
from .patches_ops import extract_patches  # noqa: F401
from .random_image_ops import (  # noqa: F401
    random_brightness, random_contrast, random_crop, random_flip_left_right,
    random_flip_up_down, random_hue, random_saturation, stateless_random_brightness,
    stateless_random_contrast, stateless_random_crop, stateless_random_flip_left_right,
    stateless_random_flip_up_down, stateless_random_hue, stateless_random_saturation)
from .resize_ops import ResizeMethod, resize, resize_with_pad  # noqa: F401
from . import transform_grad as _transform_grad  # noqa: F401,E402 - registers its rule
from ..ops.symbolic_dispatch import _dispatching


def _accept_keras_tensors():
    """Lets every tf.image op take Keras functional inputs (recorded as TFOpLambda layers)."""
    import types
    namespace = globals()
    for name, fn in list(namespace.items()):
        if (not name.startswith("_") and isinstance(fn, types.FunctionType)
                and fn.__module__.startswith(__name__ + ".")):
            namespace[name] = _dispatching(fn, f"tf.image.{name}")


_accept_keras_tensors()
