"""Label conditioning (Mirza & Osindero, 2014)."""

import numpy as np
from keras import layers


def label_vector(labels, num_classes, name):
    """One-hot vectors `(batch, num_classes)` from integer labels `(batch,)`."""
    return layers.CategoryEncoding(num_classes, output_mode="one_hot", name=f"{name}_one_hot")(labels)


def label_planes(labels, num_classes, height, width, name):
    """One-hot label planes `(batch, height, width, num_classes)`, to stack on
    an image as extra channels (a strong signal from the first step, unlike
    a freshly initialized embedding)."""
    x = label_vector(labels, num_classes, name)
    x = layers.Reshape((1, 1, num_classes), name=f"{name}_reshape")(x)
    return layers.UpSampling2D((height, width), name=f"{name}_planes")(x)


def check_training_labels(labels, num_images, num_classes, owner):
    """Validates the labels of a training batch: one integer class index
    in [0, num_classes) per image, shape `(n,)` or `(n, 1)`.

    Float labels (which the step would truncate) and one-hot labels are
    refused with the fix in the message.
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == num_classes and num_classes > 1:
        raise ValueError(
            f"{owner} expects integer class labels of shape ({num_images},); received "
            f"shape {labels.shape}, which looks one-hot. Pass `labels.argmax(axis=1)`."
        )
    if labels.shape not in ((num_images,), (num_images, 1)):
        raise ValueError(
            f"{owner} expects one integer label per image, shape ({num_images},); "
            f"received shape {labels.shape}."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{owner} expects integer class labels; received dtype {labels.dtype} "
            "(float labels would be truncated). Cast them, e.g. `labels.astype('int32')`."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{owner} expects labels in [0, {num_classes}); received values in "
            f"[{labels.min()}, {labels.max()}]."
        )


def labels_of(sample):
    """The labels of a NumPy batch `(images, labels)` or `{..., "labels"}`, else None."""
    if isinstance(sample, dict):
        return sample.get("labels")
    if isinstance(sample, (tuple, list)) and len(sample) > 1:
        return sample[1]
    return None


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
