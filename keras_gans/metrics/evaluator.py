"""The Fashion-MNIST evaluator: a classifier trained by this project, used as
the feature extractor of FID / KID / precision-recall and as the judge of
class-conditional samples."""

import keras
import numpy as np
from keras import layers

from keras_gans import datasets
from keras_gans.core import presets
from keras_gans.layers.conv import Conv2D
from keras_gans.layers.normalization import BatchNormalization
from keras_gans.metrics import distances, neighbours

EVALUATOR_PRESET = "fashion_mnist_classifier"


def build_classifier(input_shape=(28, 28, 1), num_classes=10, width=32, dropout=0.3):
    """A small VGG-style CNN; its 128-d `features` layer feeds the metrics."""
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    for i, filters in enumerate((width, 2 * width), start=1):
        x = Conv2D(filters, 3, padding="same", name=f"block_{i}_conv_1")(x)
        x = BatchNormalization(name=f"block_{i}_bn_1")(x)
        x = layers.ReLU(name=f"block_{i}_act_1")(x)
        x = Conv2D(filters, 3, padding="same", name=f"block_{i}_conv_2")(x)
        x = BatchNormalization(name=f"block_{i}_bn_2")(x)
        x = layers.ReLU(name=f"block_{i}_act_2")(x)
        x = layers.MaxPooling2D(name=f"block_{i}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Dense(128, activation="relu", name="features")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="fashion_mnist_classifier")


class Evaluator:
    """Measures generated samples with a trained classifier.

    Args:
        classifier: a `keras.Model` on images in [-1, 1] with a layer named
            `features`; defaults to the `fashion_mnist_classifier` preset.
        batch_size: inference batch size.

    Example:

    ```python
    evaluator = keras_gans.metrics.Evaluator()
    scores = evaluator.evaluate_samples(gan.generate(10000, seed=0), real_test_images)
    scores["fid"], scores["precision"]
    ```
    """

    def __init__(self, classifier=None, batch_size=500):
        if classifier is None:
            classifier = presets.load(EVALUATOR_PRESET)
        self.classifier = classifier
        self.batch_size = batch_size
        self._both = keras.Model(
            classifier.inputs,
            [classifier.get_layer("features").output, classifier.outputs[0]],
        )

    def features_and_logits(self, images):
        images = np.asarray(images, dtype="float32")
        expected = tuple(self.classifier.input_shape[1:])
        if images.shape[1:] != expected:
            raise ValueError(
                f"The evaluator expects images of shape (n,) + {expected}; "
                f"received {images.shape}."
            )
        features, logits = self._both.predict(images, batch_size=self.batch_size, verbose=0)
        return features, logits

    def features(self, images):
        return self.features_and_logits(images)[0]

    def predict_classes(self, images):
        return self.features_and_logits(images)[1].argmax(axis=1)

    def accuracy(self, images, labels):
        """Fraction of `images` classified as `labels`."""
        return float((self.predict_classes(images) == np.asarray(labels)).mean())

    def evaluate_samples(self, fake, real, k=3, kid_subsets=10):
        """FID, KID, precision, recall, density, coverage and inception score
        of `fake` against `real` (both image arrays in [-1, 1])."""
        fake_features, fake_logits = self.features_and_logits(fake)
        real_features = self.features(real)
        kid_mean, kid_std = distances.kid(real_features, fake_features, num_subsets=kid_subsets)
        precision, recall = neighbours.precision_recall(
            real_features[:5000], fake_features[:5000], k=k
        )
        density, coverage = neighbours.density_coverage(
            real_features[:5000], fake_features[:5000], k=5
        )
        return {
            "fid": distances.fid(real_features, fake_features),
            "kid": kid_mean,
            "kid_std": kid_std,
            "precision": precision,
            "recall": recall,
            "density": density,
            "coverage": coverage,
            "inception_score": inception_score(fake_logits),
        }


def inception_score(logits, splits=1):
    """exp(E_x KL(p(y|x) || p(y))) from classifier logits (Salimans et al.)."""
    logits = np.asarray(logits, dtype="float64")
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0, keepdims=True)
        kl = (part * (np.log(part + 1e-12) - np.log(marginal + 1e-12))).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores))


def real_images(split="test", limit=None):
    """Fashion-MNIST images in [-1, 1] (the reference set of the metrics)."""
    images, labels = datasets.fashion_mnist.load_arrays(split)
    images, labels = datasets.select(images, labels, limit=limit)
    return datasets.to_unit_range(images), labels


def generate_in_chunks(num_samples, seed, generate_chunk, progress=None, chunk_size=1000):
    """Generates `num_samples` samples in chunks, chunk `start` seeded with
    `seed * 100_003 + start` (so every metric draws the same samples for a
    seed), through `generate_chunk(start, n, chunk_seed) -> images`."""
    samples = []
    for start in range(0, num_samples, chunk_size):
        n = min(chunk_size, num_samples - start)
        samples.append(generate_chunk(start, n, seed * 100_003 + start))
        if progress:
            progress.add(n)
    return np.concatenate(samples)


def evaluate_generator(gan, num_samples=10_000, evaluator=None, real=None, seed=0, verbose=0):
    """Generates `num_samples` images and scores them against `real`.

    Args:
        gan: a zoo model whose `evaluation_images(gan.generate(...))` are
            Fashion-MNIST-shaped images.
        num_samples: number of generated images.
        evaluator: an `Evaluator` (default: the zoo's classifier).
        real: reference images (default: the 10,000 Fashion-MNIST test images).
        seed: latent seed.
        verbose: show a progress bar while generating.

    Returns:
        dict with `fid`, `kid`, `precision`, `recall`, `density`, `coverage`,
        `inception_score` and `num_samples`.
    """
    evaluator = evaluator or Evaluator()
    real = real_images("test")[0] if real is None else real
    bar = keras.utils.Progbar(num_samples, unit_name="sample") if verbose else None
    samples = generate_in_chunks(
        num_samples, seed, lambda start, n, chunk_seed: gan.generate(n, seed=chunk_seed), bar
    )
    scores = evaluator.evaluate_samples(gan.evaluation_images(samples), real)
    scores["num_samples"] = int(num_samples)
    return scores


def fid_floor(evaluator=None, num_samples=10_000):
    """FID between real training and real test images: the best a generator
    can hope for with this feature extractor and sample size."""
    evaluator = evaluator or Evaluator()
    train = real_images("train", limit=num_samples)[0]
    test = real_images("test")[0]
    return distances.fid(evaluator.features(train), evaluator.features(test))
