"""Image grids as PNG or JPEG files, and sequences of grids as animated GIFs."""

import math
import os

import numpy as np

from keras_gans.core.io import atomic_path


def make_grid(images, columns=None, padding=1):
    """Tiles a batch `(n, h, w, c)` in [-1, 1] into one uint8 image.

    Args:
        images: array of images in [-1, 1].
        columns: images per row; defaults to a near-square grid.
        padding: pixels of white between tiles.

    Returns:
        A uint8 array `(H, W, c)`.
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4:
        raise ValueError(f"Expected images of shape (n, h, w, c); received {images.shape}.")
    n, h, w, c = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.full(
        (rows * (h + padding) + padding, columns * (w + padding) + padding, c), 255, np.uint8
    )
    pixels = np.clip((images + 1.0) * 127.5, 0, 255).round().astype(np.uint8)
    for i in range(n):
        r, col = divmod(i, columns)
        y, x = padding + r * (h + padding), padding + col * (w + padding)
        grid[y : y + h, x : x + w] = pixels[i]
    return grid


def save_grid(images, path, columns=None, scale=2):
    """Writes `make_grid(images)` as a PNG or JPEG file, atomically.

    The format follows the file's suffix: `.png`, or `.jpg` / `.jpeg`
    (quality 95).

    Args:
        images: a batch `(n, h, w, c)` in [-1, 1].
        path: the file to write, ending in `.png`, `.jpg` or `.jpeg` (any case).
        columns: images per row; defaults to a near-square grid.
        scale: integer upscaling of each pixel. Defaults to 2.

    Returns:
        `path`.

    Raises:
        ValueError: another suffix (nothing is written).

    Example:

    ```python
    keras_gans.images.save_grid(gan.generate(64, seed=0), "samples.jpg")
    ```
    """
    from PIL import Image

    path = os.fspath(path)
    image_format = _format_of(path, _FORMATS)
    grid = make_grid(images, columns)
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    picture = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    options = {"quality": 95} if image_format == "JPEG" else {}
    with atomic_path(path) as tmp:
        picture.save(tmp, format=image_format, **options)
    return path


def _format_of(path, formats):
    """The PIL format of `path`'s suffix among `formats` ({suffix: format})."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in formats:
        raise ValueError(
            f"Cannot write {path!r}: expected a file name ending in "
            f"{', '.join(formats)}; received {suffix or 'no extension'!r}."
        )
    return formats[suffix]


def save_gif(frames, path, columns=None, scale=2, duration_ms=100, loop=0):
    """Writes an animated GIF, one grid of images per frame (atomically).

    Args:
        frames: a sequence of image batches `(n, h, w, c)` in [-1, 1], one
            per frame; all batches have the same shape.
        path: the file to write, ending in `.gif` (any case).
        columns: images per row of each grid.
        scale: integer upscaling of each pixel.
        duration_ms: display time of each frame.
        loop: times to loop (0: forever).

    Returns:
        `path`.

    Raises:
        ValueError: another suffix than `.gif`, or frames of different shapes.

    Example:

    ```python
    frames = [gan.generate(16, latents=z) for z in latent_path]
    keras_gans.images.save_gif(frames, "walk.gif", columns=4)
    ```
    """
    from PIL import Image

    path = os.fspath(path)
    _format_of(path, {".gif": "GIF"})
    frames = list(frames)
    if not frames:
        raise ValueError("`frames` is empty; expected at least one batch of images.")
    shapes = {np.shape(f) for f in frames}
    if len(shapes) != 1:
        raise ValueError(f"All frames must have the same shape; received {sorted(shapes)}.")
    pictures = []
    for images in frames:
        grid = make_grid(images, columns)
        if scale > 1:
            grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
        pictures.append(Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid))
    with atomic_path(path) as tmp:
        pictures[0].save(
            tmp, format="GIF", save_all=True, append_images=pictures[1:],
            duration=int(duration_ms), loop=int(loop),
        )
    return path


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
LUMINANCE = (0.299, 0.587, 0.114)
"""ITU-R 601 weights of R, G, B in the luminance of a colour image (as PIL's "L")."""


