import keras
import numpy as np
from helpers import adam, run_save_round_trip_test

import keras_gans as kg
from keras_gans import datasets
from keras_gans.metrics import clustering_accuracy

SMALL = dict(noise_dim=16, generator_filters=(32, 16, 8), discriminator_filters=(8, 16), seed=0)


def test_infogan_learns_to_recover_its_codes(tmp_path):
    gan = kg.models.InfoGAN(**SMALL)
    gan.compile(d_optimizer=adam(2e-4), g_optimizer=adam(1e-3))
    ds = datasets.load("fashion_mnist", split="test", batch_size=64, limit=1024, seed=0)
    history = gan.fit(ds, epochs=3, verbose=0).history
    # Q recovers the categorical code of fakes far above chance (0.1), and
    # the mutual-information loss falls.
    assert history["code_accuracy"][-1] > 0.5
    assert history["info_loss"][-1] < 0.8 * history["info_loss"][0]
    # Fixed codes: same category, the noise from one seed.
    z = gan.code_latents(category=3, continuous=[0.5, -0.5], num_samples=4, seed=1)
    np.testing.assert_array_equal(z[:, 16:26].argmax(1), [3] * 4)
    np.testing.assert_allclose(z[:, 26:], [[0.5, -0.5]] * 4)
    restored = run_save_round_trip_test(gan, tmp_path, lambda m: m.generate(2, latents=z[:2]), name="infogan.keras")
    assert restored.predict_category(np.zeros((3, 28, 28, 1), "float32")).shape == (3,)


def test_clustering_accuracy_finds_the_best_mapping():
    labels = np.array([0, 0, 1, 1, 2, 2])
    assert clustering_accuracy(np.array([2, 2, 0, 0, 1, 1]), labels) == 1.0
    assert clustering_accuracy(np.array([0, 0, 0, 0, 0, 0]), labels) == 1 / 3
