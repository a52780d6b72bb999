"""`Conv2D` with the backend's convolution (`keras_gans.core.backend.conv`).

The same layer as `keras.layers.Conv2D`, with the same arguments, weights
and outputs; on JAX its kernel gradient is summed over chunks of the batch,
which XLA computes several times faster on CPU than over the whole batch
(see `keras_gans.core.backend.conv` and benchmarks/RESULTS.md). Every
convolution of the zoo's networks is one of these (or a subclass), so a
preset's weights load into it as into `keras.layers.Conv2D`.
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
