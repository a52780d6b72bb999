"""Random draws that are the same on every backend when the seed is an int.

A `keras.random.SeedGenerator` draws inside compiled train steps, but its
streams differ between backends (TensorFlow's and JAX's generators are not
the same algorithm): `generate(8, seed=0)` used to give other images on JAX
than on TensorFlow. Sampling from an integer seed therefore draws on the host
with NumPy's PCG64 (`np.random.default_rng(seed)`), which is the same on every
backend and machine; a `SeedGenerator` (the model's own, in `train_step`)
still draws with `keras.random`.

Example:

```python
draw = keras_gans.core.random.source(0)
z = draw.normal((8, 100))  # the same array on TensorFlow and JAX
```
"""

import keras
import numpy as np

from keras_gans.core import backend

MAX_SEED = 2**32 - 1


def source(seed, default=None):
    """A random source for `seed`.

    Args:
        seed: an int (a NumPy stream, backend-independent), a
            `keras.random.SeedGenerator` (a `keras.random` stream, usable in
            compiled steps), or `None` for `default`.
        default: the `SeedGenerator` used when `seed` is `None`.

    Returns:
        An object with `normal(shape)`, `uniform(shape, low, high)` and
        `randint(shape, low, high)`.
    """
    if seed is None:
        seed = default
    if isinstance(seed, keras.random.SeedGenerator):
        return KerasSource(seed)
    if isinstance(seed, (bool, float)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"Expected an integer seed in [0, {MAX_SEED}] or a keras.random.SeedGenerator; "
            f"received {seed!r} of type {type(seed).__name__}."
        )
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"Expected a seed in [0, {MAX_SEED}]; received {int(seed)}.")
    return NumpySource(np.random.default_rng(int(seed)))


class NumpySource:
    """Host draws (float32 NumPy arrays) from a NumPy `Generator`."""

    def __init__(self, generator):
        self.generator = generator

    def normal(self, shape):
        return self.generator.standard_normal(shape, dtype=np.float32)

    def uniform(self, shape, low=0.0, high=1.0):
        return self.generator.uniform(low, high, shape).astype("float32")

    def randint(self, shape, low, high):
        return self.generator.integers(low, high, shape).astype("int32")


class KerasSource:
    """`keras.random` draws from a `SeedGenerator` (in-graph).

    Shapes are batch-first. Under `tf.distribute` every replica draws for
    the global batch and keeps its own slice (`backend.replica_slice`), so
    the draws of a step do not depend on how many devices share the batch.
    """

    def __init__(self, seed_generator):
        self.seed_generator = seed_generator

    def _draw(self, shape, draw):
        shape = tuple(shape)
        return backend.replica_slice(lambda n: draw((n,) + shape[1:]), shape[0])

    def normal(self, shape):
        return self._draw(shape, lambda s: keras.random.normal(s, seed=self.seed_generator))

    def uniform(self, shape, low=0.0, high=1.0):
        return self._draw(
            shape, lambda s: keras.random.uniform(s, minval=low, maxval=high, seed=self.seed_generator)
        )

    def randint(self, shape, low, high):
        return self._draw(
            shape, lambda s: keras.random.randint(s, low, high, seed=self.seed_generator, dtype="int32")
        )
