"""Image grids as PNG files."""

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
    """Writes `make_grid(images)` as a PNG (atomically) and returns `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = make_grid(images, columns)
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    with atomic_path(path) as tmp:
        if grid.shape[-1] == 1:
            plt.imsave(tmp, grid[..., 0], cmap="gray", vmin=0, vmax=255, format="png")
        else:
            plt.imsave(tmp, grid, format="png")
    return os.fspath(path)
