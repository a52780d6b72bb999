import os

import keras
import numpy as np
import pytest

REQUESTED = os.environ.get("KERAS_BACKEND")


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


def pytest_sessionstart(session):
    # A suite that silently ran on another backend than asked would hide a
    # skipped backend: fail loudly instead.
    if REQUESTED and keras.backend.backend() != REQUESTED:
        raise RuntimeError(
            f"KERAS_BACKEND={REQUESTED} but keras runs {keras.backend.backend()}"
        )


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="session")
def fashion_slice():
    """2,048 real Fashion-MNIST training images in [-1, 1] and their labels."""
    from keras_gans.datasets import fashion_mnist, to_unit_range

    images, labels = fashion_mnist.load_arrays("train", download=False)
    return to_unit_range(images[:2048]), labels[:2048]


def adam(lr=2e-4):
    return keras.optimizers.Adam(lr, beta_1=0.5)


def is_traced(x):
    """True if `x` is a symbolic tensor of a compiled step."""
    if keras.backend.backend() == "jax":
        import jax

        return isinstance(x, jax.core.Tracer)
    import tensorflow as tf

    return not tf.executing_eagerly()


def small_dcgan(**kwargs):
    from keras_gans.models import DCGAN

    kwargs.setdefault("latent_dim", 16)
    kwargs.setdefault("generator_filters", (32, 16, 8))
    kwargs.setdefault("discriminator_filters", (8, 16))
    kwargs.setdefault("seed", 0)
    return DCGAN(**kwargs)


def random_images(n=64, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype("float32")
