"""`kg.layers.Conv2D(..., upsampling=s)`: nearest-neighbour upsampling then
the convolution, computed at the inputs' resolution
(`keras_gans.layers.upsampled_conv`). The same outputs and gradients as
`UpSampling2D` followed by the convolution, on every backend; the zoo's
nearest-upsampling generators use it and their presets load into it."""

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.core import backend
from keras_gans.layers.upsampled_conv import phase_taps, upsampled_conv


def reference_model(layer_options, input_shape, factor):
    """UpSampling2D then keras-gans' plain Conv2D: what the layer replaces."""
    inputs = keras.Input(input_shape)
    x = keras.layers.UpSampling2D(factor, name="upsample")(inputs)
    outputs = kg.layers.Conv2D(**layer_options, padding="same", name="conv")(x)
    return keras.Model(inputs, outputs)


def upsampling_model(layer_options, input_shape, factor):
    inputs = keras.Input(input_shape)
    outputs = kg.layers.Conv2D(**layer_options, padding="same", upsampling=factor, name="conv")(inputs)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("factor", [2, 3])
def test_outputs_equal_upsampling_then_convolution(kernel_size, factor):
    rng = np.random.default_rng(kernel_size * 10 + factor)
    options = {"filters": 4, "kernel_size": kernel_size, "activation": "relu"}
    ours = upsampling_model(options, (5, 6, 3), factor)
    reference = reference_model(options, (5, 6, 3), factor)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in ours.get_weights()]
    ours.set_weights(weights)
    reference.set_weights(weights)
    x = rng.standard_normal((2, 5, 6, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x))
    assert expected.shape == (2, 5 * factor, 6 * factor, 4)
    assert np.abs(expected).max() > 0.1
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), expected, atol=1e-4)


@pytest.mark.parametrize("kernel_size", [3, 4])
def test_one_training_step_equals_upsampling_then_convolution(kernel_size):
    """Same kernel and bias after one SGD step: the gradients agree."""
    rng = np.random.default_rng(kernel_size)
    options = {"filters": 6, "kernel_size": kernel_size}
    models = [upsampling_model(options, (7, 7, 5), 2), reference_model(options, (7, 7, 5), 2)]
    weights = [rng.standard_normal(w.shape).astype("float32") for w in models[0].get_weights()]
    x = rng.standard_normal((4, 7, 7, 5)).astype("float32")
    y = rng.standard_normal((4, 14, 14, 6)).astype("float32")
    after = []
    for model in models:
        model.set_weights(weights)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        model.train_on_batch(x, y)
        after.append(model.get_weights())
    change = max(np.abs(a - w).max() for a, w in zip(after[1], weights))
    assert change > 1e-3
    for ours, reference in zip(*after):
        np.testing.assert_allclose(ours, reference, atol=1e-5 * max(1.0, change) + 1e-6)


def test_input_gradient_equals_upsampling_then_convolution():
    rng = np.random.default_rng(3)
    options = {"filters": 4, "kernel_size": 3}
    ours, reference = upsampling_model(options, (6, 6, 3), 2), reference_model(options, (6, 6, 3), 2)
    reference.set_weights(ours.get_weights())
    x = keras.ops.convert_to_tensor(rng.standard_normal((2, 6, 6, 3)).astype("float32"))
    cotangent = keras.ops.convert_to_tensor(rng.standard_normal((2, 12, 12, 4)).astype("float32"))
    grads = [
        keras.ops.convert_to_numpy(backend.input_gradient(lambda v, m=m: keras.ops.sum(m(v) * cotangent), x))
        for m in (ours, reference)
    ]
    assert np.abs(grads[1]).max() > 0.1
    np.testing.assert_allclose(grads[0], grads[1], atol=1e-4)


