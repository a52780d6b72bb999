import dataclasses

import keras
import numpy as np
import pytest
from helpers import adam, assert_all_changed, random_images, values

import keras_gans as kg
from keras_gans import datasets, training


def test_semi_supervised_batches_are_balanced():
    ds, picked = datasets.semi_supervised(num_labeled=100, batch_size=32, limit=4000)
    _, labels = datasets.fashion_mnist.load_arrays("train")
    assert np.bincount(labels[picked], minlength=10).tolist() == [10] * 10
    batch = next(iter(ds.as_numpy_iterator()))
    assert batch["real"].shape == (32, 28, 28, 1) and batch["labeled"].shape == (32, 28, 28, 1)
    assert set(batch["labels"]) <= set(labels[picked])
    with pytest.raises(ValueError, match="multiple of the 10 classes"):
        datasets.semi_supervised(num_labeled=55, limit=4000)


@pytest.mark.large
def test_sgan_learns_a_classifier_from_100_labels():
    ds, _ = datasets.semi_supervised(num_labeled=100, batch_size=64, limit=8192, seed=0)
    gan = kg.models.SGAN(latent_dim=32, generator_filters=(64, 32, 16), discriminator_filters=(32, 64), seed=0)
    gan.compile(d_optimizer=adam(5e-4), g_optimizer=adam(5e-4))
    gan.fit(ds, epochs=1, verbose=0)
    images, labels = kg.metrics.real_images("test", limit=2000)
    accuracy = (gan.predict_classes(images) == labels).mean()
    print(f"SGAN test accuracy after 128 steps with 100 labels: {accuracy:.3f}")
    assert accuracy > 0.5  # chance is 0.1
    assert gan.classifier.output_shape == (None, 10)


def test_sgan_rejects_plain_batches():
    gan = kg.models.SGAN(latent_dim=8, generator_filters=(16, 8, 8), discriminator_filters=(8, 8))
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    with pytest.raises(ValueError, match="semi_supervised"):
        gan.fit(np.zeros((8, 28, 28, 1), "float32"), batch_size=4, verbose=0)


def test_weight_normalized_layers_learn_direction_and_length_apart(tmp_path):
    """w = g * v / ||v|| per output unit: rescaling v changes nothing, g sets
    each unit's length, both get gradients, and `scale` is saved."""
    images = np.random.default_rng(0).normal(size=(4, 8, 8, 3)).astype("float32")
    conv = kg.layers.WeightNormConv2D(5, 3, padding="same")
    dense = kg.layers.WeightNormDense(7)
    out = conv(images)
    logits = dense(keras.ops.reshape(out, (4, -1)))
    assert out.shape == (4, 8, 8, 5) and logits.shape == (4, 7)
    for layer in (conv, dense):
        kernel = keras.ops.convert_to_numpy(layer.normalized_kernel())
        axes = tuple(range(kernel.ndim - 1))
        np.testing.assert_allclose(np.sqrt((kernel ** 2).sum(axis=axes)), 1.0, rtol=1e-5)
        layer.scale.assign(np.arange(1, layer.scale.shape[0] + 1, dtype="float32"))
        kernel = keras.ops.convert_to_numpy(layer.normalized_kernel())
        np.testing.assert_allclose(np.sqrt((kernel ** 2).sum(axis=axes)), np.arange(1, kernel.shape[-1] + 1),
                                   rtol=1e-5)
    before = keras.ops.convert_to_numpy(conv(images))
    conv.kernel.assign(conv.kernel * 3.0)  # the direction alone matters
    np.testing.assert_allclose(keras.ops.convert_to_numpy(conv(images)), before, rtol=1e-4, atol=1e-5)

    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, kg.layers.WeightNormDense(2)(keras.layers.Flatten()(
        kg.layers.WeightNormConv2D(4, 3)(inputs))))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    start = values(model.trainable_variables)
    model.fit(images, np.ones((4, 2), "float32"), epochs=1, verbose=0)
    assert_all_changed(start, model.trainable_variables, "kernels, scales and biases")
    assert {v.path.split("/")[-1] for v in model.trainable_variables} == {"kernel", "scale", "bias"}
    path = str(tmp_path / "wn.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6)


def test_salimans_discriminator_architecture():
    """Nine weight-normalized convolutions, Gaussian noise on the input of
    each, global average pooling into the features, a weight-normalized
    head; noise and dropout act in training only."""
    gan = kg.models.SGAN(latent_dim=8, generator_filters=(16, 8, 8), discriminator_filters=(8, 16),
                         discriminator_architecture="salimans", dropout=0.5, seed=0)
    layers = gan.discriminator.layers
    convs = [layer for layer in layers if isinstance(layer, kg.layers.WeightNormConv2D)]
    noises = [layer for layer in layers if isinstance(layer, keras.layers.GaussianNoise)]
    assert len(convs) == len(noises) == 9
    assert [n.stddev for n in noises] == [0.3] + [0.5] * 8
    assert [c.filters for c in convs] == [8] * 3 + [16] * 6
    assert [c.kernel_size for c in convs][-2:] == [(1, 1), (1, 1)]
    assert isinstance(gan.discriminator.get_layer("features"), keras.layers.GlobalAveragePooling2D)
    assert isinstance(gan.discriminator.get_layer("class_logits"), kg.layers.WeightNormDense)
    assert gan.discriminator.get_layer("features").output.shape == (None, 16)
    images = random_images(8)
    logits = [gan.discriminator(images, training=False)[0] for _ in range(2)]
    np.testing.assert_array_equal(*[keras.ops.convert_to_numpy(x) for x in logits])
    noisy = [keras.ops.convert_to_numpy(gan.discriminator(images, training=True)[0]) for _ in range(2)]
    assert np.abs(noisy[0] - noisy[1]).max() > 1e-4
    clone = kg.models.SGAN.from_config(gan.get_config())
    assert clone.discriminator_architecture == "salimans" and clone.hidden_noise == 0.5
    assert len(clone.discriminator.weights) == len(gan.discriminator.weights)
    with pytest.raises(ValueError, match="discriminator_architecture"):
        kg.models.SGAN(discriminator_architecture="resnet")
    with pytest.raises(ValueError, match="spectral_normalization"):
        kg.models.SGAN(discriminator_architecture="salimans", spectral_normalization=True)


def test_linear_decay_recipe_reaches_zero_at_the_end_of_the_run():
    cls, recipe = kg.recipes.get("sgan_salimans")
    assert cls is kg.models.SGAN and recipe.learning_rate_decay == "linear"
    with pytest.raises(ValueError, match="for_run"):
        recipe.optimizers()
    d_optimizer, g_optimizer = recipe.for_run(1000).optimizers()
    for optimizer in (d_optimizer, g_optimizer):
        schedule = optimizer._learning_rate
        assert float(schedule(0)) == pytest.approx(recipe.learning_rate)
        assert float(schedule(500)) == pytest.approx(recipe.learning_rate / 2)
        assert float(schedule(1000)) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="learning_rate_decay"):
        kg.core.recipe.Recipe(learning_rate_decay="cosine")


