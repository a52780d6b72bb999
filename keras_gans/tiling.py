"""Apply a fixed-size image-to-image translator to images of any size.

Pix2Pix, CycleGAN and SRGAN generators take one input size (`source_shape`,
e.g. 28x28x1). `translate_image` runs such a translator on a larger image by
cutting it into tiles, or on a smaller one by padding it, and checks or
converts the channels. Everything here is NumPy: the translator is any
function from a batch of tiles to a batch of outputs, typically
`model.translate`.

Channel rule (all modes): an image with as many channels as `source_shape`
passes unchanged; a 3-channel image given to a 1-channel model is converted to
luminance with the ITU-R 601 weights `0.299 R + 0.587 G + 0.114 B` (computed on
the [-1, 1] values: the weights sum to 1, so the range is kept); a 1-channel
image given to a 3-channel model is repeated into three equal channels; any
other combination raises ValueError.
"""

import math

import numpy as np

from keras_gans.images import LUMINANCE

MODES = ("tile", "pad", "error")
PADDINGS = ("reflect", "edge")


def translate_image(translate_fn, image, source_shape, scale=1, mode="tile", overlap=0,
                    padding="reflect"):
    """Translates one image of any size with a translator of fixed input size.

    Args:
        translate_fn: function from a float32 batch `(n,) + source_shape` in
            [-1, 1] to a batch `(n, h * scale, w * scale, c_out)` in [-1, 1],
            e.g. `model.translate` or
            `lambda x: model.translate(x, direction="b2a")`. It receives all
            tiles of the image in one call (it does its own batching).
        image: array `(H, W, C)` or `(H, W)` in [-1, 1], any `H` and `W`.
        source_shape: `(h, w, c)`, the translator's input shape.
        scale: integer ratio of output to input size (4 for an SRGAN x4).
            Defaults to 1.
        mode: how a size other than `(h, w)` is handled. Defaults to "tile".
            - "tile": pad the image (see `padding`) up to a whole number of
              tiles `(h, w)`, translate every tile, stitch the outputs and
              crop to `(H * scale, W * scale)`. An image smaller than a tile
              is padded to one tile.
            - "pad": the image must be at most `(h, w)`; it is padded to
              `(h, w)`, translated and cropped. Larger images raise ValueError.
            - "error": the image must be exactly `(h, w)`; anything else
              raises ValueError naming both sizes.
        overlap: "tile" mode only: pixels of context on each side of a tile
            whose output is discarded, so that each kept pixel saw at least
            `overlap` neighbours; tiles then step by `h - 2 * overlap`. 0 cuts
            edge to edge (fastest; seams can show with convolutional models).
            Defaults to 0.
        padding: how pixels beyond the image are filled: "reflect" (mirror
            without repeating the border pixel) or "edge" (repeat it).
            Padding goes below and right of the image, plus `overlap` on
            every side. Defaults to "reflect".

    Returns:
        A float32 NumPy array `(H * scale, W * scale, c_out)`.

    Raises:
        ValueError: a size or channel mismatch the mode does not allow, an
            unknown mode, or a translator output of the wrong shape.

    Example:

    ```python
    # `model`: an SRGAN x4, source_shape (7, 7, 1) -> target_shape (28, 28, 1).
    image = keras_gans.images.read_image("photo.png")         # (60, 45, 3)
    big = keras_gans.tiling.translate_image(
        model.translate, image, model.source_shape, scale=4)  # (240, 180, 1)
    ```
    """
    return translate_images(translate_fn, [image], source_shape, scale=scale, mode=mode,
                            overlap=overlap, padding=padding)[0]


