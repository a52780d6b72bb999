"""The minibatch standard deviation feature (Karras et al., 2018): the
discriminator sees how varied a group of samples is, so a generator that
collapses onto a few modes is easy to reject."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the mean standard deviation across groups of samples as one
    more feature (one more channel of an image, one more unit of a vector),
    so that the discriminator can penalize a generator whose samples lack
    variety.

    Works on inputs of any rank `(batch, ..., channels)`: the standard
    deviation of each feature is taken over each group of `group_size`
    samples, averaged over all features, and appended along the last axis.

    Args:
        group_size: samples per group; the largest divisor of the batch size
            not above it is used. Defaults to `4`.

    Example:

    ```python
    y = MinibatchStdDev(4)(keras.random.normal((8, 4, 4, 64)))  # (8, 4, 4, 65)
    y = MinibatchStdDev(4)(keras.random.normal((8, 256)))       # (8, 257)
    ```
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        if int(group_size) < 2:
            raise ValueError(f"`group_size` must be at least 2, received {group_size!r}.")
        self.group_size = int(group_size)

    def call(self, inputs):
        shape = ops.shape(inputs)
        batch, rest = shape[0], tuple(shape[1:])
        group = self._group(batch)
        grouped = ops.reshape(inputs, (group, -1) + rest)
        std = ops.sqrt(ops.var(grouped, axis=0) + 1e-8)  # (batch/group, ...)
        feature = ops.mean(std, axis=tuple(range(1, len(rest) + 1)))  # (batch/group,)
        feature = ops.tile(feature, (group,))  # sample i belongs to group i % (batch/group)
        feature = ops.reshape(feature, (-1,) + (1,) * len(rest))
        feature = ops.broadcast_to(feature, (batch,) + rest[:-1] + (1,))
        return ops.concatenate([inputs, ops.cast(feature, inputs.dtype)], axis=-1)

    def _group(self, batch):
        """The largest group size <= `group_size` that divides the batch."""
        if isinstance(batch, int):
            return next(g for g in range(min(self.group_size, batch), 0, -1) if batch % g == 0)
        group = ops.convert_to_tensor(1, "int32")
        for candidate in range(2, self.group_size + 1):
            group = ops.where(ops.equal(batch % candidate, 0), candidate, group)
        return group

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        config = super().get_config()
        config["group_size"] = self.group_size
        return config
