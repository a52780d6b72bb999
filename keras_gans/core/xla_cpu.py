"""XLA's CPU compiler flags that keras-gans sets before JAX starts.

jaxlib 0.10 compiles a convolution on CPU into a YNNPACK fusion, which runs
one convolution on one core: the DCGAN generator's 28x28x64 -> 32
convolution at batch 128 takes about 40 ms on one core or on two, where
XLA's Eigen convolution, which splits it over the cores, takes about 22
(TensorFlow's oneDNN: 21; `benchmarks/conv_kernels.py`). A GAN step's
convolutions mostly wait on each other (the generator's layers, then the
discriminator's), so with YNNPACK the second core idles through most of the
step. keras-gans keeps YNNPACK for dot products only
(`--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT`),
so that convolutions are Eigen's (`benchmarks/conv_kernels.py` and
`benchmarks/throughput.py` measure both; benchmarks/RESULTS.md).

`import keras_gans` adds that flag to the `XLA_FLAGS` environment variable
when all of these hold:

- Keras' backend is JAX;
- the installed jaxlib is a version it was measured on (`MEASURED_JAXLIB`):
  XLA stops the process on a flag it does not know, and a later jaxlib may
  drop an experimental one;
- `XLA_FLAGS` does not set that flag already (yours wins);
- the environment variable `KERAS_GANS_XLA_CPU_FLAGS` is not `"0"`.

XLA reads `XLA_FLAGS` once, when JAX runs its first computation, so the flag
only takes effect where `keras_gans` is imported before that (importing
`keras` or `jax` runs none). The flag is read by XLA's CPU compiler only:
GPU kernels are unchanged.

Example:

```python
import os
os.environ["KERAS_GANS_XLA_CPU_FLAGS"] = "0"  # keep XLA's own CPU defaults
import keras_gans as kg
```
"""

import importlib.metadata
import os

import keras

FLAG = "--xla_cpu_experimental_ynn_fusion_type"
VALUE = "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT"  # YNNPACK for dot products, not convolutions
# jaxlib versions (major, minor) this flag was measured on.
MEASURED_JAXLIB = ((0, 10),)
OPT_OUT = "KERAS_GANS_XLA_CPU_FLAGS"


def _jaxlib_version():
    try:
        return importlib.metadata.version("jaxlib")
    except importlib.metadata.PackageNotFoundError:
        return None


def _major_minor(version):
    try:
        return tuple(int(part) for part in version.split(".")[:2])
    except (AttributeError, ValueError):
        return None


def xla_flags(current, backend, jaxlib_version, opt_out=None):
    """The `XLA_FLAGS` value to run JAX with.

    Args:
        current: `XLA_FLAGS` as it is (`None` or `""` when unset).
        backend: Keras' backend name.
        jaxlib_version: the installed jaxlib's version string, or `None`.
        opt_out: the value of `KERAS_GANS_XLA_CPU_FLAGS`, or `None`.

    Returns:
        `current` with `FLAG` appended where the module's conditions hold,
        else `current` unchanged.

    Example:

    >>> xla_flags("--xla_force_host_platform_device_count=2", "jax", "0.10.2")
    '--xla_force_host_platform_device_count=2 --xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT'
    """
    current = current or ""
    if (backend != "jax" or opt_out == "0" or FLAG in current
            or _major_minor(jaxlib_version) not in MEASURED_JAXLIB):
        return current
    return f"{current} {FLAG}={VALUE}".strip()


def configure(environ=None):
    """Sets `XLA_FLAGS` in `environ` (default: `os.environ`) to `xla_flags`.

    Returns:
        Whether it added the flag.
    """
    environ = os.environ if environ is None else environ
    current = environ.get("XLA_FLAGS", "")
    wanted = xla_flags(current, keras.backend.backend(), _jaxlib_version(), environ.get(OPT_OUT))
    if wanted == current:
        return False
    environ["XLA_FLAGS"] = wanted
    return True
