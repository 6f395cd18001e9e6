"""tf.train: Checkpoint, CheckpointManager, latest_checkpoint (npz format, see checkpoint.py)."""
from .checkpoint import Checkpoint, CheckpointLoadStatus
from .checkpoint_management import CheckpointManager, latest_checkpoint

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "latest_checkpoint"]
