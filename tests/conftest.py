import os

import keras
import pytest

from keras_gans.datasets import fashion_mnist, to_unit_range

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
    images, labels = fashion_mnist.load_arrays("train", download=False)
    return to_unit_range(images[:2048]), labels[:2048]
