"""k-nearest-neighbour metrics: precision / recall (Kynkäänniemi et al., 2019)
and density / coverage (Naeem et al., 2020)."""

import numpy as np


def _pairwise(a, b):
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2 * a @ b.T
    return np.sqrt(np.maximum(sq, 0))


def _radii(features, k):
    distances = _pairwise(features, features)
    # Column 0 of each sorted row is the point itself.
    return np.partition(distances, k, axis=1)[:, k]


def precision_recall(real, fake, k=3):
    """Improved precision and recall.

    Precision: fraction of fake samples inside some real sample's k-NN ball.
    Recall: fraction of real samples inside some fake sample's k-NN ball.
    """
    real, fake = np.asarray(real, "float64"), np.asarray(fake, "float64")
    real_radii, fake_radii = _radii(real, k), _radii(fake, k)
    d = _pairwise(real, fake)  # (n_real, n_fake)
    precision = (d <= real_radii[:, None]).any(axis=0).mean()
    recall = (d <= fake_radii[None, :]).any(axis=1).mean()
    return float(precision), float(recall)


def density_coverage(real, fake, k=5):
    """Density (can exceed 1) and coverage (in [0, 1])."""
    real, fake = np.asarray(real, "float64"), np.asarray(fake, "float64")
    real_radii = _radii(real, k)
    d = _pairwise(real, fake)
    inside = d <= real_radii[:, None]
    density = inside.sum() / (k * len(fake))
    coverage = (d.min(axis=1) <= real_radii).mean()
    return float(density), float(coverage)
