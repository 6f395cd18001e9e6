"""The tf.image tests' TensorFlow reference: inputs and one TF script over them.

`SCRIPT` computes every reference the tf.image tests compare with, on
`make_inputs()`; tests/image/conftest.py runs it once with
`tf_peer.tf_arrays` (skips when no TensorFlow interpreter is available).
"""
import numpy as np

METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
SIZES = [(4, 6), (17, 20), (9, 5)]
FILL_MODES = ["reflect", "wrap", "constant", "nearest"]


def make_inputs():
    rng = np.random.RandomState(0)
    x = rng.rand(2, 9, 13, 3).astype(np.float32)
    noisy = np.clip(x + rng.randn(*x.shape).astype(np.float32) * 0.1, 0, 1)
    big = rng.rand(2, 40, 37, 3).astype(np.float32)
    big2 = np.clip(big + rng.randn(*big.shape).astype(np.float32) * 0.2, 0, 1)
    return {"x": x, "noisy": noisy, "u8": (rng.rand(2, 9, 13, 3) * 255).astype(np.uint8),
            "big": big, "big2": big2,
            "T": np.array([[0.9, -0.3, 2.45, 0.35, 1.1, -3.0, 0.01, -0.02],
                           [1.3, 0.2, -5.95, 0.1, 0.7, 4, 0, 0]], np.float32)}


SCRIPT = """
x, u8, I = inp["x"], inp["u8"], tf.image
for m in %(methods)r:
    for aa in (False, True):
        for h, w in %(sizes)r:
            out[f"resize_{m}_{aa}_{h}x{w}"] = I.resize(x, (h, w), method=m, antialias=aa).numpy()
out["aspect"] = I.resize(x, [20, 11], preserve_aspect_ratio=True).numpy()
out["pad"] = I.resize_with_pad(x, 11, 7).numpy()
out["pad_nn"] = I.resize_with_pad(x, 20, 40, method="nearest").numpy()
out["central_crop"] = I.central_crop(x, 0.37).numpy()
out["crop_or_pad"] = I.resize_with_crop_or_pad(x, 12, 6).numpy()
out["rgb_to_yuv"] = I.rgb_to_yuv(x).numpy()
out["yuv_to_rgb"] = I.yuv_to_rgb(x).numpy()
out["rgb_to_yiq"] = I.rgb_to_yiq(x).numpy()
out["yiq_to_rgb"] = I.yiq_to_rgb(x).numpy()
out["rgb_to_hsv"] = I.rgb_to_hsv(x).numpy()
out["hsv_to_rgb"] = I.hsv_to_rgb(x).numpy()
out["gray_u8"] = I.rgb_to_grayscale(u8).numpy()
out["brightness_u8"] = I.adjust_brightness(u8, 0.3).numpy()
out["contrast"] = I.adjust_contrast(x, 1.7).numpy()
out["contrast_u8"] = I.adjust_contrast(u8, 1.7).numpy()
out["gamma_u8"] = I.adjust_gamma(u8, 0.5, 1.2).numpy()
out["saturation"] = I.adjust_saturation(x, 0.4).numpy()
out["saturation_u8"] = I.adjust_saturation(u8, 1.6).numpy()
out["hue"] = I.adjust_hue(x, 0.3).numpy()
out["hue_u8"] = I.adjust_hue(u8, -0.45).numpy()
out["standardize_u8"] = I.per_image_standardization(u8).numpy()
out["u8_to_f32"] = I.convert_image_dtype(u8, tf.float32).numpy()
out["f32_to_u8_sat"] = I.convert_image_dtype(x * 1.2 - 0.1, tf.uint8, saturate=True).numpy()
out["u8_to_i32"] = I.convert_image_dtype(u8, tf.int32).numpy()
out["i32_to_u8"] = I.convert_image_dtype(tf.constant([[[70000, -5, 2**31-1]]]), tf.uint8).numpy()
out["f32_to_i16"] = I.convert_image_dtype(x, tf.int16).numpy()
out["psnr"] = I.psnr(x, inp["noisy"], 1.0).numpy()
out["ssim"] = I.ssim(x, inp["noisy"], 1.0, filter_size=5).numpy()
out["ssim_u8"] = I.ssim(u8, u8 // 2, 255, filter_size=3).numpy()
out["ssim_ms"] = I.ssim_multiscale(inp["big"], inp["big2"], 1.0, filter_size=3,
                                   power_factors=(0.2, 0.3, 0.5)).numpy()
out["sobel"] = I.sobel_edges(tf.constant(x)).numpy()
out["tv"] = I.total_variation(tf.constant(x)).numpy()
out["patches_valid"] = I.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 2, 1],
                                         "VALID").numpy()
out["patches_same"] = I.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1],
                                        "SAME").numpy()
for fm in %(fills)r:
    for it in ("nearest", "bilinear"):
        out[f"transform_{fm}_{it}"] = tf.raw_ops.ImageProjectiveTransformV3(
            images=x, transforms=inp["T"], output_shape=[9, 13], fill_value=0.5,
            interpolation=it.upper(), fill_mode=fm.upper()).numpy()
""" % {"methods": METHODS, "sizes": SIZES, "fills": FILL_MODES}
