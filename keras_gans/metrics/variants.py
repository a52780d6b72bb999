"""Metrics of what a variant is *for*, beyond sample quality.

- Conditional models (cGAN, AC-GAN): how often the evaluator classifies a
  sample as the class it was generated for, next to how often it classifies
  real test images correctly (and, for AC-GAN, the test accuracy of its
  discriminator's class head).
- InfoGAN: how well the unsupervised categorical code matches the classes,
  on real images (Q's prediction) and on generated ones.
- Semi-supervised GAN: its classifier's test accuracy, next to the same
  network trained on the labelled images alone.

`variant_metrics(model, ...)` picks the ones that apply; `keras-gans
export` and `keras-gans evaluate` record them in the preset card.
"""

import numpy as np

from keras_gans.metrics.evaluator import Evaluator, generate_in_chunks, real_images


def _accuracy(predicted, labels):
    return float((np.asarray(predicted) == np.asarray(labels)).mean())


def conditional_accuracy(gan, evaluator=None, num_samples=10_000, seed=0, real=None):
    """How often conditional samples are classified as their requested class.

    Args:
        gan: a model whose `generate` takes `labels` (`CGAN`, `ACGAN`).
        evaluator: an `Evaluator` (default: the zoo's classifier).
        num_samples: samples, requested equally for every class.
        seed: latent seed.
        real: `(images, labels)` reference (default: the Fashion-MNIST test set).

    Returns:
        dict with `conditional_accuracy` (fraction of samples classified as
        requested), `real_accuracy` (the evaluator's accuracy on `real`) and
        `relative_conditional_accuracy` (their ratio).

    Example:

    ```python
    scores = keras_gans.metrics.conditional_accuracy(kg.zoo.load("cgan_fashion_mnist"))
    scores["relative_conditional_accuracy"]  # >= 0.95 is the zoo's target
    ```
    """
    evaluator = evaluator or Evaluator()
    images, labels = real if real is not None else real_images("test")
    wanted = np.arange(num_samples) % gan.num_classes
    samples = generate_in_chunks(
        num_samples, seed,
        lambda start, n, chunk_seed: gan.generate(n, seed=chunk_seed, labels=wanted[start : start + n]),
    )
    accuracy = evaluator.accuracy(samples, wanted)
    real_accuracy = evaluator.accuracy(images, labels)
    return {
        "conditional_accuracy": accuracy,
        "real_accuracy": real_accuracy,
        "relative_conditional_accuracy": accuracy / real_accuracy,
    }


def code_clustering(gan, evaluator=None, num_samples=10_000, seed=0, real=None):
    """InfoGAN: how well the categorical code clusters the classes.

    Args:
        gan: an `InfoGAN`.
        evaluator: an `Evaluator` for the generated side (default: the zoo's).
        num_samples: generated samples, equally many per category.
        seed: latent seed.
        real: `(images, labels)` to cluster (default: the Fashion-MNIST test set).

    Returns:
        dict with `clustering_accuracy` (Q's category on real images, best
        one-to-one map to labels) and `code_class_accuracy` (the evaluator's
        class of samples generated per category, best one-to-one map).
    """
    from keras_gans.models.infogan import clustering_accuracy

    evaluator = evaluator or Evaluator()
    images, labels = real if real is not None else real_images("test")
    categories = np.arange(num_samples) % gan.num_categories
    samples = generate_in_chunks(
        num_samples, seed,
        lambda start, n, chunk_seed: gan.generate(
            n, latents=gan.code_latents(categories[start : start + n], num_samples=n, seed=chunk_seed)
        ),
    )
    return {
        "clustering_accuracy": clustering_accuracy(gan.predict_category(images), labels),
        "code_class_accuracy": clustering_accuracy(categories, evaluator.predict_classes(samples)),
    }


def semi_supervised_accuracy(gan, labeled_indices=None, real=None, baseline_steps=500, seed=0):
    """Semi-supervised GAN: its classifier's test accuracy, and that of the
    same network trained on the labelled images alone (when
    `labeled_indices` into the Fashion-MNIST training set are given).

    Returns:
        dict with `test_accuracy` and, with `labeled_indices`,
        `supervised_only_test_accuracy` and `num_labeled`.
    """
    from keras_gans import datasets
    from keras_gans.models.sgan import train_supervised_baseline

    images, labels = real if real is not None else real_images("test")
    scores = {"test_accuracy": _accuracy(gan.predict_classes(images), labels)}
    if labeled_indices is not None:
        train_images, train_labels = datasets.fashion_mnist.load_arrays("train")
        picked = np.asarray(labeled_indices)
        baseline = train_supervised_baseline(
            gan, datasets.to_unit_range(train_images[picked]), train_labels[picked],
            steps=baseline_steps, seed=seed,
        )
        predicted = baseline.predict(images, batch_size=500, verbose=0).argmax(axis=1)
        scores["supervised_only_test_accuracy"] = _accuracy(predicted, labels)
        scores["num_labeled"] = int(len(picked))
    return scores


def variant_metrics(model, evaluator=None, num_samples=10_000, labeled_indices=None):
    """The metrics above that apply to `model` ({} for unconditional GANs)."""
    from keras_gans.models import CGAN, SGAN, InfoGAN

    if not isinstance(model, (CGAN, InfoGAN, SGAN)):
        return {}
    real = real_images("test")
    if isinstance(model, CGAN):
        scores = conditional_accuracy(model, evaluator, num_samples, real=real)
        if hasattr(model, "classify"):  # AC-GAN: its discriminator is a classifier too
            scores["discriminator_test_accuracy"] = _accuracy(model.classify(real[0]), real[1])
        return scores
    if isinstance(model, InfoGAN):
        return code_clustering(model, evaluator, num_samples, real=real)
    return semi_supervised_accuracy(model, labeled_indices, real=real)
