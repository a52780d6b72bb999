"""Guards: divergence to NaN, collapse, and bad data found mid-dataset."""

import json

import keras
import numpy as np
import pytest
from helpers import adam, random_images, small_dcgan

import keras_gans as kg
from keras_gans import datasets, training


@pytest.fixture(scope="module")
def real():
    images, _ = datasets.fashion_mnist.load_arrays("train")
    return datasets.to_unit_range(images[:512])


def test_nan_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    class Diverge(keras.callbacks.Callback):
        """After 4 healthy steps, learning rates that blow the weights up."""

        def on_train_batch_end(self, batch, logs=None):
            if batch == 3:
                for optimizer in (self.model.d_optimizer, self.model.g_optimizer):
                    optimizer.learning_rate.assign(1e30)

    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), loss="max_likelihood")
    checkpoint = training.RunCheckpoint(str(tmp_path), steps_per_epoch=32, every_steps=1)
    stopper = kg.callbacks.TerminateOnNaN(raise_error=True)
    with pytest.raises(RuntimeError, match=r"Training diverged at step (\d+) .*: [dg]_loss is nan"):
        gan.fit(random_images(256), batch_size=8, epochs=3, verbose=0,
                callbacks=[stopper, checkpoint, Diverge()])
    assert stopper.bad_step is not None
    saved = json.load(open(tmp_path / training.PROGRESS))["steps_done"]
    assert saved < stopper.bad_step
    restored = keras.models.load_model(str(tmp_path / training.CHECKPOINT))
    assert int(restored.optimizer.iterations) == saved
    assert all(np.isfinite(w).all() for w in restored.get_weights())


def test_terminate_on_nan_stops_gracefully_by_default():
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(1e30), g_optimizer=adam(1e30), loss="max_likelihood")
    stopper = kg.callbacks.TerminateOnNaN()
    history = gan.fit(random_images(256), batch_size=8, epochs=3, verbose=0, callbacks=[stopper])
    assert gan.stop_training and len(history.history["d_loss"]) == 1
    assert stopper.bad_step == int(gan.g_optimizer.iterations)


def test_collapse_guard_fires_when_samples_collapse(real):
    class CollapseGenerator(keras.callbacks.Callback):
        """Zeroes the generator's output kernel: every sample the same."""

        def on_train_batch_end(self, batch, logs=None):
            if batch == 5:
                kernel = self.model.generator.get_layer("image").kernel
                kernel.assign(np.zeros(kernel.shape, "float32"))

    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam(0.0))
    guard = kg.callbacks.CollapseGuard(real[:128], every_n_steps=2, patience=2, stop=True)
    with pytest.warns(UserWarning, match=r"collapse at step 8: diversity 0\.000 < 0\.5 x best"):
        gan.fit(real, batch_size=32, epochs=2, verbose=0, callbacks=[CollapseGenerator(), guard])
    assert guard.fired_at_step == 8 and gan.stop_training
    # The best weights (before the collapse) are back: samples differ again.
    samples = gan.generate(16, seed=0)
    assert samples.std(axis=0).mean() > 1e-3


def test_collapse_guard_fires_when_the_discriminator_wins(real):
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(0.0))  # G never learns
    assert gan.discriminator_accuracy(real[:128], gan.generate(128, seed=0)) < 0.9
    guard = kg.callbacks.CollapseGuard(real[:128], every_n_steps=4, patience=2,
                                       accuracy_threshold=0.9)
    with pytest.warns(UserWarning, match=r"d_accuracy (0\.9\d+|1\.000) >= 0\.9"):
        gan.fit(real, batch_size=32, epochs=4, verbose=0, callbacks=[guard])
    assert guard.fired_at_step is not None and guard.history[-1]["d_accuracy"] >= 0.9
    assert not gan.stop_training  # warn only, by default


def test_bad_batch_deep_in_a_dataset_stops_before_training_on_it():
    images = random_images(256)
    images[200, 3, 3, 0] = np.nan  # batch 6 of 8
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())

    class LastGoodWeights(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.weights, self.batch = self.model.discriminator.get_weights(), batch

    last = LastGoodWeights()
    data = datasets.from_arrays(images, batch_size=32, shuffle=False)
    with pytest.raises(ValueError, match=r"Batch 6 of the dataset: Expected finite data"):
        gan.fit(data, epochs=1, verbose=0, callbacks=[last])
    assert last.batch == 5
    # The discriminator, the only player that reads real batches, never saw
    # batch 6. (On TensorFlow the generator's half of that step, which reads
    # no data, may still have run.)
    for trained, good in zip(gan.discriminator.get_weights(), last.weights):
        np.testing.assert_array_equal(trained, good)
    assert all(np.isfinite(w).all() for w in gan.get_weights())
