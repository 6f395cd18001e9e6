"""CrossDeviceOps and CommunicationOptions in one process (one device).

The 4-device behaviour (values on each destination, packing, the strategy using its
ops object eagerly and compiled) is in test_multi_device.py. References: NumPy sums.
"""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.distribute.values import Mirrored, PerReplica

D = tf.distribute
PARTS = [np.arange(6, dtype="float32").reshape(2, 3) * k for k in (1.0, 2.0, 5.0)]


@pytest.mark.parametrize("ops", [D.ReductionToOneDevice(), D.NcclAllReduce(),
                                 D.HierarchicalCopyAllReduce(num_packs=2)],
                         ids=["one_device", "nccl", "hierarchical"])
def test_reduce_and_batch_reduce_values(ops):
    value = PerReplica([tf.constant(p) for p in PARTS])
    np.testing.assert_allclose(ops.reduce("SUM", value, "/cpu:0").numpy(), sum(PARTS))
    np.testing.assert_allclose(ops.reduce(D.ReduceOp.MEAN, value, "/cpu:0").numpy(),
                               sum(PARTS) / 3)
    small = PerReplica([tf.constant([1.0]), tf.constant([2.0]), tf.constant([4.0])])
    out = ops.batch_reduce("SUM", [(value, "/cpu:0"), (small, "/cpu:0")])
    np.testing.assert_allclose(out[0].numpy(), sum(PARTS))
    assert out[1].numpy().tolist() == [7.0]
    mirrored = ops.reduce("SUM", small, destinations=small)  # one copy per destination
    assert isinstance(mirrored, Mirrored) and [float(v[0]) for v in mirrored.values] == [7.0] * 3


def test_accumulation_fn_is_what_combines_the_values():
    seen = []

    def product(values):
        seen.append(len(values))
        out = values[0]
        for v in values[1:]:
            out = out * v
        return out
    ops = D.ReductionToOneDevice(accumulation_fn=product)
    value = PerReplica([tf.constant(2.0), tf.constant(3.0), tf.constant(4.0)])
    assert float(ops.reduce("SUM", value, "/cpu:0")) == 24.0 and seen == [3]
    assert float(ops.reduce("MEAN", value, "/cpu:0")) == 8.0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="reduce_op"):
        D.NcclAllReduce().reduce("MAX", PerReplica([tf.constant(1.0)]), "/cpu:0")
    with pytest.raises(ValueError, match="value_destination_pairs"):
        D.NcclAllReduce().batch_reduce("SUM", [tf.constant(1.0)])
    with pytest.raises(ValueError, match="num_packs"):
        D.NcclAllReduce(num_packs=-1)
    with pytest.raises(ValueError, match="cross_device_ops"):
        D.MirroredStrategy(["/cpu:0"], cross_device_ops="nccl")


def test_strategy_reduce_uses_its_cross_device_ops():
    calls = []

    def counting(values):
        calls.append(len(values))
        return tf.math.add_n(values)
    s = D.MirroredStrategy(["/cpu:0"], cross_device_ops=D.ReductionToOneDevice(
        accumulation_fn=counting))
    # a PerReplica of 2 values reduced by a 1-device strategy still goes through the ops
    assert float(s.reduce("SUM", PerReplica([tf.constant(1.0), tf.constant(2.0)]),
                          axis=None)) == 3.0
    assert calls == [2]


def test_communication_options_validated_as_tf():
    CI = D.experimental.CommunicationImplementation
    o = D.experimental.CommunicationOptions(bytes_per_pack=50 * 1024 * 1024,
                                            timeout_seconds=120.0,
                                            implementation=CI.NCCL)
    assert (o.bytes_per_pack, o.timeout_seconds, o.implementation) == (52428800, 120.0, CI.NCCL)
    assert CI.RING.value == "RING"
    with pytest.raises(ValueError, match="bytes_per_pack"):
        D.experimental.CommunicationOptions(bytes_per_pack=-1)
    with pytest.raises(ValueError, match="CommunicationImplementation"):
        D.experimental.CommunicationOptions(implementation=3)
    merged = o.merge(D.experimental.CommunicationOptions(implementation=CI.RING))
    assert merged.implementation is CI.RING and merged.timeout_seconds == 120.0
    s = D.MultiWorkerMirroredStrategy(communication_options=o)
    assert s.communication_options is o
    with pytest.raises(ValueError, match="communication_options"):
        D.MultiWorkerMirroredStrategy(communication_options="NCCL")
