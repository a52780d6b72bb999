"""Spectral normalization (Miyato et al., 2018) as a reparameterization.

`keras.layers.SpectralNormalization` writes the normalized kernel back into
the trainable kernel during training and uses the raw kernel at inference.
Under the JAX trainer that write-back never reaches the stored weights, so
inference would run with un-normalized kernels. These layers instead divide
the kernel by its largest singular value in *every* call (training or not),
so the gradient flows through the normalization on both backends; only the
power-iteration vector `u` is state, updated in training.
"""

import keras
from keras import layers, ops

from keras_gans.layers.conv import Conv2D
from keras_gans.layers.reparameterized import ReparameterizedKernel


def _l2_normalize(x, epsilon=1e-12):
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x)), epsilon))


class _SpectralMixin(ReparameterizedKernel):
    """Shared by the spectral layers: `power_iterations`, the state `u` and
    `normalized_kernel`."""

    def __init__(self, *args, power_iterations=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.power_iterations = int(power_iterations)

    def build(self, input_shape):
        super().build(input_shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel.shape[-1]),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            name="vector_u",
        )

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}

    def normalized_kernel(self, training=False):
        """The kernel divided by its spectral norm (one power iteration)."""
        weights = ops.reshape(self.kernel, (-1, self.kernel.shape[-1]))
        u = self.vector_u
        for _ in range(self.power_iterations):
            v = _l2_normalize(ops.matmul(u, ops.transpose(weights)))
            u = _l2_normalize(ops.matmul(v, weights))
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        if training:
            self.vector_u.assign(u)
        sigma = ops.sum(ops.matmul(v, weights) * u)
        return self.kernel / sigma


@keras.saving.register_keras_serializable(package="keras_gans")
class SpectralConv2D(_SpectralMixin, Conv2D):
    """`Conv2D` whose kernel is spectrally normalized in every call.

    Args:
        power_iterations: power-iteration steps per call.
        **kwargs: `keras.layers.Conv2D` arguments.

    Example:

    ```python
    x = SpectralConv2D(64, 3, strides=2, padding="same")(images)
    ```
    """

    def call(self, inputs, training=False):
        return self.bias_and_activation(self.convolution_op(inputs, self.normalized_kernel(training)))


@keras.saving.register_keras_serializable(package="keras_gans")
class SpectralDense(_SpectralMixin, layers.Dense):
    """`Dense` whose kernel is spectrally normalized in every call.

    Args:
        power_iterations: power-iteration steps per call.
        **kwargs: `keras.layers.Dense` arguments.

    Example:

    ```python
    logits = SpectralDense(1)(features)
    ```
    """

    def call(self, inputs, training=False):
        return self.bias_and_activation(ops.matmul(inputs, self.normalized_kernel(training)))
