"""Pix2Pix, SRGAN and CycleGAN: they learn, round-trip with every optimizer,
keep their state (the image pools, the extra loss terms) through compiled
steps on both backends, and refuse bad input before training."""

import keras
import numpy as np
import pytest
from helpers import adam
from keras import ops

import keras_gans as kg
from keras_gans import datasets, metrics, training
from keras_gans.datasets import translation
from keras_gans.layers import ImagePool
from keras_gans.models.srgan import bicubic_upsample


def small_pix2pix(**kwargs):
    return kg.models.Pix2Pix(generator_filters=(8, 16, 32), discriminator_filters=(8, 16, 32), seed=0, **kwargs)


def small_srgan(**kwargs):
    return kg.models.SRGAN(generator_filters=16, num_residual=2, discriminator_filters=(8, 16, 32), seed=0,
                           **kwargs)


def small_cyclegan(**kwargs):
    kwargs.setdefault("pool_size", 8)
    return kg.models.CycleGAN(generator_filters=(8, 16, 32), num_residual=1, discriminator_filters=(8, 16, 32),
                              seed=0, **kwargs)


def compiled(model, loss="non_saturating", lr=2e-4):
    model.compile(d_optimizer=adam(lr), g_optimizer=adam(lr), loss=loss)
    return model


def state(variables):
    return [np.array(ops.convert_to_numpy(v)) for v in variables]


@pytest.fixture(scope="module")
def edge_pairs():
    return translation.edges_pairs("train", limit=2048), translation.edges_pairs("test", limit=256)


@pytest.fixture(scope="module")
def lowres_pairs():
    return translation.lowres_pairs("train", factor=4, limit=2048), translation.lowres_pairs("test", limit=256)


def unpaired_inversion(n=1024, seed=0):
    """Two unpaired domains: images, and *other* images inverted."""
    images, _ = translation.fashion_images("train", limit=2 * n)
    order = np.random.default_rng(seed).permutation(len(images))
    return images[order[:n]], -images[order[n:]]


# ---------------------------------------------------------------- trained fixtures
# Each model trains once per module; the learning, state and saving tests
# share it (compiling is most of the cost on JAX).


class Run:
    def __init__(self, model, data, probe, untrained, history, before):
        self.model, self.data, self.probe = model, data, probe
        self.untrained, self.history, self.before = untrained, history, before


def network_state(model):
    return {net.name: state(net.trainable_variables)
            for net in model.generator_networks() + model.discriminator_networks()}


@pytest.fixture(scope="module")
def pix2pix_run(edge_pairs):
    (train_x, train_y), (test_x, test_y) = edge_pairs
    model = compiled(small_pix2pix(), lr=1e-3)
    untrained = metrics.mean_absolute_error(model.translate(test_x), test_y)
    before = network_state(model)
    data = datasets.paired(train_x, train_y, batch_size=32, seed=0)
    history = model.fit(data, epochs=2, verbose=0)
    return Run(model, data, test_x[:4], untrained, history.history, before)


@pytest.fixture(scope="module")
def srresnet_run(lowres_pairs):
    (train_x, train_y), (test_x, test_y) = lowres_pairs
    model = compiled(small_srgan(adversarial_weight=0.0), lr=2e-3)
    data = datasets.paired(train_x, train_y, batch_size=32, seed=0)
    history = model.fit(data, epochs=3, verbose=0)
    return Run(model, data, test_x[:4], None, history.history, None)


@pytest.fixture(scope="module")
def cyclegan_run(tmp_path_factory):
    a, b = unpaired_inversion()
    model = compiled(small_cyclegan(identity_weight=0.0), loss="least_squares", lr=1e-3)
    before = network_state(model)
    data = datasets.unpaired(a, b, batch_size=16, seed=0)
    backup = str(tmp_path_factory.mktemp("backup"))
    history = model.fit(data, epochs=2, verbose=0,
                        callbacks=[keras.callbacks.BackupAndRestore(backup, delete_checkpoint=False)])
    run = Run(model, data, a[:4], None, history.history, before)
    run.backup = backup
    return run


