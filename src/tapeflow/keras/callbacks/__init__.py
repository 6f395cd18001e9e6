"""keras.callbacks: hooks into fit/evaluate/predict."""
from .callback import Callback, CallbackList, History, ProgbarLogger  # noqa: F401
from .checkpointing import BackupAndRestore, ModelCheckpoint  # noqa: F401
from .monitoring import EarlyStopping, ReduceLROnPlateau, TerminateOnNaN  # noqa: F401
from .scheduling import CSVLogger, LambdaCallback, LearningRateScheduler  # noqa: F401
from .tensorboard import TensorBoard  # noqa: F401

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "BackupAndRestore",
           "ModelCheckpoint", "EarlyStopping", "ReduceLROnPlateau", "TerminateOnNaN",
           "CSVLogger", "LambdaCallback", "LearningRateScheduler", "TensorBoard"]
