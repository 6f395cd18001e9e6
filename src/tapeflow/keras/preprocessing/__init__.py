"""keras.preprocessing: the tf.keras 2.x data-preprocessing utilities (images, text,
time series) that predate the preprocessing layers.

>>> from tapeflow.keras import preprocessing
>>> callable(preprocessing.timeseries_dataset_from_array)
True
"""
from . import image  # noqa: F401
from . import sequence  # noqa: F401
from . import text  # noqa: F401
from . import timeseries  # noqa: F401
from .timeseries import timeseries_dataset_from_array  # noqa: F401
