"""keras.models: Model, Sequential, cloning, saving entry points and summary printing."""
from ..saving.saving_api import load_model, save_model
from .cloning import clone_model, model_from_json
from .model import Model
from .sequential import Sequential
from .summary import print_summary

__all__ = ["Model", "Sequential", "print_summary", "load_model", "save_model", "clone_model",
           "model_from_json"]
