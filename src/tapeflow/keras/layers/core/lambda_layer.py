"""Lambda: wraps a function of tensors as a layer. `Lambda(lambda x: x * 2)(x)`."""
import inspect

from ..layer import Layer

__all__ = ["Lambda"]


class Lambda(Layer):
    """Calls `function(inputs, **arguments)`; `mask` may be a callable or a tensor."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        self._mask = mask
        self.supports_masking = mask is not None
        params = inspect.signature(function).parameters
        self._fn_training = "training" in params
        self._fn_mask = "mask" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self._mask):
            return self._mask(inputs, mask)
        return self._mask

    def get_config(self):
        return {**super().get_config(), "function": self.function,
                "output_shape": self._output_shape, "arguments": self.arguments}
