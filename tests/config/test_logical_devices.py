"""tf.config logical CPU devices (in a fresh process: the runtime starts only once)."""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import tapeflow as tf
    cpu = tf.config.list_physical_devices("CPU")
    assert [d.name for d in cpu] == ["/physical_device:CPU:0"]
    tf.config.set_logical_device_configuration(
        cpu[0], [tf.config.LogicalDeviceConfiguration()] * 3)
    names = [d.name for d in tf.config.list_logical_devices("CPU")]
    assert names == ["/device:CPU:0", "/device:CPU:1", "/device:CPU:2"], names
    for spelling, index in (("cpu", 0), ("CPU:0", 0), ("/CPU:2", 2), ("/device:CPU:1", 1)):
        with tf.device(spelling):
            x = tf.constant(1.0) + 1.0
        assert x.device.endswith(f"CPU:{index}"), (spelling, x.device)
    try:
        tf.config.set_logical_device_configuration(cpu[0], [tf.config.LogicalDeviceConfiguration()])
    except RuntimeError as e:
        assert "cannot be modified after being initialized" in str(e)
    else:
        raise AssertionError("no RuntimeError after initialization")
    assert len(tf.config.get_logical_device_configuration(cpu[0])) == 3
    assert tf.config.experimental.VirtualDeviceConfiguration is tf.config.LogicalDeviceConfiguration
    print("ok")
""")


def test_logical_cpu_devices_before_first_use():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]
