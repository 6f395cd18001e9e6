"""keras.utils: data helpers (data_utils), Progbar (progbar), plot_model (plot)."""
from .data_utils import *  # noqa: F401,F403
from .plot import *  # noqa: F401,F403
from .progbar import *  # noqa: F401,F403
