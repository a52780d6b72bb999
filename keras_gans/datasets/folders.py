"""Image-to-image datasets from your own folders, and CycleGAN's TFDS domains.

Layouts read here:

- `paired_folders(dir_a, dir_b)`: `dir_a/x.png` belongs to `dir_b/x.png`
  (files matched by name without extension), as in super-resolution or
  edges -> photo sets;
- `side_by_side_folder(folder)`: the Pix2Pix layout, every file is `A|B`,
  the two images side by side (facades, maps, edges2shoes ...);
- `unpaired_folders(dir_a, dir_b)`: two folders of unrelated images
  (CycleGAN's `trainA` / `trainB`);
- `tfds_unpaired("cycle_gan/horse2zebra")`: the TFDS CycleGAN sets.

Files ending in `.png`, `.jpg` or `.jpeg` (any case) are read with PIL, turned
upright from their EXIF orientation, optionally resized (bilinear) and
converted to 1 or 3 channels. Images are kept in memory as uint8 and yielded as
float32 in [-1, 1].

Example:

```python
ds = folders.side_by_side_folder("facades/train", direction="b2a", batch_size=1)
ds = folders.unpaired_folders("horse2zebra/trainA", "horse2zebra/trainB",
                              image_size=(128, 128), batch_size=4, seed=0)
```
"""

import os

import numpy as np

from keras_gans.datasets import translation

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
DIRECTIONS = ("a2b", "b2a")
_GRAY_BANDS = {"1", "L", "I", "F"}
_MAX_LISTED = 10


def list_images(folder):
    """The image files of `folder` (not its subfolders), sorted by name.

    Args:
        folder: a folder path.

    Returns:
        A list of paths of `.png`, `.jpg` and `.jpeg` files (any case).

    Raises:
        FileNotFoundError: `folder` does not exist or is not a folder.
        ValueError: `folder` holds no image file.
    """
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Image folder {folder!r} does not exist or is not a folder.")
    names = sorted(os.listdir(folder))
    paths = [
        os.path.join(folder, n) for n in names
        if n.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(folder, n))
    ]
    if not paths:
        raise ValueError(
            f"No images in {folder!r}: expected files ending in {', '.join(IMAGE_EXTENSIONS)} "
            f"(any case); found {len(names)} other entries."
        )
    return paths


def _check_size(image_size, name="image_size"):
    if image_size is None:
        return None
    try:
        h, w = (int(s) for s in image_size)
        ok = h >= 1 and w >= 1 and all(int(s) == s for s in image_size)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            f"`{name}` must be None or (height, width) in pixels; received {image_size!r}."
        )
    return h, w


def _size_pair(image_size):
    """None, `(h, w)` for both sides, or `((h_a, w_a), (h_b, w_b))`."""
    if isinstance(image_size, (tuple, list)) and len(image_size) == 2 and all(
        isinstance(s, (tuple, list)) for s in image_size
    ):
        return _check_size(image_size[0]), _check_size(image_size[1])
    size = _check_size(image_size)
    return size, size


def _check_channels(channels):
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be None, 1 or 3; received {channels!r}.")
    return channels


def _read_error(path, error):
    return ValueError(f"Could not read image {os.fspath(path)!r}: {error}")


