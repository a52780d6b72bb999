"""StyleGAN2: it learns, its EMA generator moves and is saved, truncation at
psi=0 gives the image of the mean w, mixing at the ends gives one source,
and its layers behave as the paper's (equalized rates, demodulation,
minibatch standard deviation)."""

import re

import keras
import numpy as np
import pytest
from helpers import random_images, run_save_round_trip_test, small_stylegan, values
from keras import ops

import keras_gans as kg
from keras_gans import datasets, losses, metrics
from keras_gans.core import backend
from keras_gans.layers.style import MinibatchStdDev, ModulatedConv2D, NoiseInjection


def compiled(model):
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.0, beta_2=0.99),
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.0, beta_2=0.99),
    )
    return model


def crop_fid(gan, evaluator, real, n=512):
    fake = gan.evaluation_images(gan.generate(n, seed=1))
    return metrics.fid(evaluator.features(fake), evaluator.features(real))


@pytest.fixture(scope="module")
def trained():
    """One small StyleGAN trained for 150 steps of 32 padded images, with
    its EMA weights and FID before training."""
    keras.utils.set_random_seed(0)
    gan = compiled(small_stylegan())
    evaluator = metrics.Evaluator()
    real = metrics.real_images("test", limit=512)[0]
    before = {
        "ema": values(gan.generator_ema.weights),
        "w_avg": np.array(ops.convert_to_numpy(gan.w_avg)),
        "fid": crop_fid(gan, evaluator, real),
    }
    data = datasets.load("fashion_mnist_32", batch_size=32, limit=4800, seed=0)
    history = gan.fit(data, epochs=1, steps_per_epoch=150, verbose=0)
    return gan, before, history.history, evaluator, real


def test_stylegan_learns_fashion_mnist(trained):
    gan, before, history, evaluator, real = trained
    after = crop_fid(gan, evaluator, real)
    assert after < 0.8 * before["fid"], (before["fid"], after)
    # The metrics see the 28x28 crop (`evaluation_images`), as the evaluator needs.
    scores = metrics.evaluate_generator(gan, num_samples=512, evaluator=evaluator, real=real, seed=1)
    assert scores["fid"] < 0.8 * before["fid"], scores
    assert set(history) >= {"d_loss", "g_loss", "r1_penalty"}
    assert np.isfinite(history["d_loss"]).all()
    assert history["r1_penalty"][-1] > 0  # lazy R1 ran (every 32nd step)


def test_ema_moves_lags_the_generator_and_is_saved(trained, tmp_path):
    gan, before, *_ = trained
    ema = values(gan.generator_ema.weights)
    moved = [np.abs(a - b).max() for a, b in zip(ema, before["ema"])]
    assert max(moved) > 1e-2
    trainable = [v.trainable for v in gan.generator.weights]
    lag = [np.abs(a - b).max() for a, b, t in zip(ema, values(gan.generator.weights), trainable) if t]
    assert max(lag) > 1e-4  # an average, not a copy
    assert not gan.generator_ema.trainable_weights
    assert not np.allclose(ops.convert_to_numpy(gan.w_avg), before["w_avg"])

    loaded = run_save_round_trip_test(gan, tmp_path, lambda m: m.generate(4, seed=3), name="stylegan.keras")
    for a, b in zip(values(loaded.generator_ema.weights), ema):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ops.convert_to_numpy(loaded.w_avg), ops.convert_to_numpy(gan.w_avg))
    # generate samples the EMA generator, not the raw one.
    latents = gan.latents_of_seeds([3, 4])
    raw = ops.convert_to_numpy(gan.generator(latents, training=False))
    assert np.abs(gan.generate(latents=latents) - raw).max() > 1e-4


def test_truncation_at_zero_gives_the_mean_image(trained):
    gan, *_ = trained
    images = gan.generate(6, seed=0, truncation_psi=0.0)
    mean_image = gan.synthesize(ops.convert_to_numpy(gan.w_avg)[None])
    np.testing.assert_allclose(images, np.repeat(mean_image, 6, axis=0), atol=1e-5)
    full = gan.generate(6, seed=0)
    half = gan.generate(6, seed=0, truncation_psi=0.5)
    spread = lambda x: float(np.std(x, axis=0).mean())  # noqa: E731
    assert spread(images) < spread(half) < spread(full)


