"""`BatchNormalization` and `GroupNormalization` with the backend's
normalizations (`keras_gans.core.backend.batch_normalization`,
`instance_normalization`).

The same layers as Keras', with the same arguments, weights, outputs and
moving statistics; on JAX on the CPU their sums are matrix products and
their gradients are written out, which XLA runs 1.05 to 3.4x faster than
autodiff of Keras' normalizations (see `keras_gans.core.backend` and
benchmarks/RESULTS.md). Every batch and instance normalization of the zoo's
networks is one of these, so a preset's weights load into them as into
Keras'.
"""

import keras

from keras_gans.core import backend


def _upcast_with_parameters(layer, inputs):
    """`inputs` in float32 at least, as Keras' normalization layers compute
    (float16 overflows), and `layer`'s scale and offset in that dtype (ones
    and zeros where the layer has none)."""
    inputs = keras.ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
    channels = (inputs.shape[-1],)
    scale = keras.ops.cast(layer.gamma, inputs.dtype) if layer.scale \
        else keras.ops.ones(channels, inputs.dtype)
    offset = keras.ops.cast(layer.beta, inputs.dtype) if layer.center \
        else keras.ops.zeros(channels, inputs.dtype)
    return inputs, scale, offset


@keras.saving.register_keras_serializable(package="keras_gans")
class BatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` whose training-mode normalization
    over every axis but the channels' is `backend.batch_normalization`.

    Inference, a mask, batch renormalization and a channel axis other than
    the last take Keras' own path.

    Args:
        **kwargs: `keras.layers.BatchNormalization` arguments.

    Example:

    ```python
    x = BatchNormalization(momentum=0.9)(x, training=True)
    ```
    """

    def call(self, inputs, training=None, mask=None):
        channels_last = self.axis in (-1, len(inputs.shape) - 1)
        if not (training and self.trainable and channels_last) or mask is not None or self.renorm:
            return super().call(inputs, training=training, mask=mask)
        inputs, scale, offset = _upcast_with_parameters(self, inputs)
        outputs, mean, variance = backend.batch_normalization(inputs, scale, offset, self.epsilon)
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.assign(keras.ops.cast(moving, inputs.dtype) * self.momentum
                          + batch * (1.0 - self.momentum))
        return keras.ops.cast(outputs, self.compute_dtype)


@keras.saving.register_keras_serializable(package="keras_gans")
class GroupNormalization(keras.layers.GroupNormalization):
    """`keras.layers.GroupNormalization` whose instance normalization (one
    group per channel, `groups=-1`) is `backend.instance_normalization`.

    Other groupings and a channel axis other than the last take Keras' own
    path.

    Args:
        **kwargs: `keras.layers.GroupNormalization` arguments.

    Example:

    ```python
    x = GroupNormalization(groups=-1, epsilon=1e-5)(x)  # instance normalization
    ```
    """

    def call(self, inputs):
        if self.groups != inputs.shape[-1] or self.axis not in (-1, len(inputs.shape) - 1):
            return super().call(inputs)
        inputs, scale, offset = _upcast_with_parameters(self, inputs)
        outputs = backend.instance_normalization(inputs, scale, offset, self.epsilon)
        return keras.ops.cast(outputs, self.compute_dtype)
