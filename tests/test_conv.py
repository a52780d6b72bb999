"""`keras_gans.layers.Conv2D` and `backend.conv`: the same outputs and
gradients as `keras.layers.Conv2D` (on JAX the kernel gradient is summed
over chunks of the batch), differentiable twice (gradient penalties)."""

import re

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.core import backend

# 32x32x64 inputs: 65,536 elements per sample, so a batch of 10 takes its
# kernel gradient in chunks of 4, 4 and 2 on JAX.
SHAPE, BATCH = (32, 32, 64), 10


def test_weight_gradient_chunks_split_large_batches_only():
    assert backend.weight_gradient_chunk(BATCH, int(np.prod(SHAPE))) == 4
    assert backend.weight_gradient_chunk(BATCH, int(np.prod(SHAPE)), (3, 3, 64, 16)) == 4
    assert backend.weight_gradient_chunk(128, 28 * 28 * 64) == 8  # at most 16 chunks
    assert backend.weight_gradient_chunk(64, 28 * 28 * 1) >= 64  # small maps: one chunk


@pytest.mark.parametrize("kernel_shape", [(3, 3, 64, 1), (3, 3, 64, 15), (4, 4, 64, 32), (9, 9, 64, 64)])
def test_few_filters_or_large_windows_take_the_whole_batch(kernel_shape):
    """Where chunks are slower (image layers, 4x4 and larger kernels)."""
    assert backend.weight_gradient_chunk(BATCH, int(np.prod(SHAPE)), kernel_shape) == BATCH


def assert_one_step_matches(models, x, rng, layer, loss, min_change):
    """Gives `models` (keras-gans' layer first, Keras' second) the same
    weights, then checks that their outputs match and that one SGD(1.0) step
    moves `layer`'s kernel by more than `min_change`, the same in both."""
    for model in models:
        model(x)  # builds
    models[1].set_weights(models[0].get_weights())
    outputs = [keras.ops.convert_to_numpy(model(x)) for model in models]
    np.testing.assert_allclose(outputs[0], outputs[1], atol=1e-5)
    y = rng.standard_normal(outputs[0].shape).astype("float32")
    before = models[0].get_layer(layer).get_weights()[0]
    for model in models:
        model.compile(optimizer=keras.optimizers.SGD(1.0), loss=loss)
        model.train_on_batch(x, y)
    kernels = [model.get_layer(layer).get_weights()[0] for model in models]
    change = np.abs(kernels[1] - before).max()
    assert change > min_change  # the step moved the kernel
    np.testing.assert_allclose(kernels[0], kernels[1], atol=1e-4 * max(1.0, change))


class Penalized(keras.Model):
    """Mean squared output plus a gradient penalty on the input, so that one
    SGD step's kernel change is the gradient of a gradient."""

    def __init__(self, conv_class, options):
        super().__init__()
        self.first = conv_class(16, 3, name="first", **options)
        self.second = conv_class(4, 3, padding="same", name="second")

    def call(self, x):
        return self.second(keras.activations.tanh(self.first(x)))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        slopes = backend.input_gradient(self, x)
        penalty = keras.ops.mean(keras.ops.sum(keras.ops.square(slopes), axis=(1, 2, 3)))
        error = y_pred - keras.ops.convert_to_tensor(y)
        return keras.ops.mean(keras.ops.square(error)) + 0.1 * penalty


@pytest.mark.parametrize("options", [
    {"padding": "same"},
    {"strides": 2, "padding": "valid"},
    {"dilation_rate": 2, "padding": "same"},
])
def test_conv2d_matches_keras_in_outputs_and_twice_differentiated_gradients(options):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH,) + SHAPE).astype("float32")
    models = [Penalized(conv_class, options) for conv_class in (kg.layers.Conv2D, keras.layers.Conv2D)]
    assert_one_step_matches(models, x, rng, layer="first", loss=None, min_change=1e-3)


@pytest.mark.parametrize("layer_class", [kg.layers.Conv2D, kg.layers.Conv2DTranspose])
def test_conv_layers_round_trip_through_their_config(layer_class):
    layer = layer_class(8, 3, strides=2, padding="same", name="conv")
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert isinstance(restored, layer_class)
    assert restored.get_config() == layer.get_config()


