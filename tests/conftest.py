import os

import keras
import pytest

from keras_gans.datasets import fashion_mnist, to_unit_range

REQUESTED = os.environ.get("KERAS_BACKEND")
# scripts/test.sh runs one process per backend and shares the slow learning
# tests (@pytest.mark.large) out among them: LARGE_BACKEND="rotate" gives
# each large test to one backend, shifted by LARGE_ROTATION (the commit
# count) so that every test meets every backend within three commits;
# "all" (the default when pytest runs alone) runs them here, and a backend
# name runs them only on that backend.
LARGE_BACKEND = os.environ.get("LARGE_BACKEND", "all")
LARGE_ROTATION = int(os.environ.get("LARGE_ROTATION", "0"))
TEST_BACKENDS = os.environ.get("TEST_BACKENDS", "tensorflow jax torch").split()


# scripts/test.sh sets TEST_JAX_FAST_COMPILE=1: most of the suite builds
# small models and takes a few steps, where XLA's compilation is the cost,
# so those tests compile with most optimizations off (about a third
# faster); the large learning tests take thousands of steps and keep them.
FAST_COMPILE = keras.backend.backend() == "jax" and os.environ.get("TEST_JAX_FAST_COMPILE") == "1"
if FAST_COMPILE:
    import jax


_compile_setting = {}


@pytest.fixture(autouse=True)
def _jax_compile_speed(request):
    if FAST_COMPILE:
        fast = request.node.get_closest_marker("large") is None
        if _compile_setting.get("fast") != fast:
            _compile_setting["fast"] = fast
            jax.config.update("jax_disable_most_optimizations", fast)
            # JAX caches each eager op's executable by shape, not by this
            # flag: without clearing, a large test ran its eager ops (weight
            # initialization...) with executables compiled without
            # optimizations, whose last bits differ, and its run no longer
            # matched a fresh process's (the resume test failed in CI at
            # rotation 111 after test_callbacks_cli trained a DCGAN).
            jax.clear_caches()
    yield


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


def large_test_backend(index):
    """The backend that runs the `index`-th large test (by node id)."""
    if LARGE_BACKEND == "rotate":
        return TEST_BACKENDS[(index + LARGE_ROTATION) % len(TEST_BACKENDS)]
    return LARGE_BACKEND


def pytest_collection_modifyitems(config, items):
    if LARGE_BACKEND == "all":
        return
    large = sorted((item.nodeid for item in items if item.get_closest_marker("large")))
    here = keras.backend.backend()
    elsewhere = {
        nodeid for index, nodeid in enumerate(large) if large_test_backend(index) != here
    }
    if elsewhere:
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid in elsewhere])
        items[:] = [item for item in items if item.nodeid not in elsewhere]


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
