"""`training_stream`: endless batches in an order that any iterator repeats.

`tf.data`'s `shuffle(..., reshuffle_each_iteration=True)` draws each epoch's
order from a seed stream that every iterator of the dataset object advances,
so the order a training run sees depends on what iterated the data before
(a peek, Keras building the model). A resumed run could then not find its
place again. This stream shuffles once, over the repeated examples, with a
fixed seed: every iterator yields the same batches, and `skip(n)` is the
position after `n` steps.
"""

import numpy as np

BUFFER_BYTES = 256 * 2**20


def training_stream(dataset, batch_size, seed, buffer_bytes=BUFFER_BYTES):
    """Endless, reproducible training batches from an unshuffled pipeline.

    The examples of `dataset` repeat forever and pass through one shuffle
    buffer (as many examples as an epoch holds, at most `buffer_bytes`)
    seeded by `seed`, then are batched (full batches only).

    Args:
        dataset: a batched `tf.data.Dataset`, unshuffled (e.g.
            `keras_gans.datasets.load(name, shuffle=False)`).
        batch_size: examples per batch.
        seed: the shuffle seed.
        buffer_bytes: memory bound of the shuffle buffer.

    Returns:
        An infinite `tf.data.Dataset` of batches.

    Example:

    ```python
    data = keras_gans.datasets.load("fashion_mnist", shuffle=False)
    stream = training_stream(data, batch_size=128, seed=0)
    resumed = stream.skip(1000)  # the batches after step 1000
    ```
    """
    import tensorflow as tf

    examples = dataset.unbatch()
    example_bytes = sum(
        int(np.prod(spec.shape)) * spec.dtype.size for spec in tf.nest.flatten(examples.element_spec)
    )
    per_epoch = int(dataset.cardinality()) * int(batch_size)
    buffer = max(1, min(per_epoch if per_epoch > 0 else 10_000, buffer_bytes // max(1, example_bytes)))
    return (
        examples.repeat()
        .shuffle(buffer, seed=seed, reshuffle_each_iteration=False)
        .batch(int(batch_size), drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
