"""Mixed precision: both players loss-scaled, finite losses, learning, saving.

On this CPU reduced precision is slower than float32: these tests check
correctness only (speed is measured on a GPU, benchmarks/RESULTS.md).
"""

import keras
import numpy as np
import pytest
from helpers import adam, assert_all_changed, run_save_round_trip_test, small_dcgan, values

from keras_gans.models import GAN, WGANGP

POLICIES = ["mixed_float16", "mixed_bfloat16"]


@pytest.fixture
def policy(request):
    keras.config.set_dtype_policy(request.param)
    yield request.param
    keras.config.set_dtype_policy("float32")


def _compute_dtype(policy):
    return {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}[policy]


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_each_player_is_loss_scaled_under_float16_only(policy):
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    scaled = policy == "mixed_float16"
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer) is scaled
    # The group Keras threads through its trainers holds every loss scale.
    assert not isinstance(gan.optimizer, keras.optimizers.LossScaleOptimizer)
    names = [v.name for v in gan.optimizer.variables]
    assert names.count("dynamic_scale") == (2 if scaled else 0)
    # compile(auto_scale_loss=False) leaves the optimizers as they are.
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), auto_scale_loss=False)
    assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_mixed_precision_gan_learns(policy):
    gan = GAN(latent_dim=8, data_shape=(2,), generator_units=(32,), discriminator_units=(32,),
              output_activation=None, seed=0)
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3))
    data = np.random.default_rng(0).normal(2.0, 0.1, size=(512, 2)).astype("float32")
    outputs = gan.generator(np.zeros((2, 8), "float32"))
    assert keras.backend.standardize_dtype(outputs.dtype) == _compute_dtype(policy)
    distance = lambda: np.linalg.norm(gan.generate(256, seed=0).mean(axis=0) - 2.0)  # noqa: E731
    before, closest = distance(), []
    for _ in range(8):
        history = gan.fit(data, batch_size=64, epochs=5, verbose=0).history
        assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
        closest.append(distance())
    assert min(closest) < 0.3 * before, (before, closest)
    # Both players stepped (a skipped float16 step does not count).
    assert int(gan.d_optimizer.iterations) > 0 and int(gan.g_optimizer.iterations) > 0


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_wgan_gp_trains_under_mixed_precision(policy):
    gan = WGANGP(latent_dim=16, generator_filters=(32, 16, 8), discriminator_filters=(8, 16),
                 d_steps=2, seed=0)
    gan.compile(d_optimizer=adam(1e-4), g_optimizer=adam(1e-4))
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    # The Wasserstein loss ignores the critic's output bias (its gradient
    # cancels between real and fake): every other weight moves.
    kernels = [v for v in gan.discriminator.trainable_variables if v.path != "logits/bias"]
    before = values(kernels)
    history = gan.fit(images, batch_size=16, epochs=3, verbose=0).history
    for name in ("d_loss", "g_loss", "gradient_penalty", "wasserstein_distance"):
        assert np.isfinite(history[name]).all(), name
    assert_all_changed(before, kernels, "critic weights")


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_mixed_precision_model_saves_and_resumes(policy, tmp_path):
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    gan.fit(images, batch_size=16, epochs=2, verbose=0)
    copy = run_save_round_trip_test(
        gan, tmp_path, lambda m: m.generate(4, seed=0), atol=1e-3,
        fit=lambda m: m.fit(images, batch_size=16, epochs=1, verbose=0),
    )
    # The loss scales themselves came back (and kept moving in the copy's fit).
    for attribute in ("d_optimizer", "g_optimizer"):
        assert isinstance(getattr(copy, attribute), keras.optimizers.LossScaleOptimizer)
    assert len(copy.optimizer.variables) == len(gan.optimizer.variables)