@pytest.mark.large
def test_salimans_sgan_learns_a_classifier_from_100_labels():
    """The weight-normalized, noisy discriminator (narrower than the
    recipe's) learns a classifier from 100 labels, compiled by the
    `sgan_salimans` recipe, whose learning rates reach zero at the last step."""
    steps = 200
    ds, _ = datasets.semi_supervised(num_labeled=100, batch_size=64, limit=12800, seed=0)
    _, recipe = kg.recipes.get("sgan_salimans")
    gan = kg.models.SGAN(**{**recipe.model_args, "latent_dim": 32, "generator_filters": (64, 32, 16),
                            "discriminator_filters": (16, 32), "seed": 0})
    # The recipe's 3e-4 (Salimans et al.'s, for hundreds of epochs) reached
    # 0.33 in 200 such steps on TensorFlow; 2e-3 gives 0.61 (TF) and 0.58 (JAX).
    dataclasses.replace(recipe, learning_rate=2e-3).for_run(steps).compile(gan)
    gan.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0)
    assert int(gan.d_optimizer.iterations) == steps
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)
    images, labels = kg.metrics.real_images("test", limit=2000)
    accuracy = (gan.predict_classes(images) == labels).mean()
    print(f"salimans SGAN test accuracy after {steps} steps with 100 labels: {accuracy:.3f}")
    assert accuracy > 0.4  # chance is 0.1


@pytest.mark.large
def test_salimans_recipe_trains_from_the_command_and_keeps_its_length(tmp_path):
    """`keras-gans train sgan_salimans`: the schedule spans the run's steps
    (epochs x steps per epoch), so it ends at zero; a resume may not change
    that length."""
    out = str(tmp_path / "run")
    arguments = dict(epochs=1, steps_per_epoch=3, batch_size=20, limit=400, verbose=0)
    gan = training.train("sgan_salimans", out, **arguments)
    assert gan.discriminator_architecture == "salimans"
    assert int(gan.d_optimizer.iterations) == 3
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="epochs 1 -> 2"):
        training.train("sgan_salimans", out, resume=True, **{**arguments, "epochs": 2})
