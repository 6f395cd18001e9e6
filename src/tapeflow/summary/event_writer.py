"""TensorBoard event files, written with the `tensorboard` package's own writer and protos.

Shared by `tf.summary` and `keras.callbacks.TensorBoard`: `EventWriter` appends
scalar, histogram, image, text, audio and raw tensor summaries (TensorBoard's
plugin formats) to one run directory's event file.

>>> w = EventWriter("/tmp/tf_logs/run")  # doctest: +SKIP
>>> w.scalar("loss", 0.5, step=1); w.flush()  # doctest: +SKIP
"""
import io
import os
import time
import wave

import numpy as np

__all__ = ["EventWriter", "tensorboard_modules"]

DT_STRING = 7


def tensorboard_modules():
    """The tensorboard pieces used here; ImportError naming the package when missing."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2
        from tensorboard.plugins.audio import metadata as audio
        from tensorboard.plugins.histogram import summary_v2 as histogram
        from tensorboard.plugins.image import metadata as image
        from tensorboard.plugins.scalar import summary_v2 as scalar
        from tensorboard.plugins.text import metadata as text
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as e:
        raise ImportError("TensorBoard event files are written with the `tensorboard` "
                          "package; install it with `pip install tensorboard`.") from e
    return dict(event=event_pb2, summary=summary_pb2, tensor=tensor_pb2, histogram=histogram,
                image=image, scalar=scalar, text=text, audio=audio, writer=EventFileWriter)


def _png(img):
    from PIL import Image  # a dependency of tensorboard itself
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[img.shape[-1]]
    buf = io.BytesIO()
    Image.fromarray(img[..., 0] if mode == "L" else img, mode=mode).save(buf, format="PNG")
    return buf.getvalue()


def _wav(clip, sample_rate):
    """[t, channels] floats in [-1, 1] -> 16-bit PCM WAV bytes."""
    pcm = (np.clip(clip, -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


class EventWriter:
    """One run directory's event file."""

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.tb = tensorboard_modules()
        os.makedirs(logdir, exist_ok=True)
        self.logdir = logdir
        self.file = self.tb["writer"](logdir, max_queue_size=max_queue or 10,
                                      flush_secs=flush_secs, filename_suffix=filename_suffix)

    def _add(self, summary, step):
        self.file.add_event(self.tb["event"].Event(wall_time=time.time(), step=int(step),
                                                   summary=summary))

    def _strings(self, tag, strings, shape, meta, step):
        s, t = self.tb["summary"], self.tb["tensor"]
        tensor = t.TensorProto(dtype=DT_STRING, string_val=list(strings))
        for d in shape:
            tensor.tensor_shape.dim.add(size=d)
        self._add(s.Summary(value=[s.Summary.Value(tag=tag, metadata=meta, tensor=tensor)]),
                  step)

    def scalar(self, tag, value, step, description=None):
        self._add(self.tb["scalar"].scalar_pb(tag, float(value), description), step)

    def histogram(self, tag, values, step, buckets=30, description=None):
        self._add(self.tb["histogram"].histogram_pb(tag, np.asarray(values, np.float64),
                                                    buckets=buckets,
                                                    description=description), step)

    def image(self, tag, images, step, description=None):
        """images: [k, h, w, c] uint8, or floats in [0, 1] (clipped, as tf.summary.image)."""
        images = np.asarray(images)
        if images.dtype != np.uint8:
            images = (np.clip(images, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        h, w = images.shape[1:3]
        pngs = [_png(img) for img in images]
        meta = self.tb["image"].create_summary_metadata(display_name=tag,
                                                        description=description or "")
        self._strings(tag, [str(w).encode(), str(h).encode()] + pngs, [len(pngs) + 2], meta,
                      step)

    def text(self, tag, strings, step, description=None):
        arr = np.asarray(strings, dtype=object)
        flat = [v.encode() if isinstance(v, str) else bytes(v) for v in arr.reshape(-1)]
        meta = self.tb["text"].create_summary_metadata(display_name=tag,
                                                       description=description or "")
        self._strings(tag, flat, list(arr.shape), meta, step)

    def audio(self, tag, clips, sample_rate, step, description=None):
        """clips: [k, t, channels] floats in [-1, 1], written as WAV."""
        clips = np.asarray(clips, np.float32)
        wavs = [[_wav(c, sample_rate), b""] for c in clips]
        meta = self.tb["audio"].create_summary_metadata(
            display_name=tag, description=description or "", encoding=1)  # 1: WAV
        self._strings(tag, [v for pair in wavs for v in pair], [len(wavs), 2], meta, step)

    def tensor(self, tag, value, step, metadata=None):
        """A raw tensor summary (`tf.summary.write`)."""
        s, t = self.tb["summary"], self.tb["tensor"]
        arr = np.asarray(value)
        if arr.dtype == object or arr.dtype.kind in "SU":
            flat = [v.encode() if isinstance(v, str) else bytes(v) for v in arr.reshape(-1)]
            tensor = t.TensorProto(dtype=DT_STRING, string_val=flat)
        else:
            from tensorboard.util import tensor_util
            tensor = tensor_util.make_tensor_proto(arr)
        if arr.dtype == object or arr.dtype.kind in "SU":
            for d in arr.shape:
                tensor.tensor_shape.dim.add(size=d)
        meta = metadata if metadata is not None else s.SummaryMetadata()
        self._add(s.Summary(value=[s.Summary.Value(tag=tag, metadata=meta, tensor=tensor)]),
                  step)

    def keras_model(self, json_config, step=0):
        s = self.tb["summary"]
        meta = s.SummaryMetadata(plugin_data=s.SummaryMetadata.PluginData(
            plugin_name="graph_keras_model", content=b"1"))
        self._strings("keras", [json_config.encode()], [], meta, step)

    def raw_pb(self, tag, serialized, step):
        """Serialized Summary protos, written as they are (`write_raw_pb`)."""
        for pb in np.asarray(serialized, object).reshape(-1):
            self._add(self.tb["summary"].Summary.FromString(bytes(pb)), step)

    def graph(self, graph_def_bytes, step=0):
        """A serialized GraphDef (TensorBoard's Graphs tab)."""
        self.file.add_event(self.tb["event"].Event(wall_time=time.time(), step=int(step),
                                                   graph_def=graph_def_bytes))

    def flush(self):
        self.file.flush()

    def close(self):
        self.file.close()
