import keras
import numpy as np
import pytest
from keras import ops

from keras_gans import losses


def softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


REAL = np.array([[2.0], [-1.0], [0.5], [3.0]], "float32")
FAKE = np.array([[-2.0], [0.3], [-0.7], [1.5]], "float32")


def bce_d(real, fake, t=1.0):
    p_real, p_fake = sigmoid(real), sigmoid(fake)
    return -np.mean(t * np.log(p_real) + (1 - t) * np.log(1 - p_real)) - np.mean(np.log(1 - p_fake))


REFERENCES = {
    "minimax": (bce_d, lambda f: np.mean(np.log(1 - sigmoid(f)))),
    "non_saturating": (bce_d, lambda f: -np.mean(np.log(sigmoid(f)))),
    # -1/2 E exp(sigmoid^-1(D(G(z)))), written with D = sigmoid(logit).
    "max_likelihood": (
        bce_d,
        lambda f: -0.5 * np.mean(np.exp(np.log(sigmoid(f) / (1 - sigmoid(f))))),
    ),
    "least_squares": (
        lambda r, f: 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean(f**2),
        lambda f: 0.5 * np.mean((f - 1) ** 2),
    ),
    "hinge": (
        lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)),
        lambda f: -np.mean(f),
    ),
    "wasserstein": (lambda r, f: np.mean(f) - np.mean(r), lambda f: -np.mean(f)),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_loss_matches_numpy(name):
    loss = losses.get(name)
    d_ref, g_ref = REFERENCES[name]
    d = ops.convert_to_numpy(loss.discriminator_loss(REAL, FAKE))
    g = ops.convert_to_numpy(loss.generator_loss(FAKE))
    np.testing.assert_allclose(d, d_ref(REAL, FAKE), rtol=1e-5)
    np.testing.assert_allclose(g, g_ref(FAKE), rtol=1e-5)


def test_label_smoothing_in_cross_entropy():
    loss = losses.get("non_saturating", real_label=0.9)
    d = ops.convert_to_numpy(loss.discriminator_loss(REAL, FAKE))
    np.testing.assert_allclose(d, bce_d(REAL, FAKE, t=0.9), rtol=1e-5)


def test_loss_serialization_round_trip():
    loss = losses.get("hinge", real_label=0.8)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert isinstance(restored, losses.Hinge) and restored.real_label == 0.8


def test_unknown_loss_name_lists_choices():
    with pytest.raises(ValueError, match=r"Unknown adversarial loss 'non_saturatin'.*non_saturating"):
        losses.get("non_saturatin")
    with pytest.raises(ValueError, match="AdversarialLoss"):
        losses.get(3)
    with pytest.raises(ValueError, match="real_label"):
        losses.get("minimax", real_label=1.5)


def quadratic_critic(x):
    # D(x) = sum(x^2): grad = 2x, so the penalties have closed forms.
    return ops.sum(ops.square(x), axis=tuple(range(1, len(x.shape))))[:, None]


def test_gradient_penalty_matches_numpy():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(5, 3, 3, 2)).astype("float32")
    # With real == fake every interpolate is `real`, whatever alpha is drawn.
    gp = ops.convert_to_numpy(losses.gradient_penalty(quadratic_critic, real, real, seed=1))
    norms = np.linalg.norm((2 * real).reshape(5, -1), axis=1)
    np.testing.assert_allclose(gp, np.mean((norms - 1) ** 2), rtol=1e-4)


def test_gradient_penalty_of_linear_critic():
    w = np.random.default_rng(1).normal(size=(1, 6)).astype("float32")
    critic = lambda x: ops.matmul(x, ops.transpose(w))  # noqa: E731
    real = np.random.default_rng(2).normal(size=(8, 6)).astype("float32")
    fake = np.random.default_rng(3).normal(size=(8, 6)).astype("float32")
    gp = ops.convert_to_numpy(losses.gradient_penalty(critic, real, fake, seed=0))
    np.testing.assert_allclose(gp, (np.linalg.norm(w) - 1) ** 2, rtol=1e-4)


def test_r1_matches_numpy():
    real = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    r1 = ops.convert_to_numpy(losses.r1_penalty(quadratic_critic, real))
    np.testing.assert_allclose(r1, np.mean(np.sum((2 * real) ** 2, axis=1)), rtol=1e-5)
