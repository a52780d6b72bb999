"""2-D mixtures of Gaussians for fast mode-coverage tests."""

import numpy as np


def ring_centers(num_modes=8, radius=2.0):
    """`num_modes` points evenly spaced on a circle."""
    angles = 2 * np.pi * np.arange(num_modes) / num_modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype("float32")


def grid_centers(side=5, spacing=2.0):
    """A `side x side` grid centred on the origin (25 modes by default)."""
    ticks = (np.arange(side) - (side - 1) / 2) * spacing
    xs, ys = np.meshgrid(ticks, ticks)
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype("float32")


def sample_mixture(centers, num_samples, std, seed=None):
    """Samples an equal-weight mixture of isotropic Gaussians.

    Returns:
        `(samples, component)`: float32 `(n, 2)` and the mode index of each.
    """
    rng = np.random.default_rng(seed)
    component = rng.integers(0, len(centers), size=num_samples)
    samples = centers[component] + std * rng.standard_normal((num_samples, 2))
    return samples.astype("float32"), component


def ring_of_gaussians(num_samples, num_modes=8, radius=2.0, std=0.02, seed=None):
    """The ring of 8 Gaussians (Metz et al., 2017)."""
    return sample_mixture(ring_centers(num_modes, radius), num_samples, std, seed)


def grid_of_gaussians(num_samples, side=5, spacing=2.0, std=0.05, seed=None):
    """The grid of 25 Gaussians."""
    return sample_mixture(grid_centers(side, spacing), num_samples, std, seed)
