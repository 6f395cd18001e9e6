"""Imports every *_grad module so all gradient rules are registered."""
from . import array_grad, math_grad  # noqa: F401
