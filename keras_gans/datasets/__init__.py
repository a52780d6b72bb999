"""Datasets as `tf.data` pipelines that feed `fit` on every backend.

Example:

```python
ds = keras_gans.datasets.load("fashion_mnist", batch_size=128)
ds = keras_gans.datasets.load("fashion_mnist", split="test", with_labels=True)
ds = keras_gans.datasets.load("fashion_mnist_32")        # padded to 32x32 (StyleGAN)
ds = keras_gans.datasets.load("ring8", batch_size=256)   # 2-D toy mixture
ds = keras_gans.datasets.load("mnist")                   # any TFDS image dataset
ds = keras_gans.datasets.load("fashion_edges")           # (edges, image) pairs
ds = keras_gans.datasets.load("fashion_sneaker_boot")    # {"a": sneakers, "b": boots}
ds = keras_gans.datasets.load("cycle_gan/horse2zebra", image_size=(256, 256), batch_size=1)
```

Image-to-image data lives in `translation` (tasks built from Fashion-MNIST,
`paired` / `unpaired` pipelines) and `folders` (your own image folders, TFDS
`cycle_gan/*`).
"""

import difflib

import numpy as np

from keras_gans.datasets import fashion_mnist, folders, moving, toy, translation
from keras_gans.datasets.arrays import from_arrays, pad_to, select, to_unit_range
from keras_gans.datasets.fashion_mnist import CLASS_NAMES as FASHION_MNIST_CLASSES
from keras_gans.datasets.folders import (
    paired_folders,
    side_by_side_folder,
    tfds_unpaired,
    unpaired_folders,
)
from keras_gans.datasets.stream import training_stream
from keras_gans.datasets.translation import paired, unpaired

# The file in a run folder that lists the labelled training images of a
# semi-supervised run (indices into the training split).
LABELED_INDICES_FILE = "labeled_indices.json"

TOY_DATASETS = {
    "ring8": lambda n, seed: toy.ring_of_gaussians(n, seed=seed),
    "grid25": lambda n, seed: toy.grid_of_gaussians(n, seed=seed),
}
# Image-to-image tasks of `load`: name -> what a batch holds. Any name
# starting with "cycle_gan/" (TFDS) is one too: {"a", "b"} unpaired batches.
TRANSLATION_TASKS = dict(translation.TASK_DESCRIPTIONS)
# Fashion-MNIST centred on a larger canvas: name -> size (StyleGAN's 32x32).
PADDED_FASHION_MNIST = {"fashion_mnist_32": 32}
CYCLE_GAN_PREFIX = "cycle_gan/"
# Video tasks of `load`: `(past frames, next frame)` pairs (see `moving`).
VIDEO_TASKS = dict(moving.TASK_DESCRIPTIONS)


def names():
    """This package's own dataset names for `load`, sorted (any TFDS image
    dataset, e.g. `"mnist"`, and `"cycle_gan/<pair>"` load too)."""
    return sorted(
        ["fashion_mnist", *PADDED_FASHION_MNIST, *TOY_DATASETS, *TRANSLATION_TASKS, *VIDEO_TASKS]
    )


def closest_names(name, n=3):
    """The known dataset names closest to `name`: this package's and TFDS'.

    Example:

    ```python
    keras_gans.datasets.closest_names("fashon_mnist")  # ['fashion_mnist', ...]
    ```
    """
    import tensorflow_datasets as tfds

    # The builders installed with TFDS (offline); community ones need the network.
    known = sorted(set(names() + tfds.list_builders(with_community_datasets=False)))
    return difflib.get_close_matches(str(name), known, n=n, cutoff=0.5)


def load(
    name="fashion_mnist",
    split="train",
    batch_size=128,
    with_labels=False,
    shuffle=True,
    seed=None,
    limit=None,
    classes=None,
    data_dir=None,
    download=True,
    num_samples=50_000,
    image_size=None,
):
    """Loads a dataset by name as a batched `tf.data.Dataset`.

    Images are float32 in [-1, 1], channels last.

    Args:
        name: `"fashion_mnist"` (offline from Debian's package; `"fashion_mnist_32"`
            padded to 32x32), `"ring8"` or
            `"grid25"` (2-D toy mixtures), an image-to-image task of
            `TRANSLATION_TASKS` (offline, from Fashion-MNIST), a TFDS
            `"cycle_gan/<pair>"` set (unpaired `{"a", "b"}` batches), a video
            task of `VIDEO_TASKS` (`"moving_fashion_mnist"`: `(past, next)`
            frame pairs, offline, see `moving`), or any
            TFDS dataset with an `"image"` feature (e.g. `"mnist"`, `"cifar10"`).
        split: `"train"` or `"test"` (any TFDS split for TFDS datasets).
        batch_size: batch size.
        with_labels: yield `(images, labels)` instead of `images`.
        shuffle: shuffle every epoch.
        seed: shuffle / toy sampling seed.
        limit: keep only the first `limit` examples (of each domain for
            unpaired tasks).
        classes: keep only these labels (a list of ints);
            `"fashion_domains"`: its two classes `(a, b)`.
        data_dir: TFDS data folder.
        download: let TFDS download when nothing local is found.
        num_samples: size of a toy dataset.
        image_size: `(height, width)` to resize `"cycle_gan/*"` images to
            (required there: TFDS declares no fixed size).

    Raises:
        FileNotFoundError: Fashion-MNIST not installed (the message says how).
        ValueError: bad argument values.
    """
    if int(batch_size) < 1:
        raise ValueError(f"`batch_size` must be >= 1; received {batch_size}.")
    is_cycle_gan = name.startswith(CYCLE_GAN_PREFIX)
    if image_size is not None and not is_cycle_gan:
        raise ValueError(
            f"`image_size` applies to {CYCLE_GAN_PREFIX}* datasets only; received "
            f"image_size={image_size!r} for {name!r}."
        )
    if with_labels and (is_cycle_gan or name in TRANSLATION_TASKS or name in VIDEO_TASKS):
        raise ValueError(f"{name!r} is an image-to-image task: it has no labels to yield.")
    if name in VIDEO_TASKS:
        if classes is not None:
            raise ValueError(f"`classes` does not apply to {name!r} (every item class moves).")
        return moving.load_task(name, split, batch_size, shuffle, seed, limit)
    if name in TRANSLATION_TASKS:
        return translation.load_task(
            name, split, batch_size, shuffle, seed, limit, classes, download, data_dir
        )
    if is_cycle_gan:
        if classes is not None:
            raise ValueError(f"`classes` does not apply to {name!r} (two unpaired domains).")
        return folders.tfds_unpaired(
            name, split, data_dir, download, image_size, batch_size=batch_size,
            shuffle=shuffle, seed=seed, limit=limit,
        )
    if name in TOY_DATASETS:
        samples, labels = TOY_DATASETS[name](num_samples, seed)
        return from_arrays(samples, labels if with_labels else None, batch_size, shuffle, seed)
    if name == "fashion_mnist" or name in PADDED_FASHION_MNIST:
        images, labels = fashion_mnist.load_arrays(split, download=download, data_dir=data_dir)
        if name in PADDED_FASHION_MNIST:
            images = pad_to(images, PADDED_FASHION_MNIST[name])
    else:
        images, labels = _tfds_arrays(name, split, data_dir, download)
    images, labels = select(images, labels, classes=classes, limit=limit)
    return from_arrays(
        to_unit_range(images), labels if with_labels else None, batch_size, shuffle, seed
    )