def translate_images(translate_fn, images, source_shape, scale=1, mode="tile", overlap=0,
                     padding="reflect"):
    """`translate_image` over a list of images of any sizes, in one translator call.

    The tiles of all images go to `translate_fn` together, so many small
    images cost one batched call rather than one call each. Arguments as for
    `translate_image`; returns a list of arrays, one per image.
    """
    th, tw, channels = _check_shape(source_shape)
    scale = _check_int("scale", scale, 1)
    overlap = _check_int("overlap", overlap, 0)
    if mode not in MODES:
        raise ValueError(f"`mode` must be one of {MODES}; received {mode!r}.")
    if padding not in PADDINGS:
        raise ValueError(f"`padding` must be one of {PADDINGS}; received {padding!r}.")
    if overlap and mode != "tile":
        raise ValueError(f"`overlap` applies to mode='tile' only; received mode={mode!r}.")
    if 2 * overlap >= min(th, tw):
        raise ValueError(
            f"`overlap` must be less than half the tile size {th}x{tw}; received {overlap}."
        )
    plans, batches = [], []
    for image in images:
        image = _match_channels(_check_image(image), channels)
        height, width = image.shape[:2]
        if mode == "error" and (height, width) != (th, tw):
            raise ValueError(
                f"The model translates {th}x{tw} images (height x width); received "
                f"{height}x{width}. Use mode='tile' (any size) or 'pad' (up to {th}x{tw})."
            )
        if mode == "pad" and (height > th or width > tw):
            raise ValueError(
                f"mode='pad' takes images of at most {th}x{tw} (height x width); received "
                f"{height}x{width}. Use mode='tile' to translate larger images."
            )
        tiles, grid = _cut(image, (th, tw), overlap, padding)
        plans.append(((height, width), grid, len(tiles)))
        batches.append(tiles)
    if not batches:
        return []
    tiles = np.concatenate(batches)
    outputs = np.asarray(translate_fn(tiles), dtype="float32")
    expected = (len(tiles), th * scale, tw * scale)
    if outputs.ndim != 4 or outputs.shape[:3] != expected:
        raise ValueError(
            f"The translator returned shape {outputs.shape} for {len(tiles)} tiles of "
            f"{th}x{tw}; expected {expected + ('c_out',)} with scale {scale}."
        )
    results, start = [], 0
    for (height, width), grid, count in plans:
        mosaic = _stitch(outputs[start : start + count], grid, overlap * scale)
        results.append(np.ascontiguousarray(mosaic[: height * scale, : width * scale]))
        start += count
    return results


def _check_shape(source_shape):
    shape = tuple(source_shape)
    if len(shape) != 3 or not all(isinstance(d, (int, np.integer)) and d > 0 for d in shape):
        raise ValueError(f"`source_shape` must be (height, width, channels); received {source_shape!r}.")
    return tuple(int(d) for d in shape)


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}; received {value!r}.")
    return int(value)


def _check_image(image):
    image = np.asarray(image, dtype="float32")
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or 0 in image.shape:
        raise ValueError(f"Expected an image of shape (H, W, C) or (H, W); received {image.shape}.")
    return image


def _match_channels(image, channels):
    """Applies the module's channel rule: equal, 3 -> 1 luminance, 1 -> 3 repeat."""
    have = image.shape[-1]
    if have == channels:
        return image
    if have == 3 and channels == 1:
        return image @ np.asarray(LUMINANCE, "float32")[:, None]
    if have == 1 and channels == 3:
        return np.repeat(image, 3, axis=-1)
    raise ValueError(
        f"The model takes {channels}-channel images; received {have} channels "
        "(only 3 -> 1 luminance and 1 -> 3 repetition are converted)."
    )


def _cut(image, tile, overlap, padding):
    """Pads `image` and cuts it into overlapping tiles.

    Returns the tiles `(rows * columns, th, tw, c)` and the grid `(rows, columns)`.
    """
    (th, tw), (height, width) = tile, image.shape[:2]
    step_h, step_w = th - 2 * overlap, tw - 2 * overlap
    rows, columns = max(1, math.ceil(height / step_h)), max(1, math.ceil(width / step_w))
    pad_h = rows * step_h + 2 * overlap - height - overlap
    pad_w = columns * step_w + 2 * overlap - width - overlap
    padded = np.pad(image, ((overlap, pad_h), (overlap, pad_w), (0, 0)), mode=padding)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (th, tw), axis=(0, 1))
    windows = windows[::step_h, ::step_w]  # (rows, columns, c, th, tw)
    tiles = windows.transpose(0, 1, 3, 4, 2).reshape(rows * columns, th, tw, image.shape[-1])
    return tiles, (rows, columns)


def _stitch(outputs, grid, margin):
    """Drops `margin` pixels on each side of every output tile and joins them."""
    rows, columns = grid
    if margin:
        outputs = outputs[:, margin:-margin, margin:-margin]
    _, h, w, c = outputs.shape
    return outputs.reshape(rows, columns, h, w, c).transpose(0, 2, 1, 3, 4).reshape(
        rows * h, columns * w, c
    )
