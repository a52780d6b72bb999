"""`Conv2D` and `Conv2DTranspose` with the backend's convolutions
(`keras_gans.core.backend.conv`, `conv_transpose`).

The same layers as Keras', with the same arguments, weights and outputs; on
JAX their gradients are written out: the kernel gradient summed over chunks
of the batch, which XLA computes faster on CPU than over the whole batch,
a gradient penalty's second derivative on the same kernels, and a
transposed convolution's kernel gradient as that of the convolution it
transposes, 10x faster than XLA's own (see `keras_gans.core.backend` and
benchmarks/RESULTS.md). Every convolution of the zoo's networks is one of
these (or a subclass), so a preset's weights load into it as into Keras'
layer.
"""

import keras

from keras_gans.core import backend


@keras.saving.register_keras_serializable(package="keras_gans")
class Conv2D(keras.layers.Conv2D):
    """`keras.layers.Conv2D` whose convolution is `backend.conv`.

    Args:
        **kwargs: `keras.layers.Conv2D` arguments.

    Example:

    ```python
    x = Conv2D(64, 3, padding="same")(images)
    ```
    """

    def convolution_op(self, inputs, kernel):
        return backend.conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )


@keras.saving.register_keras_serializable(package="keras_gans")
class Conv2DTranspose(keras.layers.Conv2DTranspose):
    """`keras.layers.Conv2DTranspose` whose convolution is
    `backend.conv_transpose`.

    Args:
        **kwargs: `keras.layers.Conv2DTranspose` arguments.

    Example:

    ```python
    x = Conv2DTranspose(64, 3, strides=2, padding="same")(features)
    ```
    """

    def call(self, inputs):
        outputs = backend.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        if self.use_bias:
            bias_shape = (1, 1, 1, self.filters) if self.data_format == "channels_last" \
                else (1, self.filters, 1, 1)
            outputs = outputs + keras.ops.reshape(self.bias, bias_shape)
        return outputs if self.activation is None else self.activation(outputs)
