"""Next-frame video prediction: the Moving Fashion-MNIST builder is
deterministic and bounces, the predictor learns to beat copying the last
frame, rolls out, round-trips through `.keras` files and refuses bad input."""

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import datasets, metrics
from keras_gans.datasets import moving
from keras_gans.datasets.translation import downsample
from helpers import adam

CANVAS, PAST = 32, 4


def small_items():
    """Fashion-MNIST items at 14x14 (uint8), so sequences fit a 32x32 canvas."""
    images = moving.fashion_items("train")[:2000, :, :, None]
    return downsample(images, 2)[..., 0].round().astype("uint8")


def small_pairs(items, num, seed):
    sequences = moving.moving_sequences(items, num, length=PAST + 1, seed=seed, canvas_size=CANVAS)
    past, future = moving.split_frames(sequences, PAST)
    return past, future[:, 0]


# ---------------------------------------------------------------- the data


def test_trajectory_bounces_off_the_borders():
    positions, velocities = moving.bounce_trajectory([[0.95, 0.5], [0.5, 0.05]], [[0.1, 0.02], [0.0, -0.1]], 4)
    # Row of the first point: clamped at the border, then moving back.
    np.testing.assert_allclose(positions[0, :, 0], [1.0, 0.9, 0.8, 0.7])
    np.testing.assert_allclose(velocities[0, :, 0], [-0.1, -0.1, -0.1, -0.1])
    np.testing.assert_allclose(velocities[0, :, 1], 0.02)  # the other component is untouched
    np.testing.assert_allclose(positions[1, :, 1], [0.0, 0.1, 0.2, 0.3], atol=1e-12)
    np.testing.assert_allclose(velocities[1, :, 1], 0.1)

    positions, velocities = moving.random_trajectories(500, 30, np.random.default_rng(0))
    assert positions.min() >= 0.0 and positions.max() <= 1.0
    flips = np.sign(velocities[:, 1:]) != np.sign(velocities[:, :-1])
    at_border = (positions[:, 1:] == 0.0) | (positions[:, 1:] == 1.0)
    assert flips.any() and np.array_equal(flips, at_border)  # flips exactly at a border
    speed = np.linalg.norm(velocities, axis=-1)
    np.testing.assert_allclose(speed, moving.STEP_LENGTH)


def test_items_stay_whole_on_the_canvas():
    square = np.full((1, 28, 28), 255, "uint8")
    frames = moving.moving_sequences(square, 50, length=30, seed=0, num_objects=1)
    assert frames.shape == (50, 30, 64, 64)
    # Never cut by a border: every frame shows the whole 28x28 item.
    assert ((frames == 255).sum(axis=(2, 3)) == 28 * 28).all()


def test_sequences_are_deterministic_in_their_seed():
    items = moving.fashion_items("test")
    first = moving.moving_sequences(items, 300, length=6, seed=3)
    np.testing.assert_array_equal(first, moving.moving_sequences(items, 300, length=6, seed=3))
    assert not np.array_equal(first, moving.moving_sequences(items, 300, length=6, seed=4))
    # Sequence i does not depend on how many are asked for, nor on their length.
    np.testing.assert_array_equal(first[250:260], moving.moving_sequences(items, 10, 6, seed=3, start=250))
    np.testing.assert_array_equal(first[:, :3], moving.moving_sequences(items, 300, length=3, seed=3))
    assert first.dtype == np.uint8 and first.max() > 200


def test_the_task_yields_past_and_next_frames():
    ds = datasets.load("moving_fashion_mnist", split="test", batch_size=8, limit=16, shuffle=False)
    past, next_frame = next(iter(ds))
    assert past.shape == (8, 64, 64, 10) and next_frame.shape == (8, 64, 64, 1)
    expected_past, future = moving.split_frames(moving.moving_fashion_mnist("test", 8, length=11))
    np.testing.assert_allclose(np.asarray(past), expected_past)
    np.testing.assert_allclose(np.asarray(next_frame), future[:, 0])
    with pytest.raises(ValueError, match="no labels"):
        datasets.load("moving_fashion_mnist", with_labels=True)


def test_frame_mse_is_openstl_s_sum_over_pixels():
    predicted = -np.ones((2, 3, 4, 4, 1), "float32")
    targets = predicted.copy()
    targets[:, 1] = 1.0  # frame 2 entirely wrong by 1.0 on [0, 1]
    np.testing.assert_allclose(metrics.frame_mse(predicted, targets), [0.0, 16.0, 0.0])
    past = np.stack([np.full((2, 4, 4), i, "float32") for i in range(3)], -1)
    np.testing.assert_array_equal(metrics.copy_last(past, 2), np.full((2, 2, 4, 4, 1), 2.0))


