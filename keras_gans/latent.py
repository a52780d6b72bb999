"""Latent-space tools: interpolation, vector arithmetic, class grids.

Example:

```python
gan = keras_gans.zoo.load("dcgan_fashion_mnist")
z = keras_gans.latent.interpolate(gan, seed_a=0, seed_b=1, steps=8, method="slerp")
images = gan.generate(len(z), latents=z)
keras_gans.latent.save_interpolation_grid(gan, "walk.png", seeds=[(0, 1), (2, 3)])
keras_gans.latent.save_interpolation_gif(gan, "walk.gif", tours=[(0, 1, 2), (3, 4, 5)])
```
"""

import keras
import numpy as np
from keras import ops

from keras_gans.images import save_gif, save_grid


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
    return ops.convert_to_numpy(gan.sample_latent(num, seed=seed))


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


def save_interpolation_grid(gan, path, seeds=((0, 1), (2, 3), (4, 5)), steps=8, method="slerp",
                            labels=None):
    """One row of `steps` images per pair of seeds, written as a PNG.

    `labels`: for conditional models, one class for every image (an int) or
    one per image; `None` cycles through the classes."""
    latents = np.concatenate([interpolate(gan, a, b, steps, method) for a, b in seeds])
    return save_grid(gan.generate(len(latents), latents=latents, labels=labels), path, columns=steps)


def save_class_grid(gan, path, per_class=8, seed=0):
    """For conditional models: one row per class, `per_class` samples each."""
    num_classes = getattr(gan, "num_classes", None)
    if num_classes is None:
        raise ValueError(f"{type(gan).__name__} is not class-conditional.")
    labels = np.repeat(np.arange(num_classes), per_class)
    images = gan.generate(len(labels), seed=seed, labels=labels)
    return save_grid(images, path, columns=per_class)


def save_interpolation_gif(gan, path, tours=((0, 1, 2), (3, 4, 5), (6, 7, 8), (9, 10, 11)),
                           steps=12, method="slerp", duration_ms=80, labels=None):
    """An animated walk through latent space, written as a GIF.

    Each tour is a closed loop through the latents of its seeds (back to the
    first); every frame shows one image per tour, all at the same step, and
    shorter tours repeat while the longest one runs.

    Args:
        gan: an `AdversarialModel`.
        path: the `.gif` path.
        tours: sequences of seeds, one tile of the animation each.
        steps: frames between consecutive seeds.
        method: `"slerp"` or `"lerp"`.
        duration_ms: display time of each frame.
        labels: for conditional models, one class for every tile (an int)
            or one per tour.

    Returns:
        `path`.
    """
    walks = []
    for tour in tours:
        if len(tour) < 2:
            raise ValueError(f"Each tour needs at least two seeds; received {tour}.")
        legs = [
            interpolate(gan, a, b, steps + 1, method)[:-1]
            for a, b in zip(tour, list(tour[1:]) + [tour[0]])
        ]
        walks.append(np.concatenate(legs))
    # Shorter tours repeat so every tile keeps moving for the longest tour.
    num_frames = max(len(w) for w in walks)
    walks = np.stack([w[np.arange(num_frames) % len(w)] for w in walks], axis=1)
    if labels is not None:
        labels = np.asarray(labels)
    frames = [gan.generate(len(z), latents=z, labels=labels) for z in walks]
    return save_gif(frames, path, columns=min(len(tours), 8), duration_ms=duration_ms)


def save_code_traversal(gan, path, code=0, values=np.linspace(-2.0, 2.0, 8), seed=0):
    """InfoGAN: one row per categorical code, continuous code `code` swept
    over `values` along the row, the same noise everywhere (the figure of
    Chen et al.).

    Args:
        gan: an `InfoGAN`.
        path: PNG path.
        code: index of the continuous code to sweep.
        values: its values, one column each.
        seed: seed of the shared noise (and of the other continuous codes).

    Returns:
        `path`.
    """
    num_categories = getattr(gan, "num_categories", None)
    if num_categories is None:
        raise ValueError(f"{type(gan).__name__} has no latent codes to traverse (expected an InfoGAN).")
    if not 0 <= int(code) < gan.num_continuous:
        raise ValueError(
            f"`code` must be in [0, {gan.num_continuous}) for this model's "
            f"{gan.num_continuous} continuous codes; received {code}."
        )
    values = np.asarray(values, "float32")
    base = gan.code_latents(0, num_samples=1, seed=seed)[0]
    start = gan.noise_dim
    latents = np.tile(base, (num_categories * len(values), 1))
    for row in range(num_categories):
        block = latents[row * len(values) : (row + 1) * len(values)]
        block[:, start : start + num_categories] = np.eye(num_categories)[row]
        block[:, start + num_categories + int(code)] = values
    return save_grid(gan.generate(len(latents), latents=latents), path, columns=len(values))