def white_background_share(images):
    """Share of images whose border is bright: inverted Fashion-MNIST."""
    border = np.concatenate([images[:, :2].reshape(len(images), -1), images[:, -2:].reshape(len(images), -1)], 1)
    return float((border.mean(axis=1) > 0.5).mean())


# ---------------------------------------------------------------- learning


@pytest.mark.large
def test_pix2pix_learns_edges_to_images(pix2pix_run, edge_pairs):
    _, (test_x, test_y) = edge_pairs
    trained = metrics.mean_absolute_error(pix2pix_run.model.translate(test_x), test_y)
    print(f"Pix2Pix test L1: untrained {pix2pix_run.untrained:.3f}, trained {trained:.3f}")
    assert {"d_loss", "g_loss", "adversarial_loss", "l1_loss"} <= set(pix2pix_run.history)
    # Measured 0.236 / 0.810 (TF) and 0.261 / 0.892 (JAX) after 128 steps.
    assert trained < 0.5 * pix2pix_run.untrained


@pytest.mark.large
def test_srresnet_beats_bicubic(srresnet_run, lowres_pairs):
    _, (test_x, test_y) = lowres_pairs
    model = srresnet_run.model
    ours = metrics.psnr(model.translate(test_x), test_y)
    bicubic = metrics.psnr(bicubic_upsample(test_x, 4), test_y)
    print(f"x4 test PSNR: bicubic {bicubic:.2f} dB, SRResNet after 192 steps {ours:.2f} dB")
    # MSE only: the discriminator is not trained at all.
    assert int(model.d_optimizer.iterations) == 0 and "content_loss" not in srresnet_run.history
    # Measured +1.72 dB (TF) and +1.57 dB (JAX).
    assert ours > bicubic + 1.0


@pytest.mark.large
def test_cyclegan_learns_an_unpaired_inversion(cyclegan_run):
    model = cyclegan_run.model
    test_a, _ = translation.fashion_images("test", limit=256)
    translated = model.translate(test_a)
    share = white_background_share(translated)
    back = metrics.mean_absolute_error(model.translate(translated, "b2a"), test_a)
    print(f"CycleGAN: {share:.2f} of a->b translations look inverted (real a: "
          f"{white_background_share(test_a):.2f}); cycle L1 {back:.3f}")
    assert white_background_share(test_a) == 0
    assert share > 0.9
    assert back < 0.3


# ---------------------------------------------------------------- state


