"""The layers of a StyleGAN2 generator and discriminator (Karras et al., 2020).

- `EqualizedDense` / `EqualizedConv2D`: weights drawn from N(0, 1) and
  scaled by He's constant at run time (the equalized learning rate), so Adam
  updates every layer at the same relative speed.
- `ModulatedConv2D`: a convolution whose input channels are scaled by a
  per-sample style (an affine map of `w`) and whose output channels are then
  demodulated to unit expected variance. It is the "non-fused" form of the
  paper (scale the activations, convolve with the shared kernel, rescale),
  which is mathematically equal to modulating the weights and runs as one
  ordinary convolution on every backend.
- `NoiseInjection`: per-pixel Gaussian noise with a learned strength.
- `LearnedConstant`: the synthesis network's constant 4x4 input.
- `MinibatchStdDev` (in `keras_gans.layers.minibatch`, re-exported here): the
  feature that lets the discriminator see diversity.

All of them are backend-agnostic (`keras.ops`).
"""

import math

import keras
from keras import ops

from keras_gans.core import backend
from keras_gans.layers.minibatch import MinibatchStdDev  # noqa: F401 - part of the StyleGAN layer set

LEAKY_RELU_GAIN = math.sqrt(2.0)


def leaky_relu(x):
    """StyleGAN's activation: leaky ReLU (0.2) with gain sqrt(2), which
    keeps the variance of equalized layers at one."""
    return ops.leaky_relu(x, negative_slope=0.2) * LEAKY_RELU_GAIN


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(keras.layers.Layer):
    """A dense layer with an equalized learning rate.

    Args:
        units: output size.
        lr_multiplier: scales the effective learning rate (0.01 in the
            mapping network). Defaults to `1.0`.
        bias_initializer_value: the bias's initial value (1 for the style
            affine, so that styles start at one). Defaults to `0.0`.
        activation: `"leaky_relu"` (with gain sqrt(2)) or `None`. Defaults
            to `None`.

    Example:

    ```python
    layer = EqualizedDense(128, lr_multiplier=0.01, activation="leaky_relu")
    w = layer(keras.random.normal((4, 128)))
    ```
    """

    def __init__(self, units, lr_multiplier=1.0, bias_initializer_value=0.0, activation=None, **kwargs):
        super().__init__(**kwargs)
        if activation not in (None, "leaky_relu"):
            raise ValueError(f"`activation` must be None or 'leaky_relu'; received {activation!r}.")
        self.units = int(units)
        self.lr_multiplier = float(lr_multiplier)
        self.bias_initializer_value = float(bias_initializer_value)
        self.activation = activation

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.kernel = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units,),
            initializer=keras.initializers.Constant(self.bias_initializer_value / self.lr_multiplier),
            name="bias",
        )
        self.scale = self.lr_multiplier / math.sqrt(fan_in)

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel * self.scale) + self.bias * self.lr_multiplier
        return leaky_relu(outputs) if self.activation else outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            lr_multiplier=self.lr_multiplier,
            bias_initializer_value=self.bias_initializer_value,
            activation=self.activation,
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(keras.layers.Layer):
    """A 'same'-padded convolution with an equalized learning rate.

    Args:
        filters: output channels.
        kernel_size: square kernel size.
        use_bias: add a bias. Defaults to `True`.
        activation: `"leaky_relu"` (with gain sqrt(2)) or `None`.
            Defaults to `None`.

    Example:

    ```python
    layer = EqualizedConv2D(64, 3, activation="leaky_relu")
    y = layer(keras.random.normal((2, 16, 16, 32)))
    ```
    """

    def __init__(self, filters, kernel_size=3, use_bias=True, activation=None, **kwargs):
        super().__init__(**kwargs)
        if activation not in (None, "leaky_relu"):
            raise ValueError(f"`activation` must be None or 'leaky_relu'; received {activation!r}.")
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.use_bias = bool(use_bias)
        self.activation = activation

    def build(self, input_shape):
        channels = int(input_shape[-1])
        k = self.kernel_size
        self.kernel = self.add_weight(
            shape=(k, k, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = (
            self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
            if self.use_bias
            else None
        )
        self.scale = 1.0 / math.sqrt(k * k * channels)

    def call(self, inputs):
        outputs = backend.conv(inputs, self.kernel * self.scale, padding="same")
        if self.bias is not None:
            outputs = outputs + self.bias
        return leaky_relu(outputs) if self.activation else outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update(
            filters=self.filters,
            kernel_size=self.kernel_size,
            use_bias=self.use_bias,
            activation=self.activation,
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class NormalizeSecondMoment(keras.layers.Layer):
    """Scales each latent to unit mean square (the mapping network's input).

    Example:

    ```python
    z = NormalizeSecondMoment()(keras.random.normal((4, 128)))
    ```
    """

    def call(self, inputs):
        return inputs * ops.rsqrt(ops.mean(ops.square(inputs), axis=-1, keepdims=True) + 1e-8)

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's modulated (and demodulated) convolution.

    Called on `[features, w]`: the style `s = A(w)` (an `EqualizedDense`
    with bias 1) scales the input channels, the shared equalized kernel
    convolves, and with `demodulate=True` each output channel of each sample
    is divided by the norm of its effective kernel `s * weight`, which
    replaces AdaIN's instance normalization without its droplet artifacts.
    With `upsample=True` the features are first doubled in size (bilinear),
    then convolved.

    Args:
        filters: output channels.
        kernel_size: square kernel size (1 for the toRGB layers).
        demodulate: normalize the output channels. Defaults to `True`.
        upsample: double the spatial size first. Defaults to `False`.
        noise: add per-pixel noise with a learned strength
            (`NoiseInjection`) before the bias and activation. Defaults to
            `False`.
        activation: `"leaky_relu"` or `None`. Defaults to `"leaky_relu"`.
        epsilon: added under the demodulation's square root. Defaults to
            `1e-8`.
        seed: seed of the noise. Defaults to `None`.

    Example:

    ```python
    conv = ModulatedConv2D(64, 3, upsample=True)
    y = conv([keras.random.normal((2, 8, 8, 128)), keras.random.normal((2, 128))])
    # y.shape == (2, 16, 16, 64)
    ```
    """

    def __init__(
        self,
        filters,
        kernel_size=3,
        demodulate=True,
        upsample=False,
        noise=False,
        activation="leaky_relu",
        epsilon=1e-8,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if activation not in (None, "leaky_relu"):
            raise ValueError(f"`activation` must be None or 'leaky_relu'; received {activation!r}.")
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.demodulate = bool(demodulate)
        self.upsample = bool(upsample)
        self.noise = bool(noise)
        self.activation = activation
        self.epsilon = float(epsilon)
        self.seed = seed

    def build(self, input_shape):
        features_shape, w_shape = input_shape
        channels = int(features_shape[-1])
        k = self.kernel_size
        # Sublayers compute in this layer's dtype (float32 for an output
        # layer under mixed precision).
        self.affine = EqualizedDense(channels, bias_initializer_value=1.0, dtype=self.dtype_policy,
                                     name="affine")
        self.affine.build(w_shape)
        self.kernel = self.add_weight(
            shape=(k, k, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        self.scale = 1.0 / math.sqrt(k * k * channels)
        if self.upsample:
            self.upsampling = keras.layers.UpSampling2D(2, interpolation="bilinear", dtype=self.dtype_policy)
            self.upsampling.build(features_shape)
        if self.noise:
            self.noise_injection = NoiseInjection(seed=self.seed, dtype=self.dtype_policy, name="noise")
            self.noise_injection.build(self.compute_output_shape(input_shape))

    def call(self, inputs, training=False):
        features, w = inputs
        styles = self.affine(w)  # (batch, in_channels)
        kernel = self.kernel * self.scale
        if self.upsample:
            features = self.upsampling(features)
        outputs = backend.conv(features * styles[:, None, None, :], kernel, padding="same")
        if self.demodulate:
            # ||s * weight|| per output channel = sqrt(s^2 @ sum_kk(weight^2)).
            squared = ops.sum(ops.square(kernel), axis=(0, 1))  # (in, out)
            norms = ops.matmul(ops.square(styles), squared)
            outputs = outputs * ops.rsqrt(norms + self.epsilon)[:, None, None, :]
        if self.noise:
            outputs = self.noise_injection(outputs, training=training)
        outputs = outputs + self.bias
        return leaky_relu(outputs) if self.activation else outputs

    def compute_output_shape(self, input_shape):
        features_shape = input_shape[0]
        factor = 2 if self.upsample else 1
        spatial = [None if d is None else d * factor for d in features_shape[1:3]]
        return (features_shape[0], *spatial, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            filters=self.filters,
            kernel_size=self.kernel_size,
            demodulate=self.demodulate,
            upsample=self.upsample,
            noise=self.noise,
            activation=self.activation,
            epsilon=self.epsilon,
            seed=self.seed,
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInjection(keras.layers.Layer):
    """Adds per-pixel noise, one learned strength per layer (initially 0).

    While training the noise is fresh Gaussian noise every call; at
    inference it is a constant noise map drawn once at build time (and saved
    with the weights), so that the same latent always gives the same image
    (StyleGAN2's `noise_mode="const"`).

    Args:
        seed: seed of the training noise and of the constant map.

    Example:

    ```python
    noise = NoiseInjection(seed=0)
    y = noise(keras.random.normal((2, 8, 8, 64)), training=True)
    ```
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.strength = self.add_weight(shape=(), initializer="zeros", name="strength")
        self.constant_noise = self.add_weight(
            shape=(1,) + tuple(input_shape[1:3]) + (1,),
            initializer=keras.initializers.RandomNormal(stddev=1.0, seed=self.seed),
            trainable=False,
            name="constant_noise",
        )

    def call(self, inputs, training=False):
        if training:
            shape = ops.shape(inputs)
            noise = backend.standard_normal((shape[0], shape[1], shape[2], 1), self.seed_generator)
        else:
            noise = self.constant_noise
        return inputs + self.strength * noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class LearnedConstant(keras.layers.Layer):
    """The synthesis network's learned constant input, repeated per sample.

    Called on any batch (the per-layer styles), it returns
    `(batch, height, width, channels)`.

    Args:
        shape: `(height, width, channels)`.

    Example:

    ```python
    const = LearnedConstant((4, 4, 128))
    x = const(keras.random.normal((2, 8, 128)))  # (2, 4, 4, 128)
    ```
    """

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self.shape = tuple(int(d) for d in shape)

    def build(self, input_shape):
        self.constant = self.add_weight(
            shape=(1,) + self.shape, initializer=keras.initializers.RandomNormal(stddev=1.0), name="constant"
        )

    def call(self, inputs):
        return ops.repeat(self.constant, ops.shape(inputs)[0], axis=0)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.shape

    def get_config(self):
        config = super().get_config()
        config["shape"] = self.shape
        return config