def _tfds_arrays(name, split, data_dir, download):
    import tensorflow_datasets as tfds

    try:
        ds = tfds.load(name, split=split, data_dir=data_dir, download=download)
    except tfds.core.registered.DatasetNotFoundError:
        # TFDS' own message lists all of its ~450 datasets.
        close = closest_names(name)
        raise ValueError(
            f"Unknown dataset {name!r}: neither a keras_gans nor a TFDS dataset"
            + (f"; closest: {', '.join(close)}." if close else
               " (see keras_gans.datasets.names() and tfds.list_builders()).")
        ) from None
    except Exception as error:
        raise ValueError(
            f"Could not load TFDS dataset {name!r} (split {split!r}): {error}"
        ) from error
    # Batched reads, concatenated (batch_size=-1 aborts on generator-backed
    # datasets such as TFDS' mock data).
    parts = list(tfds.as_numpy(ds.batch(4096)))
    data = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    if "image" not in data:
        raise ValueError(
            f"TFDS dataset {name!r} has no 'image' feature; features: {sorted(data)}."
        )
    labels = data.get("label")
    if labels is None:
        labels = np.zeros(len(data["image"]), "int64")
    return data["image"], labels


def labeled_subset(labels, num_labeled, seed=0):
    """Indices of a class-balanced subset of `num_labeled` examples."""
    labels = np.asarray(labels)
    classes = np.unique(labels)
    if num_labeled % len(classes):
        raise ValueError(
            f"`num_labeled` must be a multiple of the {len(classes)} classes; received {num_labeled}."
        )
    rng = np.random.default_rng(seed)
    per_class = num_labeled // len(classes)
    return np.concatenate(
        [rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in classes]
    )


def semi_supervised(name="fashion_mnist", num_labeled=100, batch_size=100, labeled_batch_size=None,
                    seed=0, limit=None, shuffle=True):
    """Batches for semi-supervised GANs: `{"real", "labeled", "labels"}`.

    Every batch pairs `batch_size` unlabelled training images with
    `labeled_batch_size` (default `batch_size`) images drawn, with
    replacement, from a class-balanced labelled subset of `num_labeled`.

    Args:
        name: the dataset (`"fashion_mnist"` or a TFDS name).
        num_labeled: size of the labelled subset.
        batch_size: unlabelled images per batch.
        labeled_batch_size: labelled images per batch (default `batch_size`).
        seed: subset and shuffle seed.
        limit: use only the first `limit` training images.
        shuffle: reshuffle the unlabelled images every epoch (`False` keeps
            their order, for `training_stream`).

    Returns:
        `(dataset, labeled_indices)`.

    Example:

    ```python
    ds, picked = semi_supervised(num_labeled=100, batch_size=64, seed=0)
    ```
    """
    import tensorflow as tf

    if name == "fashion_mnist":
        images, labels = fashion_mnist.load_arrays("train")
    else:
        images, labels = _tfds_arrays(name, "train", None, True)
    images, labels = select(images, labels, limit=limit)
    images = to_unit_range(images)
    picked = labeled_subset(labels, num_labeled, seed)
    labeled = (
        tf.data.Dataset.from_tensor_slices((images[picked], labels[picked].astype("int32")))
        .repeat()
        # Over the endless repeat one order is enough, and it is the same for
        # every iterator (see `training_stream`).
        .shuffle(num_labeled, seed=seed, reshuffle_each_iteration=False)
        .batch(labeled_batch_size or batch_size, drop_remainder=True)
    )
    unlabeled = from_arrays(images, batch_size=batch_size, shuffle=shuffle, seed=seed)
    ds = tf.data.Dataset.zip((unlabeled, labeled)).map(
        lambda u, lab: {"real": u, "labeled": lab[0], "labels": lab[1]}
    )
    return ds.prefetch(tf.data.AUTOTUNE), picked