@pytest.mark.parametrize("options", [{"padding": "same"}, {"strides": 2, "padding": "valid"}])
def test_conv_kernel_gradient_differentiates_like_keras(options):
    """The gradient, with respect to the inputs, of a function of the kernel
    gradient (on JAX each of the convolution's three linear maps
    differentiates into the other two)."""
    rng = np.random.default_rng(1)
    x = keras.ops.convert_to_tensor(rng.standard_normal((BATCH,) + SHAPE).astype("float32"))
    # 16 filters: chunked on JAX (fewer would take the whole batch).
    kernel = keras.ops.convert_to_tensor(0.1 * rng.standard_normal((3, 3, SHAPE[-1], 16)).astype("float32"))

    def kernel_gradient_energy(conv_fn):
        def energy(inputs):
            slopes = backend.input_gradient(
                lambda k: keras.ops.square(conv_fn(inputs, k, **options)), kernel
            )
            return keras.ops.sum(keras.ops.square(slopes))

        return keras.ops.convert_to_numpy(backend.input_gradient(energy, x))

    ours, reference = kernel_gradient_energy(backend.conv), kernel_gradient_energy(keras.ops.conv)
    assert np.abs(reference).max() > 1e-3
    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-4 * np.abs(reference).max())


class Upsampler(keras.Model):
    """A transposed convolution and a tanh: one SGD step on a squared error
    moves its kernel by its kernel gradient."""

    def __init__(self, transpose_class, options):
        super().__init__()
        self.transposed = transpose_class(8, name="transposed", **options)

    def call(self, x):
        return keras.activations.tanh(self.transposed(x))


