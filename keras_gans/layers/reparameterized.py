"""What the reparameterized `Conv2D`/`Dense` layers share: the kernel they
store is not the kernel they apply (spectral and weight normalization
compute it from the stored one in every call), so they apply their own
bias and activation and save every variable they own."""

import keras
from keras import ops


class ReparameterizedKernel:
    """Mixin for a `Conv2D` or `Dense` subclass whose `call` applies a kernel
    computed from `self.kernel` and extra variables of its own.

    - `save_own_variables` / `load_own_variables` use `keras.layers.Layer`'s
      generic format: `Conv2D` and `Dense` write only kernel and bias (their
      quantization layouts), which would drop the extra variables.
    - `bias_and_activation(outputs)` finishes the call as the base layer
      would (channels-last).
    """

    def save_own_variables(self, store):
        keras.layers.Layer.save_own_variables(self, store)

    def load_own_variables(self, store):
        keras.layers.Layer.load_own_variables(self, store)

    def bias_and_activation(self, outputs):
        """The layer's own bias and activation (channels-last)."""
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs) if self.activation is not None else outputs
