import numpy as np
import pytest
from helpers import adam, random_images, small_dcgan

import keras_gans as kg
from keras_gans import latent


def test_lerp_and_slerp_properties():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=64), rng.normal(size=64)
    t = np.linspace(0, 1, 5)
    for path in (latent.lerp(a, b, t), latent.slerp(a, b, t)):
        np.testing.assert_allclose(path[0], a, atol=1e-5)
        np.testing.assert_allclose(path[-1], b, atol=1e-5)
    # Between two equal-norm vectors, slerp keeps the norm; lerp shrinks it.
    b = b / np.linalg.norm(b) * np.linalg.norm(a)
    norms = np.linalg.norm(latent.slerp(a, b, t), axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(a), rtol=1e-5)
    assert np.linalg.norm(latent.lerp(a, b, t)[2]) < 0.9 * np.linalg.norm(a)
    np.testing.assert_allclose(latent.slerp(a, a, t), latent.lerp(a, a, t), atol=1e-6)


def test_vector_arithmetic():
    a, b, c = np.ones((3, 4)), np.full((5, 4), 2.0), np.full((2, 4), 5.0)
    np.testing.assert_allclose(latent.vector_arithmetic(a, b, c), np.full(4, 4.0))
    with pytest.raises(ValueError, match="latent_dim"):
        latent.vector_arithmetic(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 4)))


def test_interpolation_uses_the_seeds_latents_and_grids(tmp_path):
    gan = small_dcgan()
    path = latent.interpolate(gan, 3, 7, steps=6)
    assert path.shape == (6, gan.latent_dim)
    np.testing.assert_allclose(gan.generate(1, latents=path[:1]), gan.generate(1, seed=3), atol=1e-5)
    np.testing.assert_allclose(gan.generate(1, latents=path[-1:]), gan.generate(1, seed=7), atol=1e-5)
    with pytest.raises(ValueError, match="slerp"):
        latent.interpolate(gan, 0, 1, method="cubic")
    out = latent.save_interpolation_grid(gan, tmp_path / "walk.png", seeds=[(0, 1)], steps=4)
    assert (tmp_path / "walk.png").exists() and out.endswith("walk.png")
    with pytest.raises(ValueError, match="not class-conditional"):
        latent.save_class_grid(gan, tmp_path / "classes.png")


def test_class_grid_and_interpolation_callback(tmp_path):
    cgan = kg.models.CGAN(latent_dim=8, generator_filters=(16, 8, 8), discriminator_filters=(8, 8))
    latent.save_class_grid(cgan, tmp_path / "classes.png", per_class=3)
    assert (tmp_path / "classes.png").exists()
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    callback = kg.callbacks.LatentInterpolation(tmp_path / "walks", seeds=[(0, 1)], steps=3)
    gan.fit(random_images(16), batch_size=8, epochs=2, verbose=0, callbacks=[callback])
    assert sorted(p.name for p in (tmp_path / "walks").iterdir()) == [
        "interpolation_001.png", "interpolation_002.png"]


def test_interpolation_gif_frames_walk_between_the_seeds(tmp_path):
    from PIL import Image

    gan = small_dcgan()
    path = latent.save_interpolation_gif(gan, tmp_path / "walk.gif", tours=[(0, 1), (2, 3, 4)], steps=3)
    gif = Image.open(path)
    assert gif.n_frames == 3 * 3  # the longest tour: 3 legs of 3 frames
    gif.seek(0)
    first = np.asarray(gif.convert("L"), "float32")
    expected = kg.images.make_grid(np.concatenate([gan.generate(1, seed=0), gan.generate(1, seed=2)]), columns=2)
    expected = expected.repeat(2, axis=0).repeat(2, axis=1)[..., 0]
    assert first.shape == expected.shape
    assert np.abs(first - expected).mean() < 3  # GIF palette quantization only
    with pytest.raises(ValueError, match="at least two seeds"):
        latent.save_interpolation_gif(gan, tmp_path / "bad.gif", tours=[(0,)])
    with pytest.raises(ValueError, match="same shape"):
        kg.images.save_gif([np.zeros((2, 4, 4, 1)), np.zeros((3, 4, 4, 1))], tmp_path / "x.gif")


def test_code_traversal_sweeps_one_continuous_code(tmp_path, monkeypatch):
    gan = kg.models.InfoGAN(noise_dim=4, num_categories=3, num_continuous=2,
                            generator_filters=(16, 8, 8), discriminator_filters=(8, 8))
    seen = {}
    generate = gan.generate
    monkeypatch.setattr(gan, "generate", lambda n, latents=None, **kw: seen.setdefault("z", latents) is not None
                        and generate(n, latents=latents, **kw))
    latent.save_code_traversal(gan, tmp_path / "codes.png", code=1, values=[-1.0, 0.0, 1.0])
    z = seen["z"]
    assert z.shape == (9, gan.latent_dim)
    np.testing.assert_array_equal(z[:, 4:7].argmax(axis=1), np.repeat([0, 1, 2], 3))
    np.testing.assert_allclose(z[:, 8], np.tile([-1.0, 0.0, 1.0], 3))
    assert np.ptp(z[:, :4], axis=0).max() == 0 and np.ptp(z[:, 7]) == 0  # shared noise and code 0
    assert (tmp_path / "codes.png").exists()
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        latent.save_code_traversal(gan, tmp_path / "bad.png", code=2)
    with pytest.raises(ValueError, match="expected an InfoGAN"):
        latent.save_code_traversal(small_dcgan(), tmp_path / "bad.png")
