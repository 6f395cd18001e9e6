"""Intersection-over-union metrics: IoU (chosen classes) and MeanIoU.

>>> m = MeanIoU(num_classes=2)
>>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
0.3333
"""
import tapeflow as tf

from ..losses import numerics as nx
from .metric import Metric, _tensor

__all__ = ["IoU", "MeanIoU"]


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        self.num_classes, self.ignore_class = num_classes, ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.total_cm = self.add_weight("total_confusion_matrix",
                                        shape=(num_classes, num_classes), dtype="float64")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _tensor(y_true), _tensor(y_pred)
        if not self.sparse_y_pred:
            y_pred = tf.argmax(y_pred, axis=self.axis)
        if not self.sparse_y_true:
            y_true = tf.argmax(y_true, axis=self.axis)
        w = None
        if sample_weight is not None:  # per-sample weights (one per row) cover its pixels
            w = tf.cast(_tensor(sample_weight), tf.float64)
            if 0 < nx.rank(w) < nx.rank(y_true):
                while nx.rank(w) < nx.rank(y_true):
                    w = tf.expand_dims(w, -1)
                w = w + tf.zeros_like(tf.cast(y_true, tf.float64))
            w = tf.reshape(w, [-1])
        y_true = tf.reshape(tf.cast(y_true, tf.int64), [-1])
        y_pred = tf.reshape(tf.cast(y_pred, tf.int64), [-1])
        ones = tf.ones_like(tf.cast(y_true, tf.float64))
        w = ones if w is None else w + ones * 0.0
        if self.ignore_class is not None:
            keep = tf.not_equal(y_true, self.ignore_class)
            w = w * tf.cast(keep, tf.float64)
            y_true = tf.where(keep, y_true, tf.zeros_like(y_true))
        n = self.num_classes
        t = tf.one_hot(y_true, n, dtype=tf.float64)
        p = tf.one_hot(y_pred, n, dtype=tf.float64) * tf.expand_dims(w, -1)
        self.total_cm.assign_add(tf.matmul(t, p, transpose_a=True))

    def _ious(self):
        cm = self.total_cm.value()
        eye = tf.one_hot(tf.range(self.num_classes), self.num_classes, dtype=tf.float64)
        tp = tf.reduce_sum(cm * eye, axis=1)
        denom = tf.reduce_sum(cm, axis=0) + tf.reduce_sum(cm, axis=1) - tp
        return nx.div_no_nan(tp, denom), denom

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes, ignore_class=self.ignore_class,
                      sparse_y_true=self.sparse_y_true, sparse_y_pred=self.sparse_y_pred,
                      axis=self.axis)
        return config


class IoU(_IoUBase):
    """Mean IoU over `target_class_ids`."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name, dtype, ignore_class, sparse_y_true,
                         sparse_y_pred, axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which "
                             f"is [0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self):
        iou, denom = self._ious()
        sel = tf.reduce_sum(tf.one_hot(self.target_class_ids, self.num_classes,
                                       dtype=tf.float64), axis=0)
        valid = tf.reduce_sum(sel * tf.cast(tf.not_equal(denom, 0.0), tf.float64))
        return tf.cast(nx.div_no_nan(tf.reduce_sum(iou * sel), valid), self.dtype)

    def get_config(self):
        config = super().get_config()
        config["target_class_ids"] = self.target_class_ids
        return config


class MeanIoU(_IoUBase):
    """Mean IoU over every class present in labels or predictions."""

    def result(self):
        iou, denom = self._ious()
        valid = tf.reduce_sum(tf.cast(tf.not_equal(denom, 0.0), tf.float64))
        return tf.cast(nx.div_no_nan(tf.reduce_sum(iou), valid), self.dtype)
