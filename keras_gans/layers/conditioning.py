"""Label conditioning (Mirza & Osindero, 2014)."""

import numpy as np
from keras import layers


def label_vector(labels, num_classes, dim, name):
    """Embeds integer labels `(batch,)` into vectors `(batch, dim)`."""
    return layers.Embedding(num_classes, dim, name=f"{name}_embedding")(labels)


def label_plane(labels, num_classes, height, width, name):
    """Embeds integer labels into one `(height, width, 1)` plane per label,
    to stack on an image as an extra channel."""
    x = layers.Embedding(num_classes, height * width, name=f"{name}_embedding")(labels)
    return layers.Reshape((height, width, 1), name=f"{name}_plane")(x)


def check_class_labels(labels, num_samples, num_classes, owner):
    """Validates labels for `generate`: ints in [0, num_classes), one per sample.

    `None` draws labels cycling through the classes (an even class grid).
    """
    if labels is None:
        return np.arange(num_samples) % num_classes
    labels = np.asarray(labels)
    if labels.ndim == 0:
        labels = np.full(num_samples, int(labels))
    if labels.shape != (num_samples,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{owner} expects `labels` as {num_samples} integers; received "
            f"{labels.dtype} array of shape {labels.shape}."
        )
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"{owner} expects labels in [0, {num_classes}); received values in "
            f"[{labels.min()}, {labels.max()}]."
        )
    return labels.astype("int32")
