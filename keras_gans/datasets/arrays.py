"""In-memory image arrays: scaling, selection and `tf.data` pipelines.

The lowest module of `keras_gans.datasets`: every loader uses it, and it
imports nothing else of the package.
"""

import numpy as np


def to_unit_range(images):
    """uint8 `[0, 255]` images -> float32 `[-1, 1]` with a channel axis."""
    images = np.asarray(images, dtype="float32") / 127.5 - 1.0
    return images[..., None] if images.ndim == 3 else images


def pad_to(images, size):
    """Centres `(n, h, w[, c])` images on a `size x size` canvas of zeros
    (black: -1 after `to_unit_range`), e.g. Fashion-MNIST 28 -> 32."""
    images = np.asarray(images)
    height, width = images.shape[1:3]
    if size < height or size < width:
        raise ValueError(f"Cannot pad {height}x{width} images to {size}x{size}.")
    top, left = (size - height) // 2, (size - width) // 2
    padding = [(0, 0), (top, size - height - top), (left, size - width - left)]
    return np.pad(images, padding + [(0, 0)] * (images.ndim - 3))


def from_arrays(
    images,
    labels=None,
    batch_size=128,
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """A shuffled, batched, prefetched pipeline from in-memory arrays.

    Full batches only by default: a constant batch shape keeps compiled
    train steps from being traced again for a short last batch.
    """
    import tensorflow as tf

    arrays = images if labels is None else (images, np.asarray(labels, "int32"))
    ds = tf.data.Dataset.from_tensor_slices(arrays)
    if shuffle:
        ds = ds.shuffle(min(len(images), 60_000), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def select(images, labels, classes=None, limit=None):
    """Keeps examples of `classes` (if given), then the first `limit`."""
    if classes is not None:
        keep = np.isin(labels, np.asarray(classes))
        if not keep.any():
            raise ValueError(f"No examples with labels {list(classes)}.")
        images, labels = images[keep], labels[keep]
    if limit is not None:
        if int(limit) < 1:
            raise ValueError(f"`limit` must be >= 1; received {limit}.")
        images, labels = images[: int(limit)], labels[: int(limit)]
    return images, labels
