import numpy as np
import pytest
from helpers import adam

import keras_gans as kg
from keras_gans import datasets


def test_semi_supervised_batches_are_balanced():
    ds, picked = datasets.semi_supervised(num_labeled=100, batch_size=32, limit=4000)
    _, labels = datasets.fashion_mnist.load_arrays("train")
    assert np.bincount(labels[picked], minlength=10).tolist() == [10] * 10
    batch = next(iter(ds.as_numpy_iterator()))
    assert batch["real"].shape == (32, 28, 28, 1) and batch["labeled"].shape == (32, 28, 28, 1)
    assert set(batch["labels"]) <= set(labels[picked])
    with pytest.raises(ValueError, match="multiple of the 10 classes"):
        datasets.semi_supervised(num_labeled=55, limit=4000)


def test_sgan_learns_a_classifier_from_100_labels():
    ds, _ = datasets.semi_supervised(num_labeled=100, batch_size=64, limit=8192, seed=0)
    gan = kg.models.SGAN(latent_dim=32, generator_filters=(64, 32, 16), discriminator_filters=(32, 64), seed=0)
    gan.compile(d_optimizer=adam(5e-4), g_optimizer=adam(5e-4))
    gan.fit(ds, epochs=1, verbose=0)
    images, labels = kg.metrics.real_images("test", limit=2000)
    accuracy = (gan.predict_classes(images) == labels).mean()
    print(f"SGAN test accuracy after 128 steps with 100 labels: {accuracy:.3f}")
    assert accuracy > 0.5  # chance is 0.1
    assert gan.classifier.output_shape == (None, 10)


def test_sgan_rejects_plain_batches():
    gan = kg.models.SGAN(latent_dim=8, generator_filters=(16, 8, 8), discriminator_filters=(8, 8))
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    with pytest.raises(ValueError, match="semi_supervised"):
        gan.fit(np.zeros((8, 28, 28, 1), "float32"), batch_size=4, verbose=0)
