"""keras.utils: data helpers (data_utils), Progbar (progbar), plot_model (plot)."""
from .data_utils import *  # noqa: F401,F403
from .plot import *  # noqa: F401,F403
from .progbar import *  # noqa: F401,F403
from ..preprocessing.sequence import pad_sequences  # noqa: F401,E402 - as tf.keras.utils