def _open(path):
    """The upright (EXIF orientation applied), fully loaded PIL image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return ImageOps.exif_transpose(image)  # a loaded copy
    except (UnidentifiedImageError, OSError) as error:
        raise _read_error(path, error) from error


def _infer_channels(paths):
    """1 if every image is grayscale, else 3 (reads only the file headers)."""
    from PIL import Image, UnidentifiedImageError

    for path in paths:
        try:
            with Image.open(path) as image:
                if not set(image.getbands()) - {"A"} <= _GRAY_BANDS:
                    return 3
        except (UnidentifiedImageError, OSError) as error:
            raise _read_error(path, error) from error
    return 1


def _to_array(image, image_size, channels):
    from PIL import Image

    if image.mode.startswith("I;16"):  # 16-bit grayscale: PIL's convert("L") would clip
        image = Image.fromarray((np.asarray(image, np.uint16) >> 8).astype(np.uint8))
    if image_size is not None:
        image = image.resize((image_size[1], image_size[0]), Image.Resampling.BILINEAR)
    array = np.asarray(image.convert("L" if channels == 1 else "RGB"), np.uint8)
    return array[..., None] if channels == 1 else array


def _stack(paths, read, folder, what="is"):
    """`read(path)` -> a tuple of uint8 images; stacks each position of the tuples.

    All images at one position must have one size (the first file's).
    """
    stacks = None
    for i, path in enumerate(paths):
        arrays = read(path)
        if stacks is None:
            stacks = [np.empty((len(paths),) + a.shape, np.uint8) for a in arrays]
        for stack, array in zip(stacks, arrays):
            if array.shape != stack.shape[1:]:
                (h0, w0), (h, w) = stack.shape[1:3], array.shape[:2]
                raise ValueError(
                    f"Images in {folder!r} differ in size: {os.path.basename(paths[0])} {what} "
                    f"{h0}x{w0} (height x width), {os.path.basename(path)} {what} {h}x{w}; "
                    f"pass `image_size=(height, width)` to resize them."
                )
            stack[i] = array
    return stacks


def read_images(paths, image_size=None, channels=None):
    """Reads image files into one uint8 array.

    Args:
        paths: image file paths.
        image_size: `(height, width)` to resize every image to (bilinear).
            Defaults to None: all images must have the same size.
        channels: 1 (grayscale) or 3 (RGB). Defaults to None: 1 if every
            image is grayscale, else 3.

    Returns:
        A uint8 array `(n, h, w, channels)` in [0, 255].

    Example:

    ```python
    images = read_images(list_images("photos"), image_size=(64, 64), channels=3)
    ```
    """
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise ValueError("`paths` is empty: no images to read.")
    size = _check_size(image_size)
    channels = _check_channels(channels) or _infer_channels(paths)
    (images,) = _stack(
        paths, lambda path: (_to_array(_open(path), size, channels),), os.path.dirname(paths[0])
    )
    return images


def read_folder(folder, image_size=None, channels=None):
    """Reads every image of `folder` (see `list_images` and `read_images`).

    Args:
        folder: a folder of `.png` / `.jpg` / `.jpeg` files.
        image_size: `(height, width)` to resize to. Defaults to None (all
            images must have the same size).
        channels: 1 or 3. Defaults to None (inferred).

    Returns:
        `(images, names)`: uint8 `(n, h, w, c)` and the file names without
        extension, sorted.

    Example:

    ```python
    images, names = read_folder("horses", image_size=(128, 128))
    ```
    """
    paths = list_images(folder)
    return read_images(paths, image_size, channels), [_stem(p) for p in paths]


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def _by_stem(folder):
    paths = list_images(folder)
    by_stem = {}
    for path in paths:
        stem = _stem(path)
        if stem in by_stem:
            raise ValueError(
                f"Two images in {os.fspath(folder)!r} share the name {stem!r}: "
                f"{os.path.basename(by_stem[stem])} and {os.path.basename(path)}; "
                f"pairs are matched by name without extension."
            )
        by_stem[stem] = path
    return by_stem


def _listing(names):
    names = sorted(names)
    more = f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else ""
    return ", ".join(names[:_MAX_LISTED]) + more


def paired_folders(dir_a, dir_b, image_size=None, channels=None, batch_size=1, shuffle=True,
                   seed=None):
    """Pairs from two folders of same-named images: `dir_a/x.*` -> `dir_b/x.*`.

    Files are matched by name without extension (`x.png` pairs with `x.jpg`).

    Args:
        dir_a: folder of inputs (A).
        dir_b: folder of targets (B).
        image_size: `(h, w)` for both sides, `((h_a, w_a), (h_b, w_b))` for
            each (e.g. low and high resolution), or None. Defaults to None:
            no resizing, and all images of a folder must have the same size.
        channels: 1 or 3 for both sides. Defaults to None: inferred per
            folder (1 if all its images are grayscale, else 3).
        batch_size: pairs per batch. Defaults to 1, as in Pix2Pix.
        shuffle: shuffle the pairs every epoch. Defaults to True.
        seed: shuffle seed. Defaults to None.

    Returns:
        A `tf.data.Dataset` of float32 `(a, b)` tuples in [-1, 1].

    Raises:
        FileNotFoundError: a folder is missing.
        ValueError: an empty folder, names without a partner (listed), or
            images of different sizes without `image_size`.

    Example:

    ```python
    ds = paired_folders("sr/low", "sr/high", batch_size=16, seed=0)
    ```
    """
    size_a, size_b = _size_pair(image_size)
    _check_channels(channels)
    a, b = _by_stem(dir_a), _by_stem(dir_b)
    only_a, only_b = a.keys() - b.keys(), b.keys() - a.keys()
    if only_a or only_b:
        raise ValueError(
            f"Paired folders must hold the same image names (without extension). "
            f"Only in {os.fspath(dir_a)!r}: [{_listing(only_a)}]; "
            f"only in {os.fspath(dir_b)!r}: [{_listing(only_b)}]."
        )
    stems = sorted(a)
    inputs = read_images([a[s] for s in stems], size_a, channels)
    targets = read_images([b[s] for s in stems], size_b, channels)
    return translation.paired(inputs, targets, batch_size, shuffle, seed)


def side_by_side_folder(folder, image_size=None, channels=None, direction="a2b", batch_size=1,
                        shuffle=True, seed=None):
    """Pairs from Pix2Pix files: every image is `A|B`, side by side.

    Each file is cut in the middle of its width: the left half is A, the
    right half B.

    Args:
        folder: folder of `A|B` images (e.g. `facades/train`).
        image_size: `(h, w)` to resize each half to, or None. Defaults to
            None: all files must have the same size.
        channels: 1 or 3. Defaults to None (inferred).
        direction: `"a2b"` yields `(A, B)`, `"b2a"` yields `(B, A)`.
            Defaults to `"a2b"`.
        batch_size: pairs per batch. Defaults to 1, as in Pix2Pix.
        shuffle: shuffle the pairs every epoch. Defaults to True.
        seed: shuffle seed. Defaults to None.

    Returns:
        A `tf.data.Dataset` of float32 `(input, target)` tuples in [-1, 1].

    Raises:
        FileNotFoundError: the folder is missing.
        ValueError: an empty folder, a file of odd width, images of different
            sizes without `image_size`, or an unknown `direction`.

    Example:

    ```python
    ds = side_by_side_folder("facades/train", direction="b2a")  # labels -> photo
    ```
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"`direction` must be one of {DIRECTIONS}; received {direction!r}.")
    size = _check_size(image_size)
    _check_channels(channels)
    paths = list_images(folder)
    channels = channels or _infer_channels(paths)

    def halves(path):
        image = _open(path)
        w, h = image.size
        if w % 2:
            raise ValueError(
                f"{os.path.basename(path)} in {os.fspath(folder)!r} is {w} pixels wide: an "
                f"A|B image must have an even width (two halves of equal width)."
            )
        return tuple(
            _to_array(image.crop(box), size, channels)
            for box in ((0, 0, w // 2, h), (w // 2, 0, w, h))
        )

    a, b = _stack(paths, halves, os.fspath(folder), what="has halves of")
    if direction == "b2a":
        a, b = b, a
    return translation.paired(a, b, batch_size, shuffle, seed)


def unpaired_folders(dir_a, dir_b, image_size=None, channels=None, batch_size=1, shuffle=True,
                     seed=None):
    """Unpaired `{"a", "b"}` batches from two folders of images.

    Args:
        dir_a: folder of domain A (e.g. `horse2zebra/trainA`).
        dir_b: folder of domain B.
        image_size: `(h, w)` for both domains, `((h_a, w_a), (h_b, w_b))`,
            or None. Defaults to None: all images of a folder must have the
            same size.
        channels: 1 or 3 for both. Defaults to None (inferred per folder).
        batch_size: images per domain and batch. Defaults to 1, as in
            CycleGAN.
        shuffle: shuffle each domain every epoch. Defaults to True.
        seed: seed of both shuffles. Defaults to None.

    Returns:
        A `tf.data.Dataset` of dicts `{"a": (batch, h, w, c), "b": ...}` in
        [-1, 1]; an epoch is `max(n_a, n_b) // batch_size` batches (see
        `translation.unpaired`).

    Example:

    ```python
    ds = unpaired_folders("trainA", "trainB", image_size=(128, 128), batch_size=4)
    ```
    """
    size_a, size_b = _size_pair(image_size)
    images_a, _ = read_folder(dir_a, size_a, channels)
    images_b, _ = read_folder(dir_b, size_b, channels)
    return translation.unpaired(images_a, images_b, batch_size, shuffle, seed)


def _tfds_splits(split):
    if split in ("train", "test"):
        return f"{split}A", f"{split}B"
    if isinstance(split, (tuple, list)) and len(split) == 2:
        return tuple(split)
    raise ValueError(
        f"`split` must be 'train' (trainA + trainB), 'test' (testA + testB) or a pair of "
        f"TFDS split names; received {split!r}."
    )


def _tfds_domain(name, split, data_dir, download, limit):
    """One TFDS split as a dataset of encoded images, its size and image shape."""
    import tensorflow as tf
    import tensorflow_datasets as tfds

    try:
        ds, info = tfds.load(
            name, split=split, data_dir=data_dir, download=download, with_info=True,
            decoders={"image": tfds.decode.SkipDecoding()},
        )
    except Exception as error:  # TFDS raises many types (missing data, bad names ...)
        raise ValueError(
            f"Could not load TFDS dataset {name!r} (split {split!r}): {error}"
        ) from error
    if "image" not in info.features:
        raise ValueError(f"TFDS dataset {name!r} has no 'image' feature; features: "
                         f"{sorted(info.features)}.")
    ds = ds.map(lambda example: example["image"])
    if limit is not None:
        ds = ds.take(int(limit))
    num = int(ds.cardinality())
    if num == tf.data.UNKNOWN_CARDINALITY:
        num = int(ds.reduce(0, lambda count, _: count + 1))
    return ds, num, info.features["image"].shape


def tfds_unpaired(name, split="train", data_dir=None, download=True, image_size=None,
                  channels=None, batch_size=1, shuffle=True, seed=None, limit=None):
    """Unpaired `{"a", "b"}` batches from a TFDS CycleGAN set.

    `cycle_gan/<pair>` (e.g. `"cycle_gan/horse2zebra"`) holds the splits
    `trainA`, `trainB`, `testA` and `testB`. Encoded images are shuffled, then
    decoded, resized and scaled to [-1, 1] on the fly.

    Args:
        name: TFDS name, e.g. `"cycle_gan/horse2zebra"`.
        split: `"train"` (trainA, trainB), `"test"` (testA, testB) or a pair
            of split names. Defaults to `"train"`.
        data_dir: TFDS data folder. Defaults to TFDS' own.
        download: let TFDS download when the data is not prepared.
            Defaults to True.
        image_size: `(h, w)` to resize to (bilinear, antialiased). Defaults
            to None, which works only when TFDS declares a fixed image size
            (`cycle_gan` does not: pass e.g. `(256, 256)`).
        channels: 1 or 3. Defaults to None: as declared by TFDS, else 3.
        batch_size: images per domain and batch. Defaults to 1, as in
            CycleGAN.
        shuffle: shuffle each domain every epoch. Defaults to True.
        seed: seed of both shuffles. Defaults to None.
        limit: first `limit` images of each domain. Defaults to all.

    Returns:
        A `tf.data.Dataset` of dicts `{"a": (batch, h, w, c), "b": ...}`,
        float32 in [-1, 1].

    Example:

    ```python
    ds = tfds_unpaired("cycle_gan/horse2zebra", image_size=(256, 256), seed=0)
    ```
    """
    import tensorflow as tf

    size = _check_size(image_size)
    _check_channels(channels)
    if limit is not None and int(limit) < 1:
        raise ValueError(f"`limit` must be >= 1; received {limit}.")
    (ds_a, num_a, shape), (ds_b, num_b, _) = (
        _tfds_domain(name, s, data_dir, download, limit) for s in _tfds_splits(split)
    )
    if size is None:
        if shape[0] is None or shape[1] is None:
            raise ValueError(
                f"TFDS dataset {name!r} declares images of shape {shape}, not one fixed "
                f"size: pass `image_size=(height, width)` (e.g. (256, 256))."
            )
        size = tuple(shape[:2])
    channels = channels or shape[-1] or 3

    def decode(data):
        image = tf.io.decode_image(data, channels=channels, expand_animations=False)
        image = tf.image.resize(image, size, method="bilinear", antialias=True)
        image = tf.clip_by_value(image / 127.5 - 1.0, -1.0, 1.0)
        return tf.ensure_shape(image, (*size, channels))

    return translation.zip_domains(ds_a, ds_b, num_a, num_b, batch_size, shuffle, seed, decode)
