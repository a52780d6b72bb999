"""Metrics against closed forms and NumPy/SciPy references."""

import numpy as np
import pytest
from scipy import stats

from keras_gans import metrics


def test_frechet_distance_of_diagonal_gaussians_closed_form():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    v1, v2 = np.array([1.0, 4.0, 0.25]), np.array([2.0, 1.0, 1.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(v1 + v2 - 2 * np.sqrt(v1 * v2))
    value = metrics.frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2))
    assert value == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_of_correlated_gaussians_against_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    s1, s2 = a @ a.T + np.eye(4), b @ b.T + np.eye(4)
    from scipy.linalg import sqrtm

    # Tr((s1 s2)^1/2) equals Tr((s1^1/2 s2 s1^1/2)^1/2), the symmetric form.
    r = sqrtm(s1).real
    expected = np.trace(s1) + np.trace(s2) - 2 * np.trace(sqrtm(r @ s2 @ r).real)
    assert metrics.frechet_distance(np.zeros(4), s1, np.zeros(4), s2) == pytest.approx(expected, rel=1e-6)


def test_fid_of_samples_approaches_the_closed_form():
    rng = np.random.default_rng(1)
    a = rng.normal(0.0, 1.0, size=(20000, 2))
    b = rng.normal(1.0, 2.0, size=(20000, 2))
    expected = 2 * 1.0 + 2 * (1 + 4 - 2 * 2)
    assert metrics.fid(a, b) == pytest.approx(expected, rel=0.05)
    assert metrics.fid(a, a) == pytest.approx(0.0, abs=1e-6)


def test_kid_matches_a_naive_loop():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(30, 4)), rng.normal(0.5, 1.0, size=(25, 4))
    k = lambda u, v: (u @ v / 4 + 1) ** 3  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(30) for j in range(30) if i != j) / (30 * 29)
    yy = sum(k(y[i], y[j]) for i in range(25) for j in range(25) if i != j) / (25 * 24)
    xy = sum(k(x[i], y[j]) for i in range(30) for j in range(25)) / (30 * 25)
    assert metrics.polynomial_mmd2(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-9)
    same = rng.normal(size=(400, 4))
    other = rng.normal(size=(400, 4))
    assert abs(metrics.kid(same, other, subset_size=200)[0]) < 0.05
    assert metrics.kid(same, other + 1.0, subset_size=200)[0] > 0.5


def test_precision_recall_and_density_coverage():
    rng = np.random.default_rng(3)
    real = rng.normal(size=(500, 2))
    half = real[real[:, 0] > 0] + rng.normal(scale=0.01, size=(int((real[:, 0] > 0).sum()), 2))
    precision, recall = metrics.precision_recall(real, half, k=3)
    density, coverage = metrics.density_coverage(real, half, k=5)
    # Samples on half the data are all realistic but cover only that half.
    assert precision > 0.95 and 0.35 < recall < 0.65
    assert 0.35 < coverage < 0.65 and density > 0.8
    far = real + 10.0
    assert metrics.precision_recall(real, far) == (0.0, 0.0)
    assert metrics.density_coverage(real, far) == (0.0, 0.0)


def test_inception_score_extremes_and_reference():
    confident_uniform = np.eye(10)[np.arange(1000) % 10] * 50.0
    assert metrics.inception_score(confident_uniform) == pytest.approx(10.0, rel=1e-3)
    assert metrics.inception_score(np.zeros((100, 10))) == pytest.approx(1.0)
    logits = np.random.default_rng(4).normal(size=(200, 10))
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    expected = np.exp(np.mean([stats.entropy(row, p.mean(0)) for row in p]))
    assert metrics.inception_score(logits) == pytest.approx(expected, rel=1e-6)


def test_bad_feature_shapes():
    with pytest.raises(ValueError, match=r"features of shape \(n >= 2, d\)"):
        metrics.fid(np.zeros(5), np.zeros((5, 2)))
