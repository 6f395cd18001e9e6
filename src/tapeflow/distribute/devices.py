"""TF device strings -> JAX devices, for the strategies and cross-device ops.

>>> import jax
>>> resolve_devices(["/cpu:0"]) == [jax.local_devices(backend="cpu")[0]]
True
"""
import jax

__all__ = ["resolve_devices"]


def resolve_devices(devices):
    """TF device strings ('/gpu:0', 'CPU:1', '/job:worker/device:GPU:0') -> jax devices."""
    if devices is None:
        return list(jax.local_devices())
    out = []
    for d in devices:
        if isinstance(d, jax.Device):
            out.append(d)
            continue
        spec = str(d).lower().rsplit("device:", 1)[-1].strip("/")
        kind, _, index = spec.rpartition(":")
        kind = kind.rsplit("/", 1)[-1] or "cpu"
        try:
            pool = jax.local_devices(backend="cpu" if kind == "cpu" else None)
            if kind != "cpu":
                pool = [x for x in pool if x.platform != "cpu"]
            out.append(pool[int(index or 0)])
        except (IndexError, ValueError, RuntimeError):
            raise ValueError(f"Unknown device {d!r}: JAX sees {jax.devices()}") from None
    if len(set(out)) != len(out):
        raise ValueError(f"Duplicate devices in `devices`: {devices}")
    return out