def test_image_pool_fills_then_swaps():
    pool = ImagePool(4, (2, 2, 1))
    seed = keras.random.SeedGenerator(0)
    first = np.full((3, 2, 2, 1), 1.0, "float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(pool.query(first, seed)), first)
    assert int(pool.count) == 3
    second = np.full((3, 2, 2, 1), 2.0, "float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(pool.query(second, seed)), second)
    assert int(pool.count) == 4
    stored = ops.convert_to_numpy(pool.images)[:, 0, 0, 0]
    assert set(stored.tolist()) <= {1.0, 2.0} and 2.0 in stored
    # Once full, about half of what comes out is from the history.
    outputs = [ops.convert_to_numpy(pool.query(np.full((8, 2, 2, 1), 3.0 + i, "float32"), seed))
               for i in range(20)]
    from_history = np.mean([(out[:, 0, 0, 0] != 3.0 + i).mean() for i, out in enumerate(outputs)])
    assert 0.3 < from_history < 0.7
    assert ImagePool(0, (2, 2, 1)).query(first) is first


def test_cyclegan_state_survives_compiled_steps(cyclegan_run):
    model = cyclegan_run.model
    assert {"d_loss", "g_loss", "adversarial_loss", "cycle_loss"} <= set(cyclegan_run.history)
    assert all(np.isfinite(v[-1]) and v[-1] > 0 for v in cyclegan_run.history.values() if v is not
               cyclegan_run.history.get("identity_loss"))  # identity_weight=0 here
    # Both pools filled with past translations (model state, carried by the JAX trainer).
    for pool in (model.pool_a, model.pool_b):
        assert int(pool.count) == 8
        assert np.abs(ops.convert_to_numpy(pool.images)).sum(axis=(1, 2, 3)).min() > 0
    # One optimizer per player, each stepping both of its networks.
    assert int(model.d_optimizer.iterations) == int(model.g_optimizer.iterations) == 128
    after = network_state(model)
    for name, weights in cyclegan_run.before.items():
        assert all(not np.allclose(x, y) for x, y in zip(weights, after[name])), name
    assert len(model.optimizer.variables) == len(model.d_optimizer.variables) + len(model.g_optimizer.variables)


@pytest.mark.parametrize("run_name", ["pix2pix_run", "srresnet_run", "cyclegan_run"])
def test_keras_file_round_trip_keeps_every_optimizer(run_name, request, tmp_path):
    run = request.getfixturevalue(run_name)
    model = run.model
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.translate(run.probe), model.translate(run.probe), atol=1e-5)
    for x, y in ((model.d_optimizer, restored.d_optimizer), (model.g_optimizer, restored.g_optimizer)):
        assert int(y.iterations) == int(x.iterations)
        for u, v in zip(state(x.variables), state(y.variables)):
            np.testing.assert_allclose(u, v)
    assert restored.get_config() == model.get_config()
    assert [w.path for w in restored.weights] == [w.path for w in model.weights]
    # BatchNorm statistics, image pools and the seed generators' states
    # (which keras-gans saves with the model: the noise stream continues).
    def kept(m):
        return state(m.non_trainable_variables)

    for u, v in zip(kept(model), kept(restored)):
        np.testing.assert_allclose(u, v)
    weights = str(tmp_path / "model.weights.h5")
    model.save_weights(weights)
    fresh = type(model).from_config(model.get_config())
    fresh.load_weights(weights)
    np.testing.assert_allclose(fresh.translate(run.probe), model.translate(run.probe), atol=1e-5)


def test_backup_and_restore_resumes_both_optimizers(cyclegan_run):
    first = cyclegan_run.model
    second = compiled(small_cyclegan(identity_weight=0.0), loss="least_squares", lr=1e-3)
    # Two epochs are done: the callback restores them and trains no further.
    second.fit(cyclegan_run.data, epochs=2, verbose=0,
               callbacks=[keras.callbacks.BackupAndRestore(cyclegan_run.backup, delete_checkpoint=False)])
    for x, y in ((first.d_optimizer, second.d_optimizer), (first.g_optimizer, second.g_optimizer)):
        assert int(y.iterations) == int(x.iterations) == 128
        for u, v in zip(state(x.variables), state(y.variables)):
            np.testing.assert_allclose(u, v)
    np.testing.assert_allclose(ops.convert_to_numpy(second.pool_b.images), ops.convert_to_numpy(first.pool_b.images))


def test_loss_weights_are_in_the_config():
    assert small_pix2pix(l1_weight=7.0).get_config()["l1_weight"] == 7.0
    config = small_cyclegan(cycle_weight=3.0, identity_weight=1.5).get_config()
    assert (config["cycle_weight"], config["identity_weight"], config["pool_size"]) == (3.0, 1.5, 8)
    config = small_srgan(content_weight=0.5, adversarial_weight=0.01).get_config()
    assert (config["content_weight"], config["adversarial_weight"], config["scale"]) == (0.5, 0.01, 4)
    assert "latent_dim" not in config


def test_srgan_content_loss_uses_the_classifier_features(lowres_pairs):
    (x, y), _ = lowres_pairs
    model = small_srgan(content_weight=1.0)
    distance = model.content_distance
    assert float(distance(y[:16], y[:16])) == 0.0
    blurred = bicubic_upsample(x[:16], 4)
    assert float(distance(y[:16], blurred)) > 0.01
    # The content network is frozen and not part of the model's weights.
    assert len(model.weights) == len(small_srgan().weights)


def random_pair(model, n=32):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n,) + model.source_shape).astype("float32")
    y = rng.uniform(-1, 1, (n,) + model.target_shape).astype("float32")
    return x, y


# ---------------------------------------------------------------- bad input


