"""Shared test helpers: small models and reusable checks, in the style of
keras-hub's `TestCase.run_*_test` (each `run_*_test` asserts, and returns
what a test may check further).

Import them as `from helpers import ...` (pytest puts `tests/` on the path).
"""

import keras
import numpy as np
from keras import ops

from keras_gans.models import DCGAN, GAN, SGAN, StyleGAN

# ---------------------------------------------------------------- building blocks


def adam(lr=2e-4):
    return keras.optimizers.Adam(lr, beta_1=0.5)


def is_traced(x):
    """True if `x` is a tensor of the train step itself: symbolic in a
    compiled step (TensorFlow, JAX), a torch tensor on the eager torch
    backend (not a host array)."""
    if keras.backend.backend() == "jax":
        import jax

        return isinstance(x, jax.core.Tracer)
    if keras.backend.backend() == "torch":
        import torch

        return isinstance(x, torch.Tensor)
    import tensorflow as tf

    return not tf.executing_eagerly()


def random_images(n=64, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype("float32")


# ---------------------------------------------------------------- small models
# On JAX every distinct weight shape costs an XLA compilation of its
# initializer: tests that share these shapes share those compilations.


# The small image GANs' shapes: 28x28 from a 16-d latent.
SMALL_IMAGE_GAN = dict(latent_dim=16, generator_filters=(32, 16, 8), discriminator_filters=(8, 16), seed=0)


def small_dcgan(**kwargs):
    return DCGAN(**{**SMALL_IMAGE_GAN, **kwargs})


def small_sgan(**kwargs):
    return SGAN(**{**SMALL_IMAGE_GAN, **kwargs})


def tiny_gan(**kwargs):
    """The original MLP GAN at its smallest: 2-D samples by default."""
    defaults = dict(latent_dim=8, data_shape=(2,), generator_units=(16,), discriminator_units=(8,),
                    output_activation=None)
    return GAN(**{**defaults, **kwargs})


def small_stylegan(**kwargs):
    defaults = dict(generator_channels=(16, 16, 16, 8), discriminator_channels=(16, 16, 16, 8),
                    latent_dim=32, w_dim=32, mapping_layers=2, ema_half_life=500, r1_interval=32,
                    seed=0)
    return StyleGAN(**{**defaults, **kwargs})


# ---------------------------------------------------------------- state


def values(variables):
    """NumPy copies of `variables` (weights, optimizer slots, ...)."""
    return [np.array(ops.convert_to_numpy(v)) for v in variables]


def assert_all_changed(before, variables, what="variables"):
    """Every one of `variables` differs from its value in `before`."""
    after = values(variables)
    assert len(after) == len(before) > 0, what
    same = [v.path for v, a, b in zip(variables, after, before) if np.array_equal(a, b)]
    assert not same, f"{what} did not change: {same}"


def assert_unchanged(before, variables, what="variables"):
    """Every one of `variables` still holds its value in `before`."""
    after = values(variables)
    assert len(after) == len(before), what
    for v, a, b in zip(variables, after, before):
        np.testing.assert_array_equal(a, b, err_msg=f"{what}: {v.path} changed")


# ---------------------------------------------------------------- saving


def optimizers_of(model):
    """The model's optimizers by attribute name: a GAN's two players', or
    the single `optimizer` of other models."""
    names = [n for n in ("d_optimizer", "g_optimizer") if getattr(model, n, None) is not None]
    return names or ["optimizer"]


def run_save_round_trip_test(model, tmp_path, outputs, name="model.keras", atol=1e-6, fit=None):
    """Saves `model` to a `.keras` file, loads it with
    `keras.models.load_model` and checks that the copy is the same model.

    Asserts: the same class and `get_config()`; `outputs(copy)` equals
    `outputs(model)` (within `atol`; 0 for exact); every optimizer kept its
    step count and state. With `fit` (a callable taking the copy, which
    trains it a little), the copy keeps training: every optimizer that had
    stepped steps further, and losses stay finite.

    Returns:
        The loaded copy.
    """
    path = str(tmp_path / name)
    model.save(path)
    restored = keras.models.load_model(path)
    assert type(restored) is type(model)
    assert restored.get_config() == model.get_config()
    expected, actual = outputs(model), outputs(restored)
    if atol:
        np.testing.assert_allclose(actual, expected, atol=atol)
    else:
        np.testing.assert_array_equal(actual, expected)
    steps = {}
    for attribute in optimizers_of(model):
        original, loaded = getattr(model, attribute), getattr(restored, attribute)
        assert int(loaded.iterations) == int(original.iterations), attribute
        assert float(loaded.learning_rate) == float(original.learning_rate), attribute
        for u, v in zip(values(original.variables), values(loaded.variables)):
            np.testing.assert_allclose(v, u, err_msg=attribute)
        steps[attribute] = int(original.iterations)
    if fit is not None:
        history = fit(restored)
        if history is not None:
            assert all(np.isfinite(v).all() for v in history.history.values()), history.history
        for attribute, before in steps.items():
            if before:
                assert int(getattr(restored, attribute).iterations) > before, attribute
    return restored
