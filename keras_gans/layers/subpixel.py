"""Sub-pixel upsampling (Shi et al., 2016): a convolution to `scale**2`
times the channels, then `keras.ops.depth_to_space`.

Free of the checkerboard artifacts of strided transposed convolutions, and
on CPU much faster to train under XLA (JAX), whose transposed-convolution
weight gradient is slow (benchmarks/RESULTS.md, "Upsampling layers").
"""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_gans")
class SubPixelUpsampling(layers.Layer):
    """Rearranges `scale**2 * C` channels into a `scale`x larger image with
    `C` channels (`keras.ops.depth_to_space`, Shi et al., 2016).

    Args:
        scale: the upsampling factor. Defaults to `2`.

    Example:

    ```python
    x = keras.layers.Conv2D(4 * 64, 3, padding="same")(x)
    x = SubPixelUpsampling(2)(x)   # (h, w, 256) -> (2h, 2w, 64)
    ```
    """

    def __init__(self, scale=2, **kwargs):
        super().__init__(**kwargs)
        self.scale = int(scale)

    def call(self, x):
        return ops.depth_to_space(x, self.scale, data_format="channels_last")

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        s = self.scale
        return (n, None if h is None else h * s, None if w is None else w * s, c // (s * s))

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
