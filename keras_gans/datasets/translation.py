"""Image-to-image tasks built from Fashion-MNIST, and their `tf.data` pipelines.

Three offline tasks give every image-to-image variant real data to learn from:

- edges -> image pairs (Pix2Pix): `edges_pairs`;
- low -> high resolution pairs (SRGAN): `lowres_pairs`;
- two unpaired class domains, e.g. sneakers and ankle boots (CycleGAN):
  `class_domains`.

`paired` and `unpaired` turn such arrays (or any others) into batched,
shuffled, prefetched pipelines. The edge maps and low-resolution images are
computed with NumPy, so they are the same on every backend.

Example:

```python
edges, images = translation.edges_pairs("train", limit=1024)
ds = translation.paired(edges, images, batch_size=64, seed=0)   # (edges, images)

sneakers, boots = translation.class_domains("train", 7, 9)
ds = translation.unpaired(sneakers, boots, batch_size=64, seed=0)  # {"a", "b"}
```
"""

import numpy as np

from keras_gans.datasets import fashion_mnist
from keras_gans.datasets.arrays import select, to_unit_range

# Sobel magnitude, normalised so that a full step from -1 to +1 reads 1.0.
# 0.3 draws closed garment outlines plus the strongest inner lines (collars,
# prints, soles) and drops most fabric texture, which 0.2 keeps; 0.4 and above
# break the outlines of dark, thin sandals.
EDGE_THRESHOLD = 0.3
SNEAKER, ANKLE_BOOT = 7, 9

_CHUNK = 1024


def _check_images(images, name="images"):
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            f"`{name}` must be a batch of channels-last images (n, h, w, c); "
            f"received shape {images.shape}."
        )
    return images


def sobel_magnitude(images):
    """Sobel gradient magnitude of images in [-1, 1], 1.0 for a full step.

    Channels are averaged first; borders repeat the outermost pixels, so a
    constant image has a magnitude of 0 everywhere.

    Args:
        images: float array `(n, h, w, c)` in [-1, 1].

    Returns:
        A float32 array `(n, h, w, 1)`.
    """
    images = _check_images(images)
    gray = images[..., 0] if images.shape[-1] == 1 else images.mean(axis=-1)
    magnitude = np.empty(gray.shape + (1,), "float32")
    for start in range(0, len(gray), _CHUNK):  # chunks that stay in cache
        magnitude[start : start + _CHUNK, ..., 0] = _sobel(gray[start : start + _CHUNK])
    return magnitude


def _sobel(gray):
    """Separable Sobel: smooth (1, 2, 1) across, difference (1, 0, -1) along."""
    p = np.pad(gray.astype("float32"), ((0, 0), (1, 1), (1, 1)), mode="edge")
    across_rows = p[:, :-2] + 2 * p[:, 1:-1] + p[:, 2:]
    across_cols = p[:, :, :-2] + 2 * p[:, :, 1:-1] + p[:, :, 2:]
    gx = across_rows[:, :, :-2] - across_rows[:, :, 2:]
    gy = across_cols[:, :-2] - across_cols[:, 2:]
    # A step of 2 (from -1 to +1) gives |g| = 4 * 2 = 8.
    return np.sqrt(gx * gx + gy * gy) / 8.0


def sobel_edges(images, threshold=EDGE_THRESHOLD):
    """Binary edge maps: +1 where the Sobel magnitude exceeds `threshold`, else -1.

    Deterministic and computed with NumPy, so the same on every backend.

    Args:
        images: float array `(n, h, w, c)` in [-1, 1].
        threshold: edge threshold on the normalised Sobel magnitude (see
            `sobel_magnitude`), in (0, 1]. Defaults to `EDGE_THRESHOLD` (0.3),
            which draws clean garment outlines on Fashion-MNIST.

    Returns:
        A float32 array `(n, h, w, 1)` of +1 (edge) and -1 (no edge).

    Example:

    ```python
    images = keras_gans.datasets.to_unit_range(fashion_mnist.load_arrays("test")[0])
    edges = sobel_edges(images)          # (10000, 28, 28, 1) in {-1, +1}
    ```
    """
    if not 0.0 < float(threshold) <= 1.0:
        raise ValueError(f"`threshold` must be in (0, 1]; received {threshold}.")
    edges = sobel_magnitude(images) > float(threshold)
    return np.where(edges, 1.0, -1.0).astype("float32")


