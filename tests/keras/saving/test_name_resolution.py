"""Saved names resolve through object_registry.find: custom objects and scopes first, then
the keras namespaces keras/__init__.py registers (BUILTIN_CLASSES / BUILTIN_FUNCTIONS)."""
import pytest

from tapeflow import keras
from tapeflow.keras.saving import object_registry as reg
from tapeflow.keras.saving.serialization import decode_value, resolve_class


def test_builtin_class_names_resolve_to_the_public_classes():
    assert resolve_class({"class_name": "Dense"}) is keras.layers.Dense
    assert resolve_class({"class_name": "Functional"}) is keras.Model
    assert resolve_class({"class_name": "Adam"}) is keras.optimizers.Adam
    assert resolve_class({"class_name": "MeanSquaredError"}) is keras.losses.MeanSquaredError


def test_custom_object_scope_and_argument_come_before_builtins():
    class Dense(keras.layers.Layer):
        pass
    with keras.utils.custom_object_scope({"Dense": Dense}):
        assert resolve_class({"class_name": "Dense"}) is Dense
    assert resolve_class({"class_name": "Dense"}, {"Dense": Dense}) is Dense
    assert resolve_class({"class_name": "Dense"}) is keras.layers.Dense


def test_registered_name_and_saved_functions():
    @keras.saving.register_keras_serializable(package="resolution_test")
    class Thing(keras.layers.Layer):
        pass
    cfg = {"class_name": "Thing", "registered_name": "resolution_test>Thing"}
    assert resolve_class(cfg) is Thing
    assert decode_value({"class_name": "function", "config": "relu"}) is keras.activations.relu

    def relu(x):
        return x
    with keras.utils.custom_object_scope({"relu": relu}):
        assert decode_value({"class_name": "function", "config": "relu"}) is relu
    assert reg.BUILTIN_FUNCTIONS.get("mean_squared_error") is keras.losses.mean_squared_error


def test_unknown_class_is_a_clear_error():
    with pytest.raises(ValueError, match="Could not locate class 'NoSuchLayer'"):
        resolve_class({"class_name": "NoSuchLayer"})
