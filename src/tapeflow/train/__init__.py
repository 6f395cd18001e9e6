"""tf.train: Checkpoint (TF's checkpoint format), CheckpointManager, checkpoint readers."""
from .checkpoint import Checkpoint
from .checkpoint_management import (CheckpointManager, checkpoints_iterator,
                                    get_checkpoint_state, latest_checkpoint)
from .checkpoint_reader import list_variables, load_checkpoint, load_variable
from .example_pb import (BytesList, Example, Feature, FeatureList, FeatureLists, Features,
                         FloatList, Int64List, SequenceExample)

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint", "checkpoints_iterator",
           "get_checkpoint_state", "load_checkpoint", "list_variables", "load_variable",
           "Example", "SequenceExample", "Features", "Feature", "FeatureList", "FeatureLists",
           "BytesList", "FloatList", "Int64List"]
