"""Moving Fashion-MNIST: sequences of garments gliding and bouncing on a
canvas, for next-frame video prediction.

The protocol is OpenSTL's Moving-MNIST one (after Srivastava et al., 2015)
with Fashion-MNIST items instead of digits: a 64x64 canvas, 28x28 items,
two items per sequence. Each item starts at a uniform position in [0, 1]^2
of the free range (64 - 28 = 36 pixels), moves by
`step_length * (sin(theta), cos(theta))` (rows, columns) per frame with
`theta` uniform in [0, 2 pi), and bounces off the borders by flipping the
velocity component that crossed; the first frame is after the first step,
positions are truncated to whole pixels, and items are composited by their
pixelwise maximum.

Every sequence is built from a seed: sequences come in blocks of `BLOCK`,
block `b` drawn from `numpy.random.default_rng([seed, b])`, so sequence `i`
is the same however many sequences are asked for, and on every backend.
Training items come from the Fashion-MNIST train split, test items from the
test split, each split with its own default seed (`SEEDS`).

Example:

```python
sequences = moving_fashion_mnist("test", 100)    # uint8 (100, 20, 64, 64)
past, future = split_frames(sequences)           # (100, 64, 64, 10), (100, 10, 64, 64, 1)
ds = load_task("moving_fashion_mnist", batch_size=32, seed=0)   # (past, next) pairs
```
"""

import functools

import numpy as np

from keras_gans.datasets import fashion_mnist

CANVAS_SIZE = 64
NUM_OBJECTS = 2
STEP_LENGTH = 0.1
PAST_FRAMES = 10
FUTURE_FRAMES = 10
BLOCK = 256
SEEDS = {"train": 0, "test": 1}
# Examples of each split in `load_task` (pairs; each from its own sequence).
NUM_PAIRS = {"train": 60_000, "test": 10_000}


def bounce_trajectory(position, velocity, length):
    """Moves points in the unit square, bouncing off its borders.

    At every frame the point takes one step of `velocity`; a coordinate that
    reaches 0 or 1 is clamped there and its velocity component flips (as in
    OpenSTL's Moving MNIST).

    Args:
        position: float array `(n, 2)` of starting positions in [0, 1].
        velocity: float array `(n, 2)`, the step per frame.
        length: number of frames.

    Returns:
        `(positions, velocities)`: float64 arrays `(n, length, 2)`, the
        position after each step and the velocity after its bounce.

    Example:

    ```python
    positions, velocities = bounce_trajectory([[0.95, 0.5]], [[0.1, 0.0]], 3)
    # positions[0, :, 0] == [1.0, 0.9, 0.8]; velocities[0, :, 0] == [-0.1, -0.1, -0.1]
    ```
    """
    position = np.array(position, dtype="float64", ndmin=2)
    velocity = np.array(velocity, dtype="float64", ndmin=2)
    if position.shape[-1] != 2 or position.shape != velocity.shape:
        raise ValueError(
            f"`position` and `velocity` must both have shape (n, 2); received "
            f"{position.shape} and {velocity.shape}."
        )
    if int(length) < 1:
        raise ValueError(f"`length` must be >= 1; received {length}.")
    positions = np.empty(position.shape[:1] + (int(length), 2))
    velocities = np.empty_like(positions)
    for t in range(int(length)):
        position = position + velocity
        for hit, border in ((position <= 0.0, 0.0), (position >= 1.0, 1.0)):
            position = np.where(hit, border, position)
            velocity = np.where(hit, -velocity, velocity)
        positions[:, t], velocities[:, t] = position, velocity
    return positions, velocities


def random_trajectories(num, length, rng, step_length=STEP_LENGTH):
    """Bouncing trajectories from uniform starts and uniform directions.

    Args:
        num: number of trajectories.
        length: frames per trajectory.
        rng: a `numpy.random.Generator`.
        step_length: the speed, as a fraction of the free range per frame.
            Defaults to `0.1`.

    Returns:
        `(positions, velocities)` as `bounce_trajectory`, `(num, length, 2)`
        in (row, column) order.
    """
    start = rng.random((num, 2))
    theta = rng.random(num) * 2.0 * np.pi
    velocity = float(step_length) * np.stack([np.sin(theta), np.cos(theta)], axis=-1)
    return bounce_trajectory(start, velocity, length)


def _check_items(items, canvas_size):
    items = np.asarray(items)
    if items.ndim != 3 or items.dtype != np.uint8 or len(items) == 0:
        raise ValueError(
            f"`items` must be a non-empty uint8 array (m, height, width); received "
            f"{items.dtype} of shape {items.shape}."
        )
    if max(items.shape[1:]) > canvas_size:
        raise ValueError(
            f"Items of size {items.shape[1:]} do not fit on a {canvas_size}x{canvas_size} canvas."
        )
    return items


