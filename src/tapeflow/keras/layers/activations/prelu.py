"""PReLU: a leaky ReLU whose negative slope `alpha` is learned per entry."""
import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["PReLU"]


class PReLU(Layer):
    """f(x) = x for x >= 0, alpha * x otherwise, with a trainable `alpha`.

    `alpha` has the input's shape without the batch axis; `shared_axes` (1-based
    input axes) share one slope along them, e.g. `shared_axes=[1, 2]` gives one
    slope per channel of (batch, rows, cols, channels) images.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> layer = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.5),
    ...                            shared_axes=[1])
    >>> layer(tf.constant([[[-2.0, 4.0], [-4.0, 1.0]]])).numpy()[0]
    array([[-1.,  4.],
           [-2.,  1.]], dtype=float32)
    >>> layer.alpha.shape
    TensorShape([1, 2])
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        param_shape = list(shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(shape):
                raise ValueError(f"Invalid shared axis {axis} for layer {self.name}: axes "
                                 f"are 1-based input axes below {len(shape)}. Received: "
                                 f"shared_axes={self.shared_axes}, input_shape={tuple(shape)}")
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"Layer {self.name} needs every non-shared axis to be known to "
                             f"build `alpha`. Received: input_shape={tuple(shape)}, "
                             f"shared_axes={self.shared_axes}")
        self.alpha = self.add_weight("alpha", shape=param_shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, trainable=True)
        axes = {i: shape[i] for i in range(1, len(shape))
                if i not in (self.shared_axes or [])}
        self.input_spec = InputSpec(ndim=len(shape), axes=axes)
        self.built = True

    def call(self, inputs):
        alpha = tf.convert_to_tensor(self.alpha)
        return tf.nn.relu(inputs) - alpha * tf.nn.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
