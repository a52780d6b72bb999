"""Weight normalization (Salimans & Kingma, 2016) as a reparameterization.

Each output unit's weight vector is `w = g * v / ||v||`: its direction `v`
and its length `g` are learned separately, which speeds up and steadies
training without coupling the samples of a batch (as BatchNorm would: the
semi-supervised GAN of Salimans et al. 2016 weight-normalizes its
discriminator for that reason). `keras.layers` has no weight
normalization; these layers compute `w` in every call, so the gradient
flows through the normalization on every backend and the saved kernel
is `v`.
"""

import keras
from keras import layers, ops

from keras_gans.layers.conv import Conv2D
from keras_gans.layers.reparameterized import ReparameterizedKernel


class _WeightNormMixin(ReparameterizedKernel):
    """Shared by the weight-normalized layers: the per-unit scale `g` and
    `normalized_kernel`."""

    def __init__(self, *args, scale_initializer="ones", **kwargs):
        super().__init__(*args, **kwargs)
        self.scale_initializer = keras.initializers.get(scale_initializer)

    def build(self, input_shape):
        super().build(input_shape)
        self.scale = self.add_weight(
            shape=(self.kernel.shape[-1],), initializer=self.scale_initializer, trainable=True,
            name="scale",
        )

    def get_config(self):
        return {
            **super().get_config(),
            "scale_initializer": keras.initializers.serialize(self.scale_initializer),
        }

    def normalized_kernel(self):
        """`scale * kernel / ||kernel||`, the norm taken per output unit."""
        axes = tuple(range(len(self.kernel.shape) - 1))
        norm = ops.sqrt(ops.maximum(ops.sum(ops.square(self.kernel), axis=axes), 1e-12))
        return self.kernel * (self.scale / norm)


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightNormConv2D(_WeightNormMixin, Conv2D):
    """`Conv2D` with a weight-normalized kernel: each filter is `g * v / ||v||`.

    Args:
        scale_initializer: initializer of `g` (`"ones"`: each filter starts
            with unit norm).
        **kwargs: `keras.layers.Conv2D` arguments.

    Example:

    ```python
    x = WeightNormConv2D(96, 3, padding="same")(images)
    ```
    """

    def call(self, inputs):
        return self.bias_and_activation(self.convolution_op(inputs, self.normalized_kernel()))


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightNormDense(_WeightNormMixin, layers.Dense):
    """`Dense` with a weight-normalized kernel: each unit is `g * v / ||v||`.

    Args:
        scale_initializer: initializer of `g` (`"ones"`: each unit starts
            with unit norm).
        **kwargs: `keras.layers.Dense` arguments.

    Example:

    ```python
    logits = WeightNormDense(10)(features)
    ```
    """

    def call(self, inputs):
        return self.bias_and_activation(ops.matmul(inputs, self.normalized_kernel()))
