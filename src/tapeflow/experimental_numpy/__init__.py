"""`tf.experimental.numpy` (tnp): the NumPy API over tapeflow Tensors.

`numpy_api.py` and `numpy_more.py` hold the functions, `promotion.py` NumPy's type promotion,
`behavior.py` `experimental_enable_numpy_behavior`, `random.py` `tnp.random`.

>>> import tapeflow as tf
>>> tnp = tf.experimental.numpy
>>> float(tnp.mean(tnp.asarray([1, 2])))
1.5
"""
from . import random  # noqa: F401
from .behavior import experimental_enable_numpy_behavior  # noqa: F401
from .numpy_api import *  # noqa: F401,F403
from .numpy_api import result_type_of as result_type  # noqa: F401
from .numpy_more import *  # noqa: F401,F403