def test_mixing_at_the_ends_gives_one_source(trained, tmp_path):
    gan, *_ = trained
    a = gan.generate(latents=gan.latents_of_seeds([1, 2]))
    b = gan.generate(latents=gan.latents_of_seeds([3, 4]))
    np.testing.assert_allclose(gan.mix_styles([1, 2], [3, 4], crossover=0), b, atol=1e-6)
    np.testing.assert_allclose(gan.mix_styles([1, 2], [3, 4], crossover=gan.num_styles), a, atol=1e-6)
    middle = gan.mix_styles([1, 2], [3, 4], crossover=4)
    assert np.abs(middle - a).max() > 1e-3 and np.abs(middle - b).max() > 1e-3
    np.testing.assert_allclose(gan.generate(1, seed=7), gan.generate(latents=gan.latents_of_seeds([7])), atol=1e-6)
    with pytest.raises(ValueError, match="crossover"):
        gan.mix_styles(1, 2, crossover=gan.num_styles + 1)
    path = gan.save_style_mixing_grid(str(tmp_path / "mixing.png"), row_seeds=(1, 2), column_seeds=(3, 4, 5))
    grid = kg.images.make_grid(np.zeros((12, 32, 32, 1), "float32"), columns=4)
    assert kg.images.read_image(path).shape[:2] == (2 * grid.shape[0], 2 * grid.shape[1])  # 3 x 4, scale 2


@pytest.mark.large
def test_r1_penalty_inside_the_training_step():
    """One step with R1 due (`r1_interval=1`): the logged penalty is
    gamma/2 * E||grad D(x)||^2 on the real batch, measured by hand before the
    step; it is part of d_loss, and the discriminator's update follows it:
    away from the update without it (gamma 0, same start), towards a
    smaller penalty."""
    real = random_images(16, (32, 32, 1))
    gamma = 10.0

    def one_step(r1_gamma):
        keras.utils.set_random_seed(0)
        gan = compiled(small_stylegan(r1_gamma=r1_gamma, r1_interval=1))
        before = float(losses.r1_penalty(lambda x: gan.discriminator(x, training=True), ops.convert_to_tensor(real)))
        history = gan.fit(real, batch_size=16, epochs=1, shuffle=False, verbose=0).history
        after = float(losses.r1_penalty(lambda x: gan.discriminator(x, training=True), ops.convert_to_tensor(real)))
        return gan, history, before, after

    plain, plain_logs, start, plain_after = one_step(0.0)
    penalized, logs, same_start, penalized_after = one_step(gamma)
    assert same_start == pytest.approx(start, rel=1e-5)  # the same initial weights
    assert plain_logs["r1_penalty"] == [0.0]
    assert np.isfinite(logs["r1_penalty"][0]) and logs["r1_penalty"][0] > 0
    assert logs["r1_penalty"][0] == pytest.approx(0.5 * gamma * start, rel=1e-4)
    assert logs["d_loss"][0] - plain_logs["d_loss"][0] == pytest.approx(logs["r1_penalty"][0], rel=1e-3)
    moved = [np.abs(a - b).max() for a, b in zip(values(penalized.discriminator.trainable_variables),
                                                 values(plain.discriminator.trainable_variables))]
    assert max(moved) > 1e-3
    # Measured: 0.0230 -> 0.0222 without R1, 0.0218 with it (TF); 0.0256 ->
    # 0.0253 and 0.0246 (JAX).
    assert penalized_after < plain_after


def test_config_round_trip_and_bad_options():
    gan = small_stylegan()
    clone = kg.models.StyleGAN.from_config(gan.get_config())
    assert clone.generator_channels == gan.generator_channels and clone.num_styles == 8
    with pytest.raises(ValueError, match="describe 32x32"):
        small_stylegan(image_shape=(28, 28, 1))
    with pytest.raises(ValueError, match="one entry per resolution"):
        small_stylegan(discriminator_channels=(8, 8))
    gan = compiled(small_stylegan())
    with pytest.raises(ValueError, match=r"\(None, 32, 32, 1\)"):
        gan.fit(datasets.load("fashion_mnist", batch_size=8, limit=16), epochs=1, verbose=0)


