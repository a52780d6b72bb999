"""Image grids as PNG files, and sequences of grids as animated GIFs."""

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


def save_gif(frames, path, columns=None, scale=2, duration_ms=100, loop=0):
    """Writes an animated GIF, one grid of images per frame (atomically).

    Args:
        frames: a sequence of image batches `(n, h, w, c)` in [-1, 1], one
            per frame; all batches have the same shape.
        path: the `.gif` path.
        columns: images per row of each grid.
        scale: integer upscaling of each pixel.
        duration_ms: display time of each frame.
        loop: times to loop (0: forever).

    Returns:
        `path`.

    Example:

    ```python
    frames = [gan.generate(16, latents=z) for z in latent_path]
    keras_gans.images.save_gif(frames, "walk.gif", columns=4)
    ```
    """
    from PIL import Image

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
    return os.fspath(path)