@pytest.mark.parametrize("options", [
    {"kernel_size": 3, "strides": 2, "padding": "same"},
    {"kernel_size": 4, "strides": 2, "padding": "same", "use_bias": False},
    {"kernel_size": 3, "strides": 2, "padding": "valid"},
    {"kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
    {"kernel_size": 5, "strides": 3, "padding": "same", "activation": "relu"},
])
def test_conv2d_transpose_matches_keras_in_outputs_and_gradients(options):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((BATCH, 7, 7, 16)).astype("float32")
    models = [Upsampler(cls, options) for cls in (kg.layers.Conv2DTranspose, keras.layers.Conv2DTranspose)]
    assert_one_step_matches(models, x, rng, layer="transposed", loss="mse", min_change=1e-4)


def test_transpose_upsampling_uses_the_backend_transposed_convolution():
    generator = kg.models.DCGAN(latent_dim=8, upsampling="transpose").generator
    assert isinstance(generator.get_layer("block_1_conv"), kg.layers.Conv2DTranspose)


@pytest.mark.parametrize("kernel_size, strides, padding, size", [
    (4, 2, "same", (9, 7)),
    (4, 2, "valid", (9, 7)),
    (4, 2, "same", (16, 16)),
    (6, 3, "same", (10, 11)),
    (2, 2, "valid", (8, 8)),
])
def test_strided_conv_with_kernel_a_multiple_of_its_strides_matches_keras(kernel_size, strides, padding, size):
    """On JAX such a convolution runs as a stride-1 convolution of the
    inputs' blocks (space to depth): the same outputs, gradients and
    gradient-penalty second derivative as Keras' op."""
    rng = np.random.default_rng(kernel_size * 10 + strides)
    x = keras.ops.convert_to_tensor(rng.standard_normal((3, *size, 5)).astype("float32"))
    kernel = keras.ops.convert_to_tensor(0.2 * rng.standard_normal((kernel_size, kernel_size, 5, 16)).astype("float32"))
    options = {"strides": strides, "padding": padding}
    outputs = [keras.ops.convert_to_numpy(conv_fn(x, kernel, **options)) for conv_fn in (backend.conv, keras.ops.conv)]
    assert outputs[0].shape == outputs[1].shape
    np.testing.assert_allclose(outputs[0], outputs[1], atol=1e-4)
    cotangent = keras.ops.convert_to_tensor(rng.standard_normal(outputs[1].shape).astype("float32"))

    def penalty_energy(conv_fn):
        def energy(k):
            slopes = backend.input_gradient(lambda v: keras.ops.sum(conv_fn(v, k, **options) * cotangent), x)
            return keras.ops.sum(keras.ops.square(slopes))

        return keras.ops.convert_to_numpy(backend.input_gradient(energy, kernel))

    for gradient_of in (
        lambda conv_fn: backend.input_gradient(lambda v: keras.ops.sum(conv_fn(v, kernel, **options) * cotangent), x),
        lambda conv_fn: backend.input_gradient(lambda k: keras.ops.sum(conv_fn(x, k, **options) * cotangent), kernel),
        penalty_energy,
    ):
        ours, reference = (keras.ops.convert_to_numpy(gradient_of(conv_fn)) for conv_fn in (backend.conv, keras.ops.conv))
        assert np.abs(reference).max() > 1e-3
        np.testing.assert_allclose(ours, reference, atol=1e-4 * np.abs(reference).max())


@pytest.mark.parametrize("kernel_size, padding, filters", [
    (1, "same", 16), (2, "same", 16), (3, "valid", 16), (4, "same", 16), (5, "same", 16),
    (3, "same", 2), (4, "valid", 2), (2, "same", 2), (1, "valid", 2),
])
def test_stride_one_conv_gradients_of_every_order_match_keras(kernel_size, padding, filters):
    """On JAX a stride-1 convolution's input and kernel gradients are
    written as convolutions in XLA's own layout (even kernels pad unevenly
    under "same"; with fewer filters than channels the kernel gradient
    correlates the other way round): the same values as Keras' op."""
    rng = np.random.default_rng(kernel_size)
    x = keras.ops.convert_to_tensor(rng.standard_normal((3, 9, 7, 5)).astype("float32"))
    kernel_shape = (kernel_size, kernel_size, 5, filters)
    kernel = keras.ops.convert_to_tensor(0.2 * rng.standard_normal(kernel_shape).astype("float32"))
    outputs = [keras.ops.convert_to_numpy(conv_fn(x, kernel, padding=padding)) for conv_fn in (backend.conv, keras.ops.conv)]
    np.testing.assert_allclose(outputs[0], outputs[1], atol=1e-4)
    cotangent = keras.ops.convert_to_tensor(rng.standard_normal(outputs[1].shape).astype("float32"))

    def penalty_energy(conv_fn):
        def energy(k):
            slopes = backend.input_gradient(lambda v: keras.ops.sum(conv_fn(v, k, padding=padding) * cotangent), x)
            return keras.ops.sum(keras.ops.square(slopes))

        return backend.input_gradient(energy, kernel)

    for gradient_of in (
        lambda conv_fn: backend.input_gradient(lambda v: keras.ops.sum(conv_fn(v, kernel, padding=padding) * cotangent), x),
        lambda conv_fn: backend.input_gradient(lambda k: keras.ops.sum(conv_fn(x, k, padding=padding) * cotangent), kernel),
        penalty_energy,
    ):
        ours, reference = (keras.ops.convert_to_numpy(gradient_of(conv_fn)) for conv_fn in (backend.conv, keras.ops.conv))
        assert np.abs(reference).max() > 1e-3
        np.testing.assert_allclose(ours, reference, atol=1e-4 * np.abs(reference).max())


def lazy_penalty_gradient(kernel, x, due):
    """The kernel gradient of a gradient penalty taken only when `due`
    (StyleGAN's lazy R1: `ops.cond` on the step counter)."""

    def energy(k):
        def penalty():
            slopes = backend.input_gradient(lambda v: keras.ops.square(backend.conv(v, k, padding="same")), x)
            return keras.ops.sum(keras.ops.square(slopes))

        # Not due: zero, still a function of the kernel (torch differentiates
        # only what depends on it).
        return keras.ops.cond(due, penalty, lambda: 0.0 * keras.ops.sum(k))

    return backend.input_gradient(energy, kernel)


def test_gradient_penalty_inside_a_cond_matches_the_one_outside():
    """On JAX, a convolution's gradients inside a `cond` branch are
    convolutions XLA's CPU compiler runs as such: it puts only those of the
    program's top level into its fast kernels' layout, so XLA's own
    derivatives there (a kernel gradient that takes the batch as its
    channels) ran 20 to 70x slower, and a StyleGAN step with R1 took 2.9 s
    instead of 0.24."""
    rng = np.random.default_rng(3)
    x = keras.ops.convert_to_tensor(rng.standard_normal((4, 8, 8, 16)).astype("float32"))
    kernel = keras.ops.convert_to_tensor(0.2 * rng.standard_normal((3, 3, 16, 16)).astype("float32"))
    due = keras.ops.convert_to_tensor(True)
    inside = keras.ops.convert_to_numpy(lazy_penalty_gradient(kernel, x, due))

    def energy(k):
        slopes = backend.input_gradient(lambda v: keras.ops.square(keras.ops.conv(v, k, padding="same")), x)
        return keras.ops.sum(keras.ops.square(slopes))

    outside = keras.ops.convert_to_numpy(backend.input_gradient(energy, kernel))
    assert np.abs(outside).max() > 1e-3
    np.testing.assert_allclose(inside, outside, atol=1e-4 * np.abs(outside).max())
    not_due = lazy_penalty_gradient(kernel, x, keras.ops.convert_to_tensor(False))
    assert not np.any(keras.ops.convert_to_numpy(not_due))
    if backend.BACKEND == "jax":
        import jax

        compiled = jax.jit(lazy_penalty_gradient).lower(kernel, x, due).compile().as_text()
        layouts = re.findall(r"convolution\(.*dim_labels=(\S+?),", compiled)
        assert layouts and set(layouts) == {"b01f_01io->b01f"}, layouts