def test_modulated_convolution_demodulates_and_minibatch_stddev_sees_variety():
    features = keras.random.normal((4, 8, 8, 16), seed=0)
    w = keras.random.normal((4, 32), seed=1)
    conv = ModulatedConv2D(24, 3, activation=None)
    outputs = ops.convert_to_numpy(conv([features, w]))
    # Demodulation: unit-variance inputs give unit-variance outputs per
    # sample and channel, whatever the style's scale.
    std = outputs[:, 2:-2, 2:-2].std(axis=(1, 2))
    assert 0.6 < std.mean() < 1.4
    scaled = ops.convert_to_numpy(conv([features, 10.0 * w]))
    assert 0.6 < scaled[:, 2:-2, 2:-2].std(axis=(1, 2)).mean() < 1.4
    up = ModulatedConv2D(8, 3, upsample=True)
    assert tuple(up([features, w]).shape) == (4, 16, 16, 8)

    same = ops.convert_to_numpy(MinibatchStdDev(4)(ops.ones((8, 4, 4, 3))))
    varied = ops.convert_to_numpy(MinibatchStdDev(4)(keras.random.normal((8, 4, 4, 3), seed=2)))
    assert same.shape == (8, 4, 4, 4)
    assert np.abs(same[..., -1]).max() < 1e-3 < varied[..., -1].min()
    assert MinibatchStdDev(4)(ops.ones((6, 4, 4, 3))).shape[-1] == 4  # 6 is not a multiple of 4

    noise = NoiseInjection(seed=0)
    x = ops.zeros((2, 4, 4, 1))
    noise.build(x.shape)
    noise.strength.assign(1.0)
    np.testing.assert_array_equal(ops.convert_to_numpy(noise(x)), ops.convert_to_numpy(noise(x)))
    assert np.abs(ops.convert_to_numpy(noise(x, training=True)) - ops.convert_to_numpy(noise(x))).max() > 0


def test_training_noise_is_standard_normal_fresh_and_computed_once():
    """StyleGAN's per-pixel noise (`backend.standard_normal`) is standard
    normal, reproducible from its seed and fresh on every draw. On JAX, XLA
    computes it once: its inverse-error-function polynomial, which XLA's CPU
    compiler would otherwise copy into every fusion that reads the noise
    (one per channel, inside kernel gradients' transposes), stands in one
    fused computation of the compiled program."""
    shape = (64, 32, 32, 1)
    seed = keras.random.SeedGenerator(0)
    first = ops.convert_to_numpy(backend.standard_normal(shape, seed))
    second = ops.convert_to_numpy(backend.standard_normal(shape, seed))
    again = ops.convert_to_numpy(backend.standard_normal(shape, keras.random.SeedGenerator(0)))
    assert first.shape == shape
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, second)
    assert abs(first.mean()) < 0.02 and abs(first.std() - 1.0) < 0.02
    within_one = np.mean(np.abs(first) < 1.0)
    assert abs(within_one - 0.6827) < 0.01, within_one  # a normal's mass within one sigma
    if backend.BACKEND == "jax":
        import jax

        def layer_like(x, seed):
            noisy = x + backend.standard_normal((4, 8, 8, 1), seed)
            return ops.transpose(noisy, (3, 1, 2, 0)), ops.sum(noisy * x)

        compiled = jax.jit(layer_like, static_argnums=1).lower(ops.ones((4, 8, 8, 16)), 0).compile().as_text()
        fused = re.split(r"\n(?=%fused_computation)", compiled)
        with_polynomial = [f for f in fused if "erf_inv" in f and f.startswith("%fused_computation")]
        assert len(with_polynomial) == 1, len(with_polynomial)


def test_padded_dataset_and_area_resize():
    images = next(iter(datasets.load("fashion_mnist_32", batch_size=16, limit=16, shuffle=False)))
    images = np.asarray(images)
    assert images.shape == (16, 32, 32, 1)
    np.testing.assert_array_equal(images[:, :2], -1.0)
    plain = np.asarray(next(iter(datasets.load("fashion_mnist", batch_size=16, limit=16, shuffle=False))))
    np.testing.assert_array_equal(kg.models.StyleGAN.evaluation_images(images), plain)
    resized = metrics.area_resize(images, (28, 28))
    assert resized.shape == (16, 28, 28, 1)
    np.testing.assert_allclose(resized.mean(axis=(1, 2, 3)), images.mean(axis=(1, 2, 3)), atol=1e-5)
    np.testing.assert_allclose(metrics.area_resize(images, (16, 16)), images.reshape(16, 16, 2, 16, 2, 1).mean((2, 4)),
                               atol=1e-6)
