"""Latent-space tools: interpolation, vector arithmetic, class grids.

Example:

```python
gan = keras_gans.zoo.load("dcgan_fashion_mnist")
z = keras_gans.latent.interpolate(gan, seed_a=0, seed_b=1, steps=8, method="slerp")
images = gan.generate(len(z), latents=z)
keras_gans.latent.save_interpolation_grid(gan, "walk.png", seeds=[(0, 1), (2, 3)])
```
"""

import numpy as np
from keras import ops

from keras_gans.images import save_grid


def lerp(a, b, t):
    """Linear interpolation between latents `a` and `b` at fractions `t`."""
    t = np.asarray(t, dtype="float64")[:, None]
    return ((1 - t) * a[None] + t * b[None]).astype("float32")


def slerp(a, b, t):
    """Spherical interpolation (White, 2016): stays on the shell where
    high-dimensional Gaussian latents live. Falls back to `lerp` for
    (anti)parallel vectors."""
    a64, b64 = np.asarray(a, "float64"), np.asarray(b, "float64")
    cos = np.dot(a64, b64) / (np.linalg.norm(a64) * np.linalg.norm(b64))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(a64, b64, t)
    t = np.asarray(t, dtype="float64")[:, None]
    out = (np.sin((1 - t) * omega) * a64[None] + np.sin(t * omega) * b64[None]) / np.sin(omega)
    return out.astype("float32")


def latent_for_seed(gan, seed, num=1):
    """The latents `gan.generate(num, seed=seed)` would use."""
    import keras

    return ops.convert_to_numpy(gan.sample_latent(num, seed=keras.random.SeedGenerator(seed)))


def interpolate(gan, seed_a, seed_b, steps=8, method="slerp"):
    """Latents on the path between the latents of two seeds.

    Args:
        gan: an `AdversarialModel`.
        seed_a, seed_b: seeds of the two end points.
        steps: number of points, ends included.
        method: `"slerp"` or `"lerp"`.

    Returns:
        float32 array `(steps, latent_dim)`.
    """
    if method not in ("slerp", "lerp"):
        raise ValueError(f"`method` must be 'slerp' or 'lerp'; received {method!r}.")
    if int(steps) < 2:
        raise ValueError(f"`steps` must be at least 2; received {steps}.")
    a, b = latent_for_seed(gan, seed_a)[0], latent_for_seed(gan, seed_b)[0]
    return (slerp if method == "slerp" else lerp)(a, b, np.linspace(0.0, 1.0, int(steps)))


def vector_arithmetic(latents_a, latents_b, latents_c):
    """mean(A) - mean(B) + mean(C) (Radford et al., 2016), e.g. the latents of
    "sneakers" minus "sandals" plus "boots".

    Each argument is an array `(n_i, latent_dim)`; returns `(latent_dim,)`.
    """
    means = [np.asarray(x, "float32").mean(axis=0) for x in (latents_a, latents_b, latents_c)]
    if not means[0].shape == means[1].shape == means[2].shape:
        raise ValueError(
            f"The three latent sets must share latent_dim; received {[m.shape for m in means]}."
        )
    return means[0] - means[1] + means[2]


def save_interpolation_grid(gan, path, seeds=((0, 1), (2, 3), (4, 5)), steps=8, method="slerp"):
    """One row of `steps` images per pair of seeds, written as a PNG."""
    latents = np.concatenate([interpolate(gan, a, b, steps, method) for a, b in seeds])
    return save_grid(gan.generate(len(latents), latents=latents), path, columns=steps)


def save_class_grid(gan, path, per_class=8, seed=0):
    """For conditional models: one row per class, `per_class` samples each."""
    num_classes = getattr(gan, "num_classes", None)
    if num_classes is None:
        raise ValueError(f"{type(gan).__name__} is not class-conditional.")
    labels = np.repeat(np.arange(num_classes), per_class)
    images = gan.generate(len(labels), seed=seed, labels=labels)
    return save_grid(images, path, columns=per_class)