def test_bad_inputs_fail_before_training():
    pix2pix = compiled(small_pix2pix())
    x, y = random_pair(pix2pix)
    with pytest.raises(ValueError, match=r"expects targets of shape \(None, 28, 28, 1\); received \(8, 14, 14, 1\)"):
        pix2pix.fit(datasets.paired(x, y[:, ::2, ::2], batch_size=8), verbose=0)
    with pytest.raises(ValueError, match=r"trains on \(inputs, targets\) pairs.*received a dict"):
        pix2pix.fit(datasets.unpaired(x, y, batch_size=8), verbose=0)
    with pytest.raises(ValueError, match=r"values in \[-1, 1\]; received values in \[255, 255\]"):
        pix2pix.fit(x, np.full_like(y, 255.0), batch_size=8, verbose=0)
    assert int(pix2pix.g_optimizer.iterations) == 0

    cyclegan = compiled(small_cyclegan(), loss="least_squares")
    import tensorflow as tf

    only_a = tf.data.Dataset.from_tensor_slices({"a": x}).batch(8)
    with pytest.raises(ValueError, match=r"\{'a': images, 'b': images\}.*keys \['a'\]"):
        cyclegan.fit(only_a, verbose=0)
    with pytest.raises(ValueError, match="`direction` must be one of"):
        cyclegan.translate(x[:2], direction="sideways")

    srgan = compiled(small_srgan())
    with pytest.raises(ValueError, match=r"expects inputs of shape \(None, 7, 7, 1\); received \(8, 14, 14, 1\)"):
        srgan.fit(datasets.paired(x[:, ::2, ::2], y, batch_size=8), verbose=0)
    with pytest.raises(ValueError, match=r"divisible by `scale` 3"):
        kg.models.SRGAN(scale=3)
    with pytest.raises(ValueError, match="translates in one direction only"):
        pix2pix.translate(x[:2], direction="b2a")
    with pytest.raises(ValueError, match=r"expects input images of shape \(None, 28, 28, 1\)"):
        pix2pix.translate(x[:2, :20])
    with pytest.raises(ValueError, match="use `translate"):
        pix2pix.generate(4)


# ---------------------------------------------------------------- recipes and presets


def test_recipes_build_from_their_datasets():
    for variant, cls in (("pix2pix", kg.models.Pix2Pix), ("pix2pix_l1", kg.models.Pix2Pix),
                         ("srresnet", kg.models.SRGAN), ("cyclegan", kg.models.CycleGAN)):
        model_class, recipe = kg.recipes.get(variant)
        assert model_class is cls
        data = datasets.load(recipe.dataset, batch_size=4, limit=64)
        model = kg.recipes.build(variant, element_spec=data.element_spec, seed=0)
        batch = next(iter(data))
        source, target = (batch["a"], batch["b"]) if isinstance(batch, dict) else batch
        assert (model.source_shape, model.target_shape) == (tuple(source.shape[1:]), tuple(target.shape[1:]))
    assert kg.recipes.get("pix2pix_l1")[1].model_args["adversarial_weight"] == 0.0


def test_each_class_lists_its_presets():
    assert kg.models.SRGAN.preset_names() == ["srgan_fashion_x4", "srresnet_fashion_x4"]
    assert kg.models.Pix2Pix.preset_names() == ["pix2pix_fashion_edges", "pix2pix_l1_fashion_edges"]
    assert "wgan_gp_fashion_mnist" in kg.models.DCGAN.preset_names()  # a subclass
    assert "fashion_mnist_classifier" not in kg.models.AdversarialModel.preset_names()


def test_srgan_fine_tunes_from_an_srresnet_preset(tmp_path, lowres_pairs):
    (x, y), _ = lowres_pairs
    srresnet = compiled(small_srgan(adversarial_weight=0.0))
    srresnet.fit(datasets.paired(x[:64], y[:64], batch_size=16), epochs=1, verbose=0)
    folder = str(tmp_path / "srresnet")
    kg.zoo.save_to_preset(srresnet, folder, recipe={"variant": "srresnet"})
    cls, recipe = kg.recipes.get("srgan")
    model = training._from_preset(folder, cls, recipe)
    assert model.adversarial_weight == 1e-3 and model.content_distance is not None
    np.testing.assert_allclose(model.translate(x[:4]), srresnet.translate(x[:4]), atol=1e-6)
    with pytest.raises(ValueError, match="holds a SRGAN; this recipe trains a Pix2Pix"):
        training._from_preset(folder, *kg.recipes.get("pix2pix"))
