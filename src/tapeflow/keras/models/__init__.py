"""keras.models: Model, Sequential and summary printing."""
from .model import Model
from .sequential import Sequential
from .summary import print_summary

__all__ = ["Model", "Sequential", "print_summary"]
