"""keras.optimizers.schedules: learning-rate schedules."""
from .learning_rate_schedule import *  # noqa: F401,F403
