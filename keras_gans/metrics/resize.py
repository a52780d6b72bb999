"""Area-averaging resize of NumPy image batches (any size ratio).

Each output pixel is the average of the input pixels under it, weighted by
how much of each it covers: the "area" (box) filter, exact for non-integer
ratios such as 32 -> 28.

Example:

```python
small = area_resize(images_32, (28, 28))   # (n, 28, 28, c)
```
"""

import numpy as np


def area_weights(size_in, size_out):
    """`(size_out, size_in)` matrix: row i averages the input cells that
    output cell i covers."""
    if size_in < 1 or size_out < 1:
        raise ValueError(f"Sizes must be >= 1; received {size_in} -> {size_out}.")
    edges = np.arange(size_out + 1) * (size_in / size_out)
    cells = np.arange(size_in)
    lo, hi = edges[:-1, None], edges[1:, None]
    overlap = np.clip(np.minimum(hi, cells + 1) - np.maximum(lo, cells), 0.0, None)
    return (overlap / (size_in / size_out)).astype("float32")


def area_resize(images, size):
    """Resizes `(n, h, w, c)` images to `size = (height, width)` by area
    averaging."""
    images = np.asarray(images, "float32")
    if images.ndim != 4:
        raise ValueError(f"Expected images of shape (n, h, w, c); received {images.shape}.")
    rows = area_weights(images.shape[1], int(size[0]))
    columns = area_weights(images.shape[2], int(size[1]))
    return np.einsum("ij,njkc,lk->nilc", rows, images, columns)
