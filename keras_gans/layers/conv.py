"""`Conv2D` and `Conv2DTranspose` with the backend's convolutions
(`keras_gans.core.backend.conv`, `conv_transpose`), and `Conv2D`'s
`upsampling`: nearest-neighbour upsampling before the convolution, computed
at the inputs' resolution (`keras_gans.layers.upsampled_conv`).

The same layers as Keras', with the same arguments, weights and outputs; on
JAX their gradients are written out: the kernel gradient of wide 3x3
kernels summed over chunks of the batch (`backend.weight_gradient_chunk`),
a gradient penalty's second derivative on the same kernels, and a
transposed convolution's kernel gradient as that of the convolution it
transposes, 10x faster than XLA's own (see `keras_gans.core.backend` and
benchmarks/RESULTS.md). Every convolution of the zoo's networks is one of
these (or a subclass), so a preset's weights load into it as into Keras'
layer.
"""

import keras

from keras_gans.core import backend
from keras_gans.layers.upsampled_conv import upsampled_conv


@keras.saving.register_keras_serializable(package="keras_gans")
class Conv2D(keras.layers.Conv2D):
    """`keras.layers.Conv2D` whose convolution is `backend.conv`.

    With `upsampling=s`, the layer is `keras.layers.UpSampling2D(s)`
    (nearest) followed by the convolution, with the same kernel and
    outputs, but computed at the inputs' resolution: each of the `s * s`
    output phases is a smaller convolution of the inputs whose taps are sums
    of the kernel's (`keras_gans.layers.upsampled_conv`). For a 3x3 kernel
    and `s = 2` that is 16 multiply-adds per input pixel and channel pair
    instead of 36, and no upsampled copy of the inputs.

    Args:
        upsampling: nearest-neighbour upsampling factor of the inputs, `1`
            (none, the default) or more; more needs `padding="same"`,
            `strides=1`, `dilation_rate=1`, `groups=1` and channels-last
            data.
        **kwargs: `keras.layers.Conv2D` arguments.

    Example:

    ```python
    x = Conv2D(64, 3, padding="same")(images)
    # (batch, 7, 7, 128) -> (batch, 14, 14, 64): UpSampling2D(2), then the convolution
    y = Conv2D(64, 3, padding="same", upsampling=2)(keras.random.normal((2, 7, 7, 128)))
    ```
    """

    def __init__(self, *args, upsampling=1, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(upsampling, int) or isinstance(upsampling, bool) or upsampling < 1:
            raise ValueError(f"`upsampling` must be an integer >= 1; received {upsampling!r}.")
        self.upsampling = upsampling
        options = {"padding": self.padding, "strides": self.strides, "dilation_rate": self.dilation_rate,
                   "groups": self.groups, "data_format": self.data_format}
        needed = {"padding": "same", "strides": (1, 1), "dilation_rate": (1, 1), "groups": 1,
                  "data_format": "channels_last"}
        if upsampling > 1 and options != needed:
            received = {key: value for key, value in options.items() if value != needed[key]}
            raise ValueError(
                f"`upsampling={upsampling}` needs {needed}; received {received}."
            )

    def convolution_op(self, inputs, kernel):
        if self.upsampling > 1:
            return upsampled_conv(inputs, kernel, self.upsampling)
        return backend.conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        if self.upsampling == 1:
            return super().compute_output_shape(input_shape)
        batch, height, width, channels = input_shape
        scale = lambda size: None if size is None else size * self.upsampling  # noqa: E731
        return super().compute_output_shape((batch, scale(height), scale(width), channels))

    def get_config(self):
        return {**super().get_config(), "upsampling": self.upsampling}


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
