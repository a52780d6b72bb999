import numpy as np
import pytest
from conftest import adam, random_images, small_dcgan

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
