"""The shared train step: both optimizers, state, tracing, d_steps, checks."""

import keras
import numpy as np
import pytest
from helpers import adam, is_traced, random_images, small_dcgan
from keras import ops

from keras_gans import losses
from keras_gans.core.adversarial import AdversarialModel
from keras_gans.models import GAN


def numpy_state(variables):
    return [np.array(ops.convert_to_numpy(v)) for v in variables]


def test_step_updates_every_piece_of_state():
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    bn_before = numpy_state(gan.generator.non_trainable_variables)
    seed_before = numpy_state([gan.seed_generator.state])[0]
    d_before = numpy_state(gan.discriminator.trainable_variables)
    g_before = numpy_state(gan.generator.trainable_variables)

    gan.fit(random_images(64), batch_size=16, epochs=2, verbose=0)

    # 4 batches x 2 epochs: each optimizer stepped 8 times.
    assert int(gan.d_optimizer.iterations) == 8
    assert int(gan.g_optimizer.iterations) == 8
    assert int(gan.optimizer.iterations) == 8
    # Adam's moments of *both* optimizers survived the compiled steps.
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        moments = [v for v in optimizer.variables if "momentum" in v.path]
        assert moments and all(np.abs(ops.convert_to_numpy(m)).sum() > 0 for m in moments)
    assert any(
        not np.allclose(a, b)
        for a, b in zip(bn_before, numpy_state(gan.generator.non_trainable_variables))
    ), "BatchNorm moving statistics did not move"
    assert not np.array_equal(seed_before, ops.convert_to_numpy(gan.seed_generator.state))
    for before, network in ((d_before, gan.discriminator), (g_before, gan.generator)):
        after = numpy_state(network.trainable_variables)
        assert all(not np.allclose(a, b) for a, b in zip(before, after))


def test_noise_differs_between_steps():
    """The seed generator is model state: each compiled step draws new latents."""
    seen = []

    class Recorder(GAN):
        def generator_loss(self, batch, training=True):
            z = self.sample_latent(2)
            seen.append(is_traced(z))
            return ops.mean(self.generator(z, training=training)) * 0 + ops.sum(z[0, 0])

    gan = Recorder(latent_dim=4, data_shape=(2,), output_activation=None, seed=3)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    history = gan.fit(np.zeros((8, 2), "float32"), batch_size=2, epochs=1, verbose=0)
    assert seen and all(seen), "train_step did not run compiled"
    # g_loss logs the running mean of z[0, 0]; constant noise would make it
    # the same value every step. Compare a few independent fits instead:
    values = []
    for _ in range(3):
        values.append(gan.fit(np.zeros((2, 2), "float32"), batch_size=2, verbose=0).history["g_loss"][0])
    assert len(set(np.round(values, 6))) == 3


@pytest.mark.parametrize("d_steps", [1, 3])
def test_d_steps_ratio(d_steps):
    gan = GAN(latent_dim=4, data_shape=(2,), output_activation=None, d_steps=d_steps, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    gan.fit(np.random.normal(size=(20, 2)).astype("float32"), batch_size=5, verbose=0)
    assert int(gan.d_optimizer.iterations) == 4 * d_steps
    assert int(gan.g_optimizer.iterations) == 4


class PenalizedGAN(GAN):
    """A critic trained on the gradient penalty alone, inside the compiled
    step: the penalty can only fall if its second-order gradient is right."""

    metric_names = ("d_loss", "g_loss", "gradient_penalty")

    def discriminator_loss(self, batch, training=True):
        real = batch["real"]
        fake = self.generator(self.sample_latent(ops.shape(real)[0]), training=training)
        critic = lambda x: self.discriminator(x, training=training)  # noqa: E731
        gp = losses.gradient_penalty(critic, real, fake, seed=self.seed_generator)
        return gp, {"gradient_penalty": gp}


def test_gradient_penalty_trains_inside_compiled_step():
    gan = PenalizedGAN(latent_dim=4, data_shape=(2,), output_activation=None, seed=0)
    # Large initial weights make the critic's gradient norm far from 1 ...
    for v in gan.discriminator.trainable_variables:
        v.assign(ops.convert_to_numpy(v) * 4.0)
    # The generator stands still (learning rate 0): only the critic moves.
    gan.compile(d_optimizer=adam(2e-3), g_optimizer=adam(0.0), loss="wasserstein")
    data = np.random.default_rng(0).normal(size=(512, 2)).astype("float32")
    history = gan.fit(data, batch_size=64, epochs=10, verbose=0).history
    gp = history["gradient_penalty"]
    assert np.all(np.isfinite(gp)) and gp[0] > 1.0
    # ... and minimizing the penalty pulls the norm back towards 1.
    assert gp[-1] < 0.3 * gp[0]


def test_same_optimizer_instance_is_rejected():
    gan = small_dcgan()
    optimizer = adam()
    with pytest.raises(ValueError, match="same optimizer"):
        gan.compile(d_optimizer=optimizer, g_optimizer=optimizer)


def test_fit_before_compile_fails_clearly():
    with pytest.raises(ValueError, match="must be compiled"):
        small_dcgan().fit(random_images(8), batch_size=4)


def test_compile_rejects_keras_optimizer_argument():
    with pytest.raises(ValueError, match="d_optimizer"):
        small_dcgan().compile(optimizer="adam")


@pytest.mark.parametrize(
    "data, message",
    [
        (random_images(8, shape=(28, 28)), r"rank 4.*received rank 3"),
        (random_images(8, shape=(28, 28, 3)), r"channels: expected 1, received 3"),
        (random_images(8, shape=(32, 32, 1)), r"expects data of shape \(None, 28, 28, 1\)"),
        (random_images(8) * 127.5 + 127.5, r"values in \[-1.0, 1.0\].*x / 127.5 - 1"),
        ((random_images(8) > 0).astype("uint8"), r"floating point.*uint8"),
    ],
)
def test_bad_data_fails_before_training(data, message):
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    with pytest.raises(ValueError, match=message):
        gan.fit(data, batch_size=4, verbose=0)
    assert int(gan.d_optimizer.iterations) == 0


def test_bad_tf_dataset_fails_before_training():
    import tensorflow as tf

    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    ds = tf.data.Dataset.from_tensor_slices(random_images(8) * 255).batch(4)
    with pytest.raises(ValueError, match=r"\[-1.0, 1.0\]"):
        gan.fit(ds, verbose=0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"d_steps": 0}, "d_steps"),
        ({"latent_distribution": "cauchy"}, "latent_distribution"),
        ({"label_smoothing": 1.0}, "label_smoothing"),
        ({"instance_noise": -1}, "instance_noise"),
        ({"image_shape": (30, 30, 1)}, "divisible by 4"),
        ({"upsampling": "cubic"}, "upsampling"),
    ],
)
def test_bad_constructor_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        small_dcgan(**kwargs)


def test_generic_adversarial_model_with_custom_networks():
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = AdversarialModel(generator, discriminator, latent_dim=3, value_range=None, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), loss="least_squares")
    gan.fit(np.ones((16, 2), "float32"), batch_size=8, verbose=0)
    assert gan.generate(5, seed=1).shape == (5, 2)
    np.testing.assert_array_equal(gan.generate(5, seed=1), gan.generate(5, seed=1))


def test_evaluate_reports_losses_without_training():
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    logs = gan.evaluate(random_images(32), batch_size=16, verbose=0, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss"} and np.isfinite(list(logs.values())).all()
    assert int(gan.d_optimizer.iterations) == 0
