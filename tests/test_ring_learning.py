"""The learning test: the original GAN covers the ring of 8 Gaussians, for
most initial weights, not one lucky seed."""

import time

import keras
import pytest

import keras_gans as kg
from keras_gans.core import backend
from keras_gans.datasets import toy
from keras_gans.metrics import mode_coverage

STEPS = 8000
SEEDS = (0, 1, 2)
MIN_MODES, MIN_QUALITY = 7, 0.80


def train_ring_gan(seed, data):
    """The recipe, from the initial weights and noise of `seed`: returns
    (modes covered of 8, share of high-quality samples)."""
    keras.utils.set_random_seed(seed)
    # A low-dimensional uniform latent leaves the generator little mass to
    # spread between modes (a normal 16-d latent gave ~0.78 high-quality).
    gan = kg.models.GAN(
        latent_dim=4,
        data_shape=(2,),
        generator_units=(128, 128),
        discriminator_units=(128, 128),
        output_activation=None,
        latent_distribution="uniform",
        seed=seed,
    )

    def schedule():
        return keras.optimizers.schedules.PolynomialDecay(1e-3, STEPS, 2e-5)

    gan.compile(
        d_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5),
        loss="non_saturating",
        steps_per_execution=backend.steps_per_execution(100),
    )
    gan.fit(data, epochs=1, steps_per_epoch=STEPS, verbose=0)
    return mode_coverage(gan.generate(2000, seed=1), toy.ring_centers(), std=0.02)


def decided(results, threshold):
    """The median of len(SEEDS) = 3 results passes `threshold` once two of
    them pass, and fails once two of them fail: None until then."""
    passed = sum(r >= threshold for r in results)
    failed = len(results) - passed
    majority = len(SEEDS) // 2 + 1
    return True if passed >= majority else False if failed >= majority else None


@pytest.mark.large
def test_gan_covers_ring_of_eight_gaussians():
    # The median over 3 seeds of initial weights and noise. Measured over
    # seeds 0-4 with this recipe: 8/8 modes and 0.82-0.87 quality on
    # TensorFlow; on JAX 0.79-0.85 and 6-8 modes (seed 4: 6 modes, 0.79).
    # Fewer steps leave too thin a median on JAX: 0.82 at 6,000 (seed 0:
    # 0.71, 6 modes; seed 4: 0.79), exactly 0.80 at 5,500. The third seed
    # trains only when the first two disagree (the median is decided
    # otherwise): 2 runs of the recipe, 3 at most.
    start = time.process_time()
    data = kg.datasets.load("ring8", batch_size=256, num_samples=100_000, seed=0).repeat()
    modes, quality = [], []
    for seed in SEEDS:
        covered, share = train_ring_gan(seed, data)
        modes.append(covered)
        quality.append(share)
        print(f"ring8 {keras.backend.backend()} seed {seed}: {covered}/8 modes, {share:.3f} high quality")
        if decided(modes, MIN_MODES) is not None and decided(quality, MIN_QUALITY) is not None:
            break
    cpu_seconds = time.process_time() - start
    print(f"ring8 {keras.backend.backend()}: {len(modes)} seeds, {cpu_seconds:.1f} s CPU")
    # The median of the three seeds passes (a seed left untrained cannot move it).
    assert decided(modes, MIN_MODES), modes
    assert decided(quality, MIN_QUALITY), quality
