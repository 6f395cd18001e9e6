"""tf.train: Checkpoint (TF's checkpoint format), CheckpointManager, checkpoint readers."""
from .checkpoint import Checkpoint
from .checkpoint_management import (CheckpointManager, checkpoints_iterator,
                                    get_checkpoint_state, latest_checkpoint)
from .checkpoint_reader import list_variables, load_checkpoint, load_variable

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint", "checkpoints_iterator",
           "get_checkpoint_state", "load_checkpoint", "list_variables", "load_variable"]
