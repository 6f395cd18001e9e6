"""tf.train: Checkpoint (TF's checkpoint format), CheckpointManager, checkpoint readers."""
from .checkpoint import Checkpoint
from .checkpoint_management import (CheckpointManager, checkpoints_iterator,
                                    get_checkpoint_state, latest_checkpoint)
from .checkpoint_reader import list_variables, load_checkpoint, load_variable

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint", "checkpoints_iterator",
           "get_checkpoint_state", "load_checkpoint", "list_variables", "load_variable",
           "Example", "SequenceExample", "Features", "Feature", "FeatureList", "FeatureLists",
           "BytesList", "FloatList", "Int64List"]

_EXAMPLE_NAMES = ("Example", "SequenceExample", "Features", "Feature", "FeatureList",
                  "FeatureLists", "BytesList", "FloatList", "Int64List")


def __getattr__(name):
    # tf.train.Example and friends are protobuf messages: the protobuf package (the
    # `example` extra) is imported on first use, so `import tapeflow` does not need it.
    if name in _EXAMPLE_NAMES:
        return getattr(example_protos(), name)
    raise AttributeError(f"module 'tapeflow.train' has no attribute {name!r}")


def example_protos():
    """The module of the tf.train.Example message classes (needs `protobuf`)."""
    try:
        from . import example_pb  # lazy: needs the optional protobuf package
    except ImportError as e:
        raise ImportError("tf.train.Example and tf.io.parse_example need the `protobuf` "
                          "package: pip install protobuf (or tapeflow[example])") from e
    return example_pb
