"""`BatchNormalization` with the backend's training-mode normalization
(`keras_gans.core.backend.batch_normalization`).

The same layer as Keras', with the same arguments, weights, outputs and
moving statistics; on JAX on the CPU its sums are matrix products and its
gradient is written out, which XLA runs 2.7x faster than autodiff of Keras'
normalization (see `keras_gans.core.backend` and benchmarks/RESULTS.md).
Every batch normalization of the zoo's networks is this layer, so a preset's
weights load into it as into Keras'.
"""

import keras

from keras_gans.core import backend


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
        # Like Keras' layer: statistics in float32 at least (float16 overflows).
        inputs = keras.ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        channels = (inputs.shape[-1],)
        scale = keras.ops.cast(self.gamma, inputs.dtype) if self.scale \
            else keras.ops.ones(channels, inputs.dtype)
        offset = keras.ops.cast(self.beta, inputs.dtype) if self.center \
            else keras.ops.zeros(channels, inputs.dtype)
        outputs, mean, variance = backend.batch_normalization(inputs, scale, offset, self.epsilon)
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.assign(keras.ops.cast(moving, inputs.dtype) * self.momentum
                          + batch * (1.0 - self.momentum))
        return keras.ops.cast(outputs, self.compute_dtype)