# ---------------------------------------------------------------- the predictor


@pytest.fixture(scope="module")
def trained():
    """A small predictor (MSE + GDL + adversarial) trained once for the module.

    One width throughout: on JAX every distinct kernel shape costs an XLA
    compilation of its initializer."""
    items = small_items()
    train = small_pairs(items, 3072, seed=0)
    test = small_pairs(items, 512, seed=1)
    keras.utils.set_random_seed(0)
    model = kg.models.NextFramePredictor(
        image_shape=(CANVAS, CANVAS, 1), past_frames=PAST, generator_filters=(16, 16),
        discriminator_filters=(16, 16), adversarial_weight=0.01, seed=0,
    )
    model.compile(d_optimizer=adam(2e-4), g_optimizer=keras.optimizers.Adam(2e-3))
    history = model.fit(datasets.paired(*train, batch_size=32, seed=0), epochs=1, verbose=0)
    return model, test, history.history


def test_predictor_beats_copying_the_last_frame(trained):
    model, (past, next_frame), history = trained
    assert {"d_loss", "adversarial_loss", "mse_loss", "gdl_loss"} <= set(history)
    assert int(model.d_optimizer.iterations) == int(model.g_optimizer.iterations) > 0
    predicted = model.predict_next(past)
    ours = metrics.frame_mse(predicted[:, None], next_frame[:, None])[0]
    copy = metrics.frame_mse(metrics.copy_last(past, 1), next_frame[:, None])[0]
    print(f"first-frame MSE (sum over 32x32 pixels): copy-last {copy:.2f}, predictor {ours:.2f}")
    assert ours < 0.9 * copy  # measured 0.74 (TF) and 0.60 (JAX) of copy-last


def test_rollout_feeds_predictions_back(trained):
    model, (past, _), _ = trained
    frames = model.rollout(past[:6], steps=3)
    assert frames.shape == (6, 3, CANVAS, CANVAS, 1) and np.abs(frames).max() <= 1.0
    np.testing.assert_allclose(frames[:, 0], model.predict_next(past[:6]), atol=1e-5)
    shifted = np.concatenate([past[:6, ..., 1:], frames[:, 0]], axis=-1)
    np.testing.assert_allclose(frames[:, 1], model.predict_next(shifted), atol=1e-5)


def test_keras_file_round_trip(trained, tmp_path):
    model, (past, _), _ = trained
    path = str(tmp_path / "video.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert isinstance(restored, kg.models.NextFramePredictor)
    assert restored.get_config() == model.get_config()
    np.testing.assert_allclose(restored.rollout(past[:4], 2), model.rollout(past[:4], 2), atol=1e-5)
    assert int(restored.g_optimizer.iterations) == int(model.g_optimizer.iterations)


def test_bad_input_fails_before_training(trained):
    model, (past, next_frame), _ = trained
    steps = int(model.g_optimizer.iterations)
    with pytest.raises(ValueError, match=r"expects 4 inputs of 1 channel\(s\).*received 3 channels"):
        model.fit(datasets.paired(past[..., 1:], next_frame, batch_size=8), verbose=0)
    with pytest.raises(ValueError, match=r"values in \[-1, 1\]; received values in \[0, 2\d\d\]"):
        model.fit((past + 1) * 127.5, next_frame, batch_size=8, verbose=0)
    assert int(model.g_optimizer.iterations) == steps
    with pytest.raises(ValueError, match=r"expects 4 past frames.*received 5 channels"):
        model.rollout(np.concatenate([past[:2], past[:2, ..., :1]], axis=-1))
    with pytest.raises(ValueError, match="`steps` must be >= 1"):
        model.rollout(past[:2], steps=0)
    with pytest.raises(ValueError, match="divisible by 8"):
        kg.models.NextFramePredictor(image_shape=(36, 36, 1))


def test_recipes_train_three_ways():
    data = datasets.load("moving_fashion_mnist", batch_size=4, limit=8)
    weights = {}
    for variant in ("video_mse", "video_gdl", "video_adversarial"):
        cls, recipe = kg.recipes.get(variant)
        assert cls is kg.models.NextFramePredictor and recipe.dataset == "moving_fashion_mnist"
        assert cls.data_arguments(data.element_spec) == {"image_shape": (64, 64, 1), "past_frames": 10}
        args = {"mse_weight": 1.0, "gdl_weight": 1.0, "adversarial_weight": 0.05, **recipe.model_args}
        weights[variant] = (args["mse_weight"], args["gdl_weight"], args["adversarial_weight"])
    assert weights["video_mse"][1:] == (0.0, 0.0) and weights["video_gdl"][2] == 0.0
    assert min(weights["video_adversarial"]) > 0