def downsample(images, factor):
    """Average pooling over `factor` x `factor` blocks.

    Args:
        images: array `(n, h, w, c)`; `h` and `w` divisible by `factor`.
        factor: an integer >= 2, e.g. 4 for 28x28 -> 7x7.

    Returns:
        A float32 array `(n, h // factor, w // factor, c)`.

    Example:

    ```python
    lowres = downsample(images, 4)       # (n, 28, 28, 1) -> (n, 7, 7, 1)
    ```
    """
    images = _check_images(images)
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 2:
        raise ValueError(f"`factor` must be an integer >= 2; received {factor!r}.")
    n, h, w, c = images.shape
    if h % factor or w % factor:
        raise ValueError(
            f"Image size {h}x{w} is not divisible by `factor`={factor}; "
            f"use a factor that divides both sides (for 28x28: 2, 4, 7, 14 or 28)."
        )
    blocks = images.astype("float32").reshape(n, h // factor, factor, w // factor, factor, c)
    return blocks.mean(axis=(2, 4))


def fashion_images(split="train", classes=None, limit=None, download=True, data_dir=None):
    """Fashion-MNIST images in [-1, 1] `(n, 28, 28, 1)` and their labels.

    Args:
        split: `"train"` or `"test"`.
        classes: keep only these labels (a sequence of ints). Defaults to all.
        limit: then keep the first `limit` examples. Defaults to all.
        download: let TFDS download when no local copy is found.
        data_dir: TFDS data folder.

    Returns:
        `(images, labels)`: float32 `(n, 28, 28, 1)` and int64 `(n,)`.
    """
    images, labels = fashion_mnist.load_arrays(split, download=download, data_dir=data_dir)
    images, labels = select(images, labels, classes=classes, limit=limit)
    return to_unit_range(images), labels


def edges_pairs(split="train", limit=None, classes=None, threshold=EDGE_THRESHOLD,
                download=True, data_dir=None):
    """Pix2Pix pairs: Sobel edge maps of Fashion-MNIST and the images.

    Args:
        split: `"train"` or `"test"`.
        limit: keep the first `limit` examples. Defaults to all.
        classes: keep only these labels first. Defaults to all.
        threshold: see `sobel_edges`. Defaults to `EDGE_THRESHOLD`.
        download: let TFDS download when no local copy is found.
        data_dir: TFDS data folder.

    Returns:
        `(inputs, targets)`: edge maps in {-1, +1} and images in [-1, 1],
        both float32 `(n, 28, 28, 1)`.

    Example:

    ```python
    edges, images = edges_pairs("test", limit=256)
    ```
    """
    images, _ = fashion_images(split, classes, limit, download, data_dir)
    return sobel_edges(images, threshold), images


def lowres_pairs(split="train", factor=4, limit=None, classes=None, download=True,
                 data_dir=None):
    """SRGAN pairs: average-pooled Fashion-MNIST and the full images.

    Args:
        split: `"train"` or `"test"`.
        factor: downsampling factor, 2 (14x14) or 4 (7x7) typically.
            Defaults to 4.
        limit: keep the first `limit` examples. Defaults to all.
        classes: keep only these labels first. Defaults to all.
        download: let TFDS download when no local copy is found.
        data_dir: TFDS data folder.

    Returns:
        `(inputs, targets)`: float32 `(n, 28 // factor, 28 // factor, 1)` and
        `(n, 28, 28, 1)`, both in [-1, 1].

    Example:

    ```python
    lowres, highres = lowres_pairs("train", factor=4, limit=1024)  # 7x7, 28x28
    ```
    """
    images, _ = fashion_images(split, classes, limit, download, data_dir)
    return downsample(images, factor), images


def class_domains(split="train", class_a=SNEAKER, class_b=ANKLE_BOOT, limit=None,
                  download=True, data_dir=None):
    """CycleGAN domains: the Fashion-MNIST images of two classes.

    Args:
        split: `"train"` or `"test"`.
        class_a: label of domain A (0-9). Defaults to 7 (sneaker).
        class_b: label of domain B (0-9), not `class_a`. Defaults to 9
            (ankle boot).
        limit: keep the first `limit` images of each domain. Defaults to all.
        download: let TFDS download when no local copy is found.
        data_dir: TFDS data folder.

    Returns:
        `(images_a, images_b)`: float32 `(n_a, 28, 28, 1)` and
        `(n_b, 28, 28, 1)` in [-1, 1].

    Example:

    ```python
    sneakers, boots = class_domains("train", 7, 9)   # 6,000 images each
    ```
    """
    num_classes = len(fashion_mnist.CLASS_NAMES)
    for name, value in (("class_a", class_a), ("class_b", class_b)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
            0 <= value < num_classes
        ):
            raise ValueError(
                f"`{name}` must be a Fashion-MNIST label in 0..{num_classes - 1}; "
                f"received {value!r}."
            )
    if class_a == class_b:
        raise ValueError(f"`class_a` and `class_b` must differ; both are {class_a}.")
    images, labels = fashion_mnist.load_arrays(split, download=download, data_dir=data_dir)
    domains = []
    for label in (class_a, class_b):
        domain = images[labels == label]
        if limit is not None:
            if int(limit) < 1:
                raise ValueError(f"`limit` must be >= 1; received {limit}.")
            domain = domain[: int(limit)]
        domains.append(to_unit_range(domain))
    return tuple(domains)


def _check_batch_size(batch_size, num_examples, what):
    if int(batch_size) < 1:
        raise ValueError(f"`batch_size` must be >= 1; received {batch_size}.")
    if num_examples < int(batch_size):
        raise ValueError(
            f"`batch_size`={batch_size} is larger than the {num_examples} {what}: "
            f"no full batch (batches have a constant size)."
        )


def _convertible(images, name):
    """Checks a uint8 or [-1, 1] float batch; returns it (uint8 stays uint8)."""
    images = _check_images(images, name)
    if images.dtype == np.uint8:
        return images
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be float images in [-1, 1] or uint8 in [0, 255]; "
            f"received dtype {images.dtype}."
        )
    images = images.astype("float32", copy=False)
    if images.size and (images.min() < -1.0 - 1e-4 or images.max() > 1.0 + 1e-4):
        raise ValueError(
            f"`{name}` must be float images in [-1, 1] (or uint8 in [0, 255]); "
            f"received values in [{images.min():.3g}, {images.max():.3g}]."
        )
    return images