def read_image(path, channels=None):
    """Reads a PNG or JPEG file as a float32 image `(H, W, C)` in [-1, 1].

    Grayscale files (8- or 16-bit) give one channel and colour files three,
    unless `channels` asks for a conversion: 1 converts colour to luminance
    (PIL's mode "L", ITU-R 601-2: 0.299 R + 0.587 G + 0.114 B), 3 repeats a
    gray channel. Alpha is dropped; EXIF orientation (phone photos) is applied.

    Args:
        path: a `.png`, `.jpg` or `.jpeg` file (the content decides, not the
            name).
        channels: None (keep the file's), 1 or 3. Defaults to None.

    Returns:
        A float32 NumPy array `(H, W, C)` in [-1, 1].

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: the file is not a readable PNG or JPEG image.

    Example:

    ```python
    image = keras_gans.images.read_image("shoe.png", channels=1)  # (H, W, 1)
    ```
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = os.fspath(path)
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be None, 1 or 3; received {channels!r}.")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such image file: {path!r}.")
    try:
        with Image.open(path) as picture:
            if picture.format not in ("PNG", "JPEG"):
                raise ValueError(
                    f"{path!r} is a {picture.format} image; expected a PNG or JPEG file."
                )
            picture = ImageOps.exif_transpose(picture)
            picture.load()
            mode = picture.mode
            if mode.startswith("I"):  # 16-bit gray PNG: "I" or "I;16..."
                pixels = np.asarray(picture, dtype="float32")[..., None] / 65535.0
            else:
                target = "L" if mode in ("1", "L", "LA", "La") else "RGB"
                pixels = np.asarray(picture.convert(target), dtype="float32") / 255.0
                pixels = pixels.reshape(pixels.shape[:2] + (-1,))
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"Cannot read {path!r} as a PNG or JPEG image: {error}") from None
    image = pixels * 2.0 - 1.0
    if channels == 1 and image.shape[-1] == 3:
        # Same weights as PIL's "L" conversion, on the full-precision values.
        image = image @ np.asarray(LUMINANCE, "float32")[:, None]
    elif channels == 3 and image.shape[-1] == 1:
        image = np.repeat(image, 3, axis=-1)
    return np.ascontiguousarray(image, dtype="float32")


def write_image(image, path, quality=95):
    """Writes one image `(H, W, C)` in [-1, 1] as PNG or JPEG, by extension.

    The file is written atomically (a temporary name, then a rename) and its
    parent folders are created. Pixels map to 8 bits as `round((x + 1) * 127.5)`,
    so a PNG round trip through `read_image` is exact within 1 / 127.5.

    Args:
        image: array `(H, W)`, `(H, W, 1)` or `(H, W, 3)` with values in
            [-1, 1] (values beyond by less than 1e-3 are clipped).
        path: the file to write; `.png`, `.jpg` or `.jpeg` (any case).
        quality: JPEG quality, 1 to 95. Defaults to 95.

    Returns:
        `path`.

    Example:

    ```python
    keras_gans.images.write_image(model.translate(x)[0], "out/shoe.png")
    ```
    """
    from PIL import Image

    path = os.fspath(path)
    image_format = _format_of(path, _FORMATS)
    image = np.asarray(image, dtype="float32")
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[-1] not in (1, 3) or 0 in image.shape:
        raise ValueError(
            f"Expected an image of shape (H, W), (H, W, 1) or (H, W, 3); received {image.shape}."
        )
    if not np.isfinite(image).all():
        raise ValueError(f"Cannot write {path!r}: the image has NaN or infinite values.")
    low, high = float(image.min()), float(image.max())
    if low < -1.001 or high > 1.001:
        raise ValueError(
            f"Cannot write {path!r}: expected values in [-1, 1]; received [{low:.4g}, {high:.4g}]."
        )
    pixels = np.clip((image + 1.0) * 127.5, 0, 255).round().astype(np.uint8)
    picture = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
    options = {"quality": int(quality)} if image_format == "JPEG" else {}
    with atomic_path(path) as tmp:
        picture.save(tmp, format=image_format, **options)
    return path
