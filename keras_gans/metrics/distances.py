"""Distances between two sets of features: FID, KID.

Features usually come from the Fashion-MNIST evaluator
(`keras_gans.metrics.Evaluator`), never from the networks being measured.
"""

import numpy as np
from scipy import linalg


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2)).
    """
    mu1, mu2 = np.atleast_1d(mu1).astype("float64"), np.atleast_1d(mu2).astype("float64")
    sigma1, sigma2 = np.atleast_2d(sigma1).astype("float64"), np.atleast_2d(sigma2).astype("float64")
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(
            f"Feature statistics differ in shape: {mu1.shape}/{sigma1.shape} "
            f"vs {mu2.shape}/{sigma2.shape}."
        )
    covmean, _ = linalg.sqrtm(sigma1 @ sigma2, disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(len(sigma1)) * 1e-6
        covmean = linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    covmean = covmean.real
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def fid(features_a, features_b):
    """Fréchet Inception Distance between two feature sets `(n, d)`."""
    a, b = _as_features(features_a), _as_features(features_b)
    return frechet_distance(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))


def kid(features_a, features_b, num_subsets=10, subset_size=1000, seed=0):
    """Kernel Inception Distance (Bińkowski et al., 2018).

    The unbiased MMD^2 with the cubic polynomial kernel
    k(x, y) = (x.y / d + 1)^3, averaged over random subsets.

    Returns:
        `(mean, std)` over the subsets.
    """
    a, b = _as_features(features_a), _as_features(features_b)
    size = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(num_subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        values.append(polynomial_mmd2(x, y))
    return float(np.mean(values)), float(np.std(values))


def polynomial_mmd2(x, y):
    """Unbiased MMD^2 of two samples with k(x, y) = (x.y / d + 1)^3."""
    d = x.shape[1]
    k_xx = (x @ x.T / d + 1) ** 3
    k_yy = (y @ y.T / d + 1) ** 3
    k_xy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return float(
        (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
        + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
        - 2 * k_xy.mean()
    )


def _as_features(features):
    features = np.asarray(features, dtype="float64")
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            f"Expected features of shape (n >= 2, d); received {features.shape}."
        )
    return features
