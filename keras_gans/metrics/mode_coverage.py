"""Mode coverage of samples from a mixture of Gaussians."""

import numpy as np


def mode_coverage(samples, centers, std, num_std=3.0, min_count=None):
    """How many modes the samples cover, and how many samples are good.

    A sample is *high quality* when it lies within `num_std` standard
    deviations of its nearest mode; a mode is *covered* when at least
    `min_count` high-quality samples land on it (default: 1% of the samples
    it would get under the true, equal-weight mixture, and at least 1).

    Args:
        samples: array `(n, d)`.
        centers: array `(k, d)` of mode centres.
        std: the modes' standard deviation.
        num_std: radius of a mode, in standard deviations.
        min_count: samples needed to call a mode covered.

    Returns:
        `(modes_covered, high_quality_fraction)`.

    Example:

    ```python
    covered, quality = mode_coverage(gan.generate(2000), ring_centers(), 0.02)
    ```
    """
    samples = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    centers = np.asarray(centers, dtype="float64")
    distances = np.linalg.norm(samples[:, None, :] - centers[None], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= num_std * std
    if min_count is None:
        min_count = max(1, int(0.01 * len(samples) / len(centers)))
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int((counts >= min_count).sum()), float(good.mean())
