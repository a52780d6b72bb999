"""`keras_gans.layers.BatchNormalization` and `GroupNormalization`
(`backend.batch_normalization`, `instance_normalization`): the same
outputs, gradients of every order and moving statistics as Keras' layers
(on JAX on the CPU the sums are matrix products and the gradients are
written out)."""

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.core import backend

OPTIONS = [
    {},
    {"momentum": 0.9, "epsilon": 1e-5},
    {"scale": False},
    {"center": False},
]


BATCH_NORMALIZATIONS = (kg.layers.BatchNormalization, keras.layers.BatchNormalization)
GROUP_NORMALIZATIONS = (kg.layers.GroupNormalization, keras.layers.GroupNormalization)


def paired_layers(options, shape, classes=BATCH_NORMALIZATIONS):
    """keras-gans' layer and Keras', built, with the same random weights."""
    rng = np.random.default_rng(0)
    layers = [layer_class(**options) for layer_class in classes]
    for layer in layers:
        layer.build(shape)
    weights = [rng.uniform(0.5, 1.5, w.shape).astype("float32") for w in layers[1].get_weights()]
    for layer in layers:
        layer.set_weights(weights)
    return layers


def energy(layer, x, cotangent):
    """A scalar whose gradients reach every part of the normalization."""
    return keras.ops.sum(keras.ops.square(layer(x, training=True)) * cotangent)


def assert_same_input_gradient(ours, reference, x, cotangent):
    gradients = [
        keras.ops.convert_to_numpy(backend.input_gradient(lambda v, l=layer: energy(l, v, cotangent), x))
        for layer in (ours, reference)
    ]
    scale = np.abs(gradients[1]).max()
    assert scale > 1e-2
    np.testing.assert_allclose(gradients[0], gradients[1], atol=1e-4 * scale)


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shape", [(16, 6, 6, 8), (32, 12)])
def test_matches_keras_in_outputs_moving_statistics_and_gradients(options, shape):
    rng = np.random.default_rng(1)
    x = keras.ops.convert_to_tensor((3.0 + 2.0 * rng.standard_normal(shape)).astype("float32"))
    cotangent = keras.ops.convert_to_tensor(rng.standard_normal(shape).astype("float32"))
    ours, reference = paired_layers(options, shape)

    outputs = [keras.ops.convert_to_numpy(layer(x, training=True)) for layer in (ours, reference)]
    np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-5, atol=1e-5)
    assert abs(outputs[0].mean()) < 2.0  # normalized, not the inputs' mean of 3
    for name in ("moving_mean", "moving_variance"):
        moved = [keras.ops.convert_to_numpy(getattr(layer, name)) for layer in (ours, reference)]
        np.testing.assert_allclose(moved[0], moved[1], rtol=1e-5)

    assert_same_input_gradient(ours, reference, x, cotangent)


