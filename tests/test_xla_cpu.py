"""keras_gans.core.xla_cpu: the XLA flag `import keras_gans` adds on JAX, and
only there, and what it does to a compiled convolution."""

import os
import subprocess
import sys

import keras
import pytest

from keras_gans.core import xla_cpu

BACKEND = keras.backend.backend()
FLAG = "--xla_cpu_experimental_ynn_fusion_type="
SET = FLAG + "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT"

# Compiles the DCGAN generator's convolution at a small batch after
# `import keras_gans`, and prints whether XLA made it a YNNPACK fusion.
COMPILED_CONVOLUTION = """
import keras_gans
import jax, jax.numpy as jnp
conv = jax.jit(lambda x, w: jax.lax.conv_general_dilated(
    x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")))
text = conv.lower(jnp.ones((8, 28, 28, 64)), jnp.ones((3, 3, 64, 32))).compile().as_text()
print("ynn_fusion" in text)
"""


@pytest.mark.parametrize(
    "current, backend, jaxlib, opt_out, expected",
    [
        (None, "jax", "0.10.2", None, SET),
        ("--xla_force_host_platform_device_count=2", "jax", "0.10.0", None,
         "--xla_force_host_platform_device_count=2 " + SET),
        ("", "tensorflow", "0.10.2", None, ""),
        ("", "torch", "0.10.2", None, ""),
        ("", "jax", "0.11.0", None, ""),  # not measured: XLA dies on unknown flags
        ("", "jax", None, None, ""),
        ("", "jax", "0.10.2", "0", ""),
        (FLAG, "jax", "0.10.2", None, FLAG),  # the user's own value wins
    ],
)
def test_xla_flags(current, backend, jaxlib, opt_out, expected):
    assert xla_cpu.xla_flags(current, backend, jaxlib, opt_out) == expected


def test_configure_sets_the_flag_on_jax_only():
    environ = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    added = xla_cpu.configure(environ)
    measured = xla_cpu._major_minor(xla_cpu._jaxlib_version()) in xla_cpu.MEASURED_JAXLIB
    assert added == (BACKEND == "jax" and measured)
    if added:
        assert environ["XLA_FLAGS"] == "--xla_force_host_platform_device_count=2 " + SET
        assert not xla_cpu.configure(environ)  # once
    else:
        assert environ == {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}


def _is_ynn_fusion(**environ):
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", xla_cpu.OPT_OUT)}
    env.update(KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", **environ)
    done = subprocess.run([sys.executable, "-c", COMPILED_CONVOLUTION], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split()[-1] == "True"


def test_import_keras_gans_compiles_jax_convolutions_without_ynnpack():
    """The premise and the fix: jaxlib's own flags make the convolution a
    YNNPACK fusion (single-threaded), keras-gans' flag makes it XLA's Eigen
    convolution; an opt-out keeps XLA's default. Run on JAX only: the other
    backends' processes check that they leave XLA_FLAGS alone (above)."""
    if BACKEND != "jax":
        assert FLAG not in os.environ.get("XLA_FLAGS", "")
        return
    assert _is_ynn_fusion(**{xla_cpu.OPT_OUT: "0"})
    assert not _is_ynn_fusion()
