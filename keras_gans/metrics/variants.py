"""Metrics of what a variant is *for*, beyond sample quality.

- Conditional models (cGAN, AC-GAN): how often the evaluator classifies a
  sample as the class it was generated for, next to how often it classifies
  real test images correctly (and, for AC-GAN, the test accuracy of its
  discriminator's class head).
- InfoGAN: how well the unsupervised categorical code matches the classes,
  on real images (Q's prediction) and on generated ones.
- Semi-supervised GAN: its classifier's test accuracy, next to the same
  network trained on the labelled images alone.

Each variant's `purpose_metrics` calls the ones that apply, and
`measure(model)` adds them to the sample-quality scores: `keras-gans export`
and `keras-gans evaluate` record the result in the preset card.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from keras_gans import datasets
from keras_gans.metrics import distances, image_quality

from keras_gans.metrics.evaluator import Evaluator, evaluate_generator, generate_in_chunks, real_images


def _accuracy(predicted, labels):
    return float((np.asarray(predicted) == np.asarray(labels)).mean())


def clustering_accuracy(clusters, labels):
    """Accuracy after the best one-to-one map of clusters to labels
    (Hungarian algorithm), as used to score InfoGAN's categorical code.

    Example:

    ```python
    clustering_accuracy([1, 1, 0, 0], [0, 0, 1, 1])  # 1.0
    ```
    """
    clusters, labels = np.asarray(clusters), np.asarray(labels)
    size = max(clusters.max(), labels.max()) + 1
    counts = np.zeros((size, size), dtype=np.int64)
    np.add.at(counts, (clusters, labels), 1)
    rows, cols = linear_sum_assignment(-counts)
    return float(counts[rows, cols].sum() / len(labels))


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


def semi_supervised_accuracy(gan, labeled_indices=None, real=None, baseline=None):
    """Semi-supervised GAN: its classifier's test accuracy, and that of a
    `baseline` classifier trained on the labelled images alone.

    Args:
        gan: a model with `predict_classes(images)`.
        labeled_indices: indices into the Fashion-MNIST training set of the
            labelled images (recorded as `num_labeled`).
        real: `(images, labels)` to score on (default: the test set).
        baseline: a `keras.Model` mapping images to class logits.

    Returns:
        dict with `test_accuracy` and, with a `baseline`,
        `supervised_only_test_accuracy`; with `labeled_indices`, `num_labeled`.
    """
    images, labels = real if real is not None else real_images("test")
    scores = {"test_accuracy": _accuracy(gan.predict_classes(images), labels)}
    if baseline is not None:
        predicted = baseline.predict(images, batch_size=500, verbose=0).argmax(axis=1)
        scores["supervised_only_test_accuracy"] = _accuracy(predicted, labels)
    if labeled_indices is not None:
        scores["num_labeled"] = int(len(labeled_indices))
    return scores


def labeled_training_images(indices):
    """The Fashion-MNIST training images and labels at `indices` ([-1, 1])."""
    images, labels = datasets.fashion_mnist.load_arrays("train")
    picked = np.asarray(indices)
    return datasets.to_unit_range(images[picked]), labels[picked]


def measure(model, evaluator=None, num_samples=10_000, run_dir=None, seed=0, verbose=0):
    """Everything a preset card records about `model`.

    Sample quality (`evaluate_generator`) for models that declare
    `measures_samples`, then the metrics the variant itself declares
    (`model.purpose_metrics`).

    Args:
        model: an `AdversarialModel`.
        evaluator: an `Evaluator` (default: the zoo's classifier).
        num_samples: samples to score.
        run_dir: the training run's folder, passed to `purpose_metrics`.
        seed: the samples' seed.
        verbose: progress bar while generating.

    Returns:
        A dict of metrics.
    """
    evaluator = evaluator or Evaluator()
    scores = {}
    if model.measures_samples:
        scores.update(evaluate_generator(model, num_samples, evaluator, seed=seed, verbose=verbose))
    scores.update(model.purpose_metrics(evaluator, num_samples, run_dir))
    return scores


def paired_translation_scores(outputs, targets, evaluator=None):
    """How close translations are to their targets, and how real they look.

    Args:
        outputs: translated images, `(n, 28, 28, 1)` in [-1, 1].
        targets: the true images for the same inputs.
        evaluator: an `Evaluator` for the FID (default: the zoo's classifier).

    Returns:
        dict with `l1`, `psnr`, `ssim`, `fid` (outputs vs targets, the
        evaluator's features), `sharpness` and `real_sharpness` (the
        targets'), and `num_samples`.
    """
    evaluator = evaluator or Evaluator()
    return {
        "l1": image_quality.mean_absolute_error(outputs, targets),
        "psnr": image_quality.psnr(outputs, targets),
        "ssim": image_quality.ssim(outputs, targets),
        "fid": distances.fid(evaluator.features(targets), evaluator.features(outputs)),
        "sharpness": image_quality.sharpness(outputs),
        "real_sharpness": image_quality.sharpness(targets),
        "num_samples": int(len(outputs)),
    }