@pytest.mark.parametrize("classes, options", [
    (BATCH_NORMALIZATIONS, OPTIONS[0]),
    (BATCH_NORMALIZATIONS, OPTIONS[1]),
    (GROUP_NORMALIZATIONS, {"groups": -1}),
])
def test_parameters_take_the_same_sgd_step_as_keras(classes, options):
    """One SGD step through a convolution and the normalization moves its
    scale and offset, and the kernel before it, as Keras' layer does."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((16, 8, 8, 3)).astype("float32")
    y = rng.standard_normal((16, 8, 8, 4)).astype("float32")
    models = []
    for layer_class in classes:
        models.append(keras.Sequential([
            keras.Input((8, 8, 3)), kg.layers.Conv2D(4, 3, padding="same", name="conv"),
            layer_class(name="norm", **options), keras.layers.Activation("tanh"),
        ]))
    models[1].set_weights(models[0].get_weights())
    before = models[0].get_layer("norm").get_weights()
    for model in models:
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
        model.train_on_batch(x, y)
    after = [model.get_weights() for model in models]
    assert np.abs(after[0][2] - before[0]).max() > 1e-3  # the scale moved
    for ours, reference in zip(*after):
        np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("classes, options", [
    (BATCH_NORMALIZATIONS, {}),
    (GROUP_NORMALIZATIONS, {"groups": -1, "epsilon": 1e-5}),
])
def test_second_derivative_matches_keras(classes, options):
    """A gradient penalty differentiates the input gradient again."""
    rng = np.random.default_rng(3)
    x = keras.ops.convert_to_tensor(rng.standard_normal((16, 5, 5, 6)).astype("float32"))
    cotangent = keras.ops.convert_to_tensor(rng.standard_normal((16, 5, 5, 6)).astype("float32"))

    def penalty_gradient(layer):
        def penalty(inputs):
            slopes = backend.input_gradient(lambda v: energy(layer, v, cotangent), inputs)
            return keras.ops.sum(keras.ops.square(slopes))

        return keras.ops.convert_to_numpy(backend.input_gradient(penalty, x))

    ours, reference = (penalty_gradient(layer) for layer in paired_layers(options, (16, 5, 5, 6), classes))
    scale = np.abs(reference).max()
    assert scale > 1e-2
    np.testing.assert_allclose(ours, reference, atol=1e-4 * scale)


def test_inference_uses_the_moving_statistics_like_keras():
    x = np.random.default_rng(4).standard_normal((4, 3, 3, 5)).astype("float32")
    ours, reference = paired_layers({}, (4, 3, 3, 5))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x, training=False)),
                               keras.ops.convert_to_numpy(reference(x, training=False)), rtol=1e-6)


def test_mixed_precision_keeps_float32_statistics_and_float16_outputs():
    x = (3.0 + np.random.default_rng(5).standard_normal((8, 4, 4, 6))).astype("float16")
    layers = [cls(dtype="mixed_float16") for cls in (kg.layers.BatchNormalization,
                                                    keras.layers.BatchNormalization)]
    outputs = [layer(x, training=True) for layer in layers]
    assert keras.backend.standardize_dtype(outputs[0].dtype) == "float16"
    assert keras.backend.standardize_dtype(layers[0].moving_mean.dtype) == "float32"
    np.testing.assert_allclose(*(keras.ops.convert_to_numpy(o).astype("float32") for o in outputs),
                               atol=2e-3)


def test_round_trips_through_its_config_and_builds_the_zoo_networks():
    layer = kg.layers.BatchNormalization(momentum=0.8, name="bn")
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert isinstance(restored, kg.layers.BatchNormalization)
    assert restored.get_config() == layer.get_config()
    dcgan = kg.models.DCGAN(latent_dim=8)
    assert isinstance(dcgan.generator.get_layer("block_1_bn"), kg.layers.BatchNormalization)


def test_backend_statistics_are_differentiable_like_keras_ops():
    """`backend.batch_normalization`'s mean and variance outputs carry
    gradients too, like `keras.ops.moments`'."""
    rng = np.random.default_rng(6)
    x = keras.ops.convert_to_tensor(rng.standard_normal((12, 4, 4, 5)).astype("float32"))
    scale, offset = (keras.ops.convert_to_tensor(rng.uniform(0.5, 1.5, 5).astype("float32"))
                     for _ in range(2))
    weights = [keras.ops.convert_to_tensor(rng.standard_normal(shape).astype("float32"))
               for shape in ((12, 4, 4, 5), (5,), (5,))]

    def reference(inputs):
        mean, variance = keras.ops.moments(inputs, [0, 1, 2])
        outputs = keras.ops.batch_normalization(inputs, mean, variance, axis=-1, offset=offset,
                                                scale=scale, epsilon=1e-3)
        return outputs, mean, variance

    def gradient(normalization):
        def weighted(inputs):
            return sum(keras.ops.sum(value * weight)
                       for value, weight in zip(normalization(inputs), weights))

        return keras.ops.convert_to_numpy(backend.input_gradient(weighted, x))

    ours = gradient(lambda inputs: backend.batch_normalization(inputs, scale, offset, 1e-3))
    expected = gradient(reference)
    np.testing.assert_allclose(ours, expected, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("options", [
    {"groups": -1, "epsilon": 1e-5},
    {"groups": -1, "scale": False},
    {"groups": -1, "center": False},
    {"groups": 2},  # not an instance normalization: Keras' own path
])
@pytest.mark.parametrize("shape", [(6, 7, 7, 4), (6, 9, 4)])
def test_instance_normalization_matches_keras_in_outputs_and_gradients(options, shape):
    rng = np.random.default_rng(7)
    x = keras.ops.convert_to_tensor((2.0 + 3.0 * rng.standard_normal(shape)).astype("float32"))
    cotangent = keras.ops.convert_to_tensor(rng.standard_normal(shape).astype("float32"))
    ours, reference = paired_layers(options, shape, GROUP_NORMALIZATIONS)
    outputs = [keras.ops.convert_to_numpy(layer(x)) for layer in (ours, reference)]
    np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-5, atol=1e-5)
    assert_same_input_gradient(ours, reference, x, cotangent)


def test_zoo_translation_networks_use_the_instance_normalization():
    cyclegan = kg.models.CycleGAN(image_shape=(16, 16, 1))
    norms = [layer for layer in cyclegan.generator.layers if "norm" in layer.name]
    assert norms and all(isinstance(layer, kg.layers.GroupNormalization) for layer in norms)
    restored = keras.layers.deserialize(keras.layers.serialize(norms[0]))
    assert isinstance(restored, kg.layers.GroupNormalization)
    assert restored.get_config() == norms[0].get_config()