def render_block(items, rng, num, length, num_objects=NUM_OBJECTS, canvas_size=CANVAS_SIZE,
                 step_length=STEP_LENGTH):
    """`num` sequences drawn with one generator (see `moving_sequences`)."""
    items = _check_items(items, canvas_size)
    height, width = items.shape[1:]
    free = np.array([canvas_size - height, canvas_size - width])
    canvas = np.zeros((num, length, canvas_size, canvas_size), "uint8")
    b = np.arange(num)[:, None, None, None]
    t = np.arange(length)[None, :, None, None]
    for _ in range(num_objects):
        positions, _ = random_trajectories(num, length, rng, step_length)
        picked = items[rng.integers(0, len(items), size=num)][:, None]  # (num, 1, h, w)
        offsets = (free * positions).astype("int32")  # (num, length, 2)
        rows = (offsets[..., 0, None] + np.arange(height))[:, :, :, None]
        cols = (offsets[..., 1, None] + np.arange(width))[:, :, None, :]
        canvas[b, t, rows, cols] = np.maximum(canvas[b, t, rows, cols], picked)
    return canvas


def moving_sequences(items, num_sequences, length=PAST_FRAMES + FUTURE_FRAMES, seed=0, start=0,
                     num_objects=NUM_OBJECTS, canvas_size=CANVAS_SIZE, step_length=STEP_LENGTH):
    """Sequences of `num_objects` items bouncing on a canvas, from a seed.

    Args:
        items: uint8 images `(m, h, w)` to move (e.g. Fashion-MNIST).
        num_sequences: how many sequences.
        length: frames per sequence. Defaults to 20 (10 past, 10 future).
        seed: the data seed. Defaults to `0`.
        start: index of the first sequence (sequence `i` is the same for
            any `start` and `num_sequences` that include it). Defaults to 0.
        num_objects: items per sequence. Defaults to 2.
        canvas_size: side of the square canvas. Defaults to 64.
        step_length: speed, a fraction of the free range per frame.
            Defaults to `0.1`.

    Returns:
        uint8 array `(num_sequences, length, canvas_size, canvas_size)`.

    Example:

    ```python
    items = keras_gans.datasets.fashion_mnist.load_arrays("test")[0]
    sequences = moving_sequences(items, 8, seed=1)   # (8, 20, 64, 64)
    ```
    """
    items = _check_items(items, canvas_size)
    if int(num_sequences) < 1 or int(start) < 0 or int(length) < 1:
        raise ValueError(
            f"Need `num_sequences` >= 1, `start` >= 0 and `length` >= 1; received "
            f"{num_sequences}, {start} and {length}."
        )
    first, stop = int(start), int(start) + int(num_sequences)
    blocks = [
        render_block(items, np.random.default_rng([int(seed), block]), BLOCK, int(length),
                     num_objects, canvas_size, step_length)
        for block in range(first // BLOCK, (stop - 1) // BLOCK + 1)
    ]
    offset = (first // BLOCK) * BLOCK
    return np.concatenate(blocks)[first - offset : stop - offset]


@functools.lru_cache(maxsize=2)
def fashion_items(split):
    """The Fashion-MNIST images of `split` (uint8 `(n, 28, 28)`), read once."""
    images, _ = fashion_mnist.load_arrays(split)
    images.flags.writeable = False
    return images


def moving_fashion_mnist(split="test", num_sequences=None, length=PAST_FRAMES + FUTURE_FRAMES,
                         seed=None, start=0):
    """Moving Fashion-MNIST sequences of one split.

    Args:
        split: `"train"` (items from the train split) or `"test"`.
        num_sequences: how many. Defaults to `NUM_PAIRS[split]`.
        length: frames per sequence. Defaults to 20.
        seed: the data seed. Defaults to `SEEDS[split]` (0 train, 1 test).
        start: index of the first sequence. Defaults to 0.

    Returns:
        uint8 array `(num_sequences, length, 64, 64)`.

    Example:

    ```python
    test = moving_fashion_mnist("test", 1000)   # the first 1,000 test sequences
    ```
    """
    if split not in SEEDS:
        raise ValueError(f"`split` must be one of {sorted(SEEDS)}; received {split!r}.")
    num_sequences = NUM_PAIRS[split] if num_sequences is None else num_sequences
    seed = SEEDS[split] if seed is None else seed
    return moving_sequences(fashion_items(split), num_sequences, length, seed, start)


def to_frames(sequences):
    """uint8 `(n, t, h, w)` -> float32 `(n, t, h, w, 1)` in [-1, 1]."""
    sequences = np.asarray(sequences)
    if sequences.ndim != 4:
        raise ValueError(f"Expected sequences of shape (n, frames, h, w); received {sequences.shape}.")
    return (sequences.astype("float32") / 127.5 - 1.0)[..., None]


def stack_past(frames):
    """Frames `(n, t, h, w, c)` -> one image `(n, h, w, t * c)`, oldest first."""
    frames = np.asarray(frames)
    n, t, h, w, c = frames.shape
    return np.moveaxis(frames, 1, 3).reshape(n, h, w, t * c)


def split_frames(sequences, past=PAST_FRAMES):
    """Past frames stacked as channels, and the frames after them.

    Args:
        sequences: uint8 `(n, t, h, w)` with `t > past`.
        past: how many past frames. Defaults to 10.

    Returns:
        `(past_frames, future)`: float32 `(n, h, w, past)` and
        `(n, t - past, h, w, 1)`, both in [-1, 1].
    """
    frames = to_frames(sequences)
    if frames.shape[1] <= past:
        raise ValueError(
            f"Sequences of {frames.shape[1]} frames have no frame after {past} past frames."
        )
    return stack_past(frames[:, :past]), frames[:, past:]


def _pairs_block(split, block, num, past):
    """uint8 `(past stack, next frame)` pairs of one block of a split."""
    block, num = int(block), int(num)
    count = min(BLOCK, num - block * BLOCK)
    sequences = moving_fashion_mnist(split, count, past + 1, start=block * BLOCK)
    return np.moveaxis(sequences[:, :past], 1, 3).copy(), sequences[:, past, :, :, None].copy()


def pipeline(split="train", batch_size=32, shuffle=True, seed=None, limit=None, past=PAST_FRAMES):
    """A `tf.data` pipeline of `(past frames, next frame)` pairs.

    Each pair comes from its own sequence (`past + 1` frames), drawn block by
    block as the pipeline runs, so memory stays small however many pairs;
    the test split's pairs are the first windows of the test sequences that
    `moving_fashion_mnist("test")` returns.

    Args:
        split: `"train"` or `"test"`.
        batch_size: pairs per batch; the last partial batch is dropped.
            Defaults to 32.
        shuffle: visit the blocks in a new order every epoch. Defaults to True.
        seed: the shuffling seed (the data is fixed by `SEEDS`). Defaults to None.
        limit: number of pairs. Defaults to `NUM_PAIRS[split]`.
        past: past frames per pair. Defaults to 10.

    Returns:
        A `tf.data.Dataset` of float32 `((batch, 64, 64, past), (batch, 64, 64, 1))`
        tuples in [-1, 1].
    """
    import tensorflow as tf

    if split not in SEEDS:
        raise ValueError(f"`split` must be one of {sorted(SEEDS)}; received {split!r}.")
    num = NUM_PAIRS[split] if limit is None else int(limit)
    if num < 1:
        raise ValueError(f"`limit` must be >= 1; received {limit}.")
    if int(batch_size) < 1 or int(batch_size) > num:
        raise ValueError(f"`batch_size` must be in [1, {num}] (the pairs); received {batch_size}.")
    num_blocks = -(-num // BLOCK)
    ds = tf.data.Dataset.range(num_blocks)
    if shuffle:
        ds = ds.shuffle(num_blocks, seed=seed, reshuffle_each_iteration=True)

    def block_pairs(block):
        source, target = tf.numpy_function(
            lambda b: _pairs_block(split, b, num, past), [block], (tf.uint8, tf.uint8)
        )
        source.set_shape((None, CANVAS_SIZE, CANVAS_SIZE, past))
        target.set_shape((None, CANVAS_SIZE, CANVAS_SIZE, 1))
        return tf.data.Dataset.from_tensor_slices((source, target))

    def to_float(source, target):
        return tf.cast(source, tf.float32) / 127.5 - 1.0, tf.cast(target, tf.float32) / 127.5 - 1.0

    ds = ds.flat_map(block_pairs).batch(int(batch_size), drop_remainder=True)
    return ds.map(to_float, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


TASK_DESCRIPTIONS = {
    "moving_fashion_mnist": "(past, next) pairs: 10 past frames (batch, 64, 64, 10) and the "
                            "next frame (batch, 64, 64, 1)",
}


def load_task(name, split="train", batch_size=32, shuffle=True, seed=None, limit=None):
    """A named video task as a ready pipeline (see `pipeline`).

    Example:

    ```python
    ds = load_task("moving_fashion_mnist", batch_size=32, seed=0)
    past, next_frame = next(iter(ds))    # (32, 64, 64, 10), (32, 64, 64, 1)
    ```
    """
    if name not in TASK_DESCRIPTIONS:
        raise ValueError(f"Unknown video task {name!r}; known: {sorted(TASK_DESCRIPTIONS)}.")
    return pipeline(split, batch_size, shuffle, seed, limit)