def _to_float(images):
    """Tensor version of the [-1, 1] convention: uint8 is rescaled, floats cast."""
    import tensorflow as tf

    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return tf.cast(images, tf.float32)


def paired(inputs, targets, batch_size=64, shuffle=True, seed=None):
    """A pipeline of aligned `(inputs, targets)` batches.

    Arrays may be float32 in [-1, 1] or uint8 in [0, 255]; uint8 is kept in
    memory and rescaled to [-1, 1] batch by batch (4x less memory).

    Args:
        inputs: images `(n, h, w, c)`, e.g. edge maps or low-resolution images.
        targets: images `(n, h', w', c')`, the i-th target belonging to the
            i-th input.
        batch_size: examples per batch; the last partial batch is dropped.
            Defaults to 64.
        shuffle: shuffle the pairs (together) every epoch. Defaults to True.
        seed: shuffle seed. Defaults to None (a fresh order each run).

    Returns:
        A `tf.data.Dataset` of float32 `(inputs, targets)` tuples.

    Example:

    ```python
    ds = paired(*lowres_pairs("train", factor=4), batch_size=64, seed=0)
    lowres, highres = next(iter(ds))     # (64, 7, 7, 1), (64, 28, 28, 1)
    ```
    """
    import tensorflow as tf

    inputs = _convertible(inputs, "inputs")
    targets = _convertible(targets, "targets")
    if len(inputs) != len(targets):
        raise ValueError(
            f"`inputs` and `targets` must hold the same number of examples; "
            f"received {len(inputs)} inputs and {len(targets)} targets."
        )
    _check_batch_size(batch_size, len(inputs), "pairs")
    ds = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        ds = ds.shuffle(len(inputs), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(int(batch_size), drop_remainder=True)
    ds = ds.map(lambda x, y: (_to_float(x), _to_float(y)), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def domain_seeds(seed):
    """Two different shuffle seeds derived from `seed` (None -> None, None)."""
    if seed is None:
        return None, None
    return tuple(int(s) for s in np.random.SeedSequence(int(seed)).generate_state(2))


def zip_domains(domain_a, domain_b, num_a, num_b, batch_size=64, shuffle=True, seed=None,
                decode=None):
    """Unpaired `{"a", "b"}` batches from two finite `tf.data` domains.

    Each domain is shuffled on its own (seeds from `domain_seeds(seed)`); the
    smaller one repeats, so an epoch is `max(num_a, num_b) // batch_size`
    batches and sees every example of the larger domain once.

    Args:
        domain_a: a `tf.data.Dataset` of `num_a` elements.
        domain_b: a `tf.data.Dataset` of `num_b` elements.
        num_a: size of `domain_a`.
        num_b: size of `domain_b`.
        batch_size: examples per domain and batch. Defaults to 64.
        shuffle: shuffle each domain every epoch. Defaults to True.
        seed: seed of both shuffles. Defaults to None.
        decode: maps an element to a float32 image, run after shuffling (so
            that shuffling moves small encoded elements). Defaults to a cast
            to float32, uint8 rescaled to [-1, 1].

    Returns:
        A `tf.data.Dataset` of dicts `{"a": (batch, ...), "b": (batch, ...)}`.
    """
    import tensorflow as tf

    for name, num in (("a", num_a), ("b", num_b)):
        if num < 1:
            raise ValueError(f"Domain {name!r} is empty.")
    _check_batch_size(batch_size, max(num_a, num_b), "examples of the larger domain")
    decode = decode or _to_float
    domains = []
    for ds, num, domain_seed in zip((domain_a, domain_b), (num_a, num_b), domain_seeds(seed)):
        if shuffle:
            ds = ds.shuffle(num, seed=domain_seed, reshuffle_each_iteration=True)
        if num < max(num_a, num_b):
            ds = ds.repeat()
        domains.append(ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE))
    ds = tf.data.Dataset.zip(tuple(domains)).batch(int(batch_size), drop_remainder=True)
    return ds.map(lambda a, b: {"a": a, "b": b}).prefetch(tf.data.AUTOTUNE)


def unpaired(images_a, images_b, batch_size=64, shuffle=True, seed=None):
    """A pipeline of unpaired `{"a", "b"}` batches from two image arrays.

    Each domain is shuffled independently (two seeds derived from `seed`);
    the smaller domain repeats, so an epoch is
    `max(len(images_a), len(images_b)) // batch_size` batches.

    Args:
        images_a: images of domain A `(n_a, h, w, c)`, float32 in [-1, 1] or
            uint8 in [0, 255] (rescaled batch by batch).
        images_b: images of domain B `(n_b, h', w', c')`, same conventions.
        batch_size: images per domain and batch. Defaults to 64.
        shuffle: shuffle each domain every epoch. Defaults to True.
        seed: seed from which both shuffle seeds derive. Defaults to None.

    Returns:
        A `tf.data.Dataset` of dicts `{"a": (batch, h, w, c), "b": (batch, h', w', c')}`.

    Example:

    ```python
    ds = unpaired(*class_domains("train", 7, 9), batch_size=64, seed=0)
    batch = next(iter(ds))               # batch["a"]: sneakers, batch["b"]: boots
    ```
    """
    import tensorflow as tf

    images_a = _convertible(images_a, "images_a")
    images_b = _convertible(images_b, "images_b")
    return zip_domains(
        tf.data.Dataset.from_tensor_slices(images_a),
        tf.data.Dataset.from_tensor_slices(images_b),
        len(images_a), len(images_b), batch_size, shuffle, seed,
    )


def _fashion_edges(split, limit, classes, **kwargs):
    return edges_pairs(split, limit, classes, **kwargs), "paired"


def _fashion_lowres(factor):
    def build(split, limit, classes, **kwargs):
        return lowres_pairs(split, factor, limit, classes, **kwargs), "paired"

    return build


def _fashion_domains(default=None):
    def build(split, limit, classes, **kwargs):
        if default is not None and classes is not None:
            raise ValueError(
                f"This task's domains are fixed to classes {default}; use "
                f"load('fashion_domains', classes=(a, b)) to choose others."
            )
        classes = default if classes is None else classes
        if classes is None or len(classes) != 2:
            raise ValueError(
                "'fashion_domains' needs `classes=(class_a, class_b)`, two "
                f"Fashion-MNIST labels; received classes={classes!r}."
            )
        return class_domains(split, classes[0], classes[1], limit, **kwargs), "unpaired"

    return build


# Task name -> builder(split, limit, classes, download=, data_dir=) returning
# (arrays, "paired" | "unpaired"); `load_task` turns them into pipelines.
TASKS = {
    "fashion_edges": _fashion_edges,
    "fashion_lowres_x2": _fashion_lowres(2),
    "fashion_lowres_x4": _fashion_lowres(4),
    "fashion_sneaker_boot": _fashion_domains((SNEAKER, ANKLE_BOOT)),
    "fashion_domains": _fashion_domains(),
}
# What each task yields, for listings and error messages.
TASK_DESCRIPTIONS = {
    "fashion_edges": "(edges, image) pairs, both (batch, 28, 28, 1)",
    "fashion_lowres_x2": "(lowres, highres) pairs, (batch, 14, 14, 1) and (batch, 28, 28, 1)",
    "fashion_lowres_x4": "(lowres, highres) pairs, (batch, 7, 7, 1) and (batch, 28, 28, 1)",
    "fashion_sneaker_boot": '{"a": sneakers (7), "b": ankle boots (9)}, each (batch, 28, 28, 1)',
    "fashion_domains": '{"a": class a, "b": class b} for classes=(a, b), each (batch, 28, 28, 1)',
}


def load_task(name, split="train", batch_size=64, shuffle=True, seed=None, limit=None,
              classes=None, download=True, data_dir=None):
    """A named Fashion-MNIST translation task as a ready pipeline.

    Args:
        name: a key of `TASKS` (see `TASK_DESCRIPTIONS`).
        split: `"train"` or `"test"`.
        batch_size: batch size. Defaults to 64.
        shuffle: shuffle every epoch. Defaults to True.
        seed: shuffle seed. Defaults to None.
        limit: first `limit` examples (per domain for unpaired tasks).
        classes: paired tasks: keep only these labels; `"fashion_domains"`:
            the two labels `(a, b)`.
        download: let TFDS download when no local copy is found.
        data_dir: TFDS data folder.

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)` tuples (paired tasks) or
        `{"a", "b"}` dicts (unpaired tasks).

    Example:

    ```python
    ds = load_task("fashion_lowres_x4", batch_size=32, seed=0)
    ```
    """
    if name not in TASKS:
        raise ValueError(f"Unknown translation task {name!r}; known: {sorted(TASKS)}.")
    arrays, kind = TASKS[name](split, limit, classes, download=download, data_dir=data_dir)
    if kind == "paired":
        return paired(*arrays, batch_size=batch_size, shuffle=shuffle, seed=seed)
    return unpaired(*arrays, batch_size=batch_size, shuffle=shuffle, seed=seed)