def test_phase_taps_sum_the_kernel_taps_that_meet_one_input_pixel():
    taps, starts = phase_taps(3, 2)
    np.testing.assert_array_equal(taps[0], [[1, 0, 0], [0, 1, 1]])  # y[2i] = K0 x[i-1] + (K1+K2) x[i]
    np.testing.assert_array_equal(taps[1], [[1, 1, 0], [0, 0, 1]])  # y[2i+1] = (K0+K1) x[i] + K2 x[i+1]
    assert starts == [-1, 0]
    for kernel_size in range(1, 6):
        for factor in (2, 3, 4):
            taps, _ = phase_taps(kernel_size, factor)
            # every original tap is used exactly once per phase
            np.testing.assert_array_equal(taps.sum(axis=1), np.ones((factor, kernel_size)))
            # k consecutive upsampled pixels repeat at most ceil((k - 1) / s) + 1 inputs
            assert taps.shape[1] == -(-(kernel_size - 1) // factor) + 1


def test_the_function_matches_the_layer():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 4, 3)).astype("float32")
    kernel = rng.standard_normal((3, 3, 3, 5)).astype("float32")
    upsampled = keras.ops.repeat(keras.ops.repeat(x, 2, axis=1), 2, axis=2)
    expected = keras.ops.convert_to_numpy(backend.conv(upsampled, kernel, padding="same"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(upsampled_conv(x, kernel, 2)), expected, atol=1e-4)


def test_config_round_trip_and_output_shape():
    layer = kg.layers.Conv2D(8, 3, padding="same", upsampling=2)
    assert layer.compute_output_shape((None, 7, None, 4)) == (None, 14, None, 8)
    clone = kg.layers.Conv2D.from_config(layer.get_config())
    assert clone.upsampling == 2
    assert kg.layers.Conv2D(8, 3).get_config()["upsampling"] == 1
    y = clone(keras.random.normal((2, 7, 7, 4)))
    assert tuple(y.shape) == (2, 14, 14, 8)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"upsampling": 0}, "integer >= 1; received 0"),
        ({"upsampling": 2.0}, "integer >= 1; received 2.0"),
        ({"upsampling": 2, "padding": "valid"}, "received {'padding': 'valid'}"),
        ({"upsampling": 2, "padding": "same", "strides": 2}, "received {'strides': (2, 2)}"),
        ({"upsampling": 2, "padding": "same", "dilation_rate": 2}, "received {'dilation_rate': (2, 2)}"),
    ],
)
def test_bad_arguments_are_refused_when_the_layer_is_made(options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("{", r"\{").replace("}", r"\}")):
        kg.layers.Conv2D(8, 3, **options)


def test_mixed_precision_computes_in_float16_close_to_float32():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 5, 5, 3)).astype("float32")
    full = kg.layers.Conv2D(4, 3, padding="same", upsampling=2)
    expected = keras.ops.convert_to_numpy(full(x))
    half = kg.layers.Conv2D(4, 3, padding="same", upsampling=2, dtype="mixed_float16")
    half.build(x.shape)
    half.set_weights(full.get_weights())
    y = half(x)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    np.testing.assert_allclose(keras.ops.convert_to_numpy(y).astype("float32"), expected, atol=2e-2)


def test_nearest_generators_use_it_and_the_preset_gives_the_same_images():
    """The DCGAN preset (trained with UpSampling2D then Conv2D) loads into
    the upsampling convolution and generates what the old layers give with
    its weights."""
    gan = kg.zoo.load("dcgan_fashion_mnist")
    generator = gan.generator
    assert all(not isinstance(layer, keras.layers.UpSampling2D) for layer in generator.layers)
    conv = generator.get_layer("block_1_conv")
    assert conv.upsampling == 2 and conv.kernel_size == (3, 3)
    # The same network with the layers the preset was trained with.
    inputs = keras.Input(generator.input_shape[1:])
    x = inputs
    for layer in generator.layers[1:]:
        if isinstance(layer, kg.layers.Conv2D) and layer.upsampling > 1:
            x = keras.layers.UpSampling2D(layer.upsampling)(x)
            config = {**layer.get_config(), "upsampling": 1, "name": layer.name + "_plain"}
            plain = kg.layers.Conv2D.from_config(config)
            x = plain(x)
            plain.set_weights(layer.get_weights())
        else:
            x = layer(x)
    old = keras.Model(inputs, x)
    z = np.random.default_rng(6).standard_normal((8, gan.latent_dim)).astype("float32")
    expected = keras.ops.convert_to_numpy(old(z, training=False))
    assert expected.std() > 0.1
    np.testing.assert_allclose(keras.ops.convert_to_numpy(generator(z, training=False)), expected, atol=1e-4)
