"""What the experiments in this folder share: their command line, their
results file, and the small GANs they train on the 2-D toy mixtures.

Not an experiment itself (the leading underscore keeps it out of the list
`tests/test_examples.py` runs).
"""

import argparse
import json
import os

import keras
import numpy as np
from matplotlib.figure import Figure

import keras_gans as kg
from keras_gans.datasets import toy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each toy mixture: its mode centres and the modes' standard deviation.
TOY_MIXTURES = {
    "ring8": (toy.ring_centers(), 0.02),
    "grid25": (toy.grid_centers(), 0.05),
}


def parse_args(name, description):
    """`--quick` (the small run CI makes) and `--out` (default:
    `benchmarks/figures/experiments/<name>`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="a small run that checks the direction of the result (CI)")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "figures",
                                                      "experiments", name),
                        help="folder for the figures and results.json")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    return args


def write_results(out, quick, **results):
    """Writes `OUT/results.json` with the backend and the mode of the run."""
    record = {"quick": quick, "backend": keras.backend.backend(),
              "keras_version": keras.__version__, **results}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(record, f, indent=2)
    return record


def save_figure(fig, out, name):
    path = os.path.join(out, name)
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")
    return path


def mean_std(values):
    """`"mean ± std"` over seeds, for the tables."""
    values = np.asarray(values, "float64")
    return f"{values.mean():.2f} ± {values.std():.2f}"


def toy_data(mixture, seed, batch_size=256, num_samples=100_000):
    """An endless stream of batches of a toy mixture (`"ring8"`, `"grid25"`)."""
    return kg.datasets.load(mixture, batch_size=batch_size, num_samples=num_samples,
                            seed=seed).repeat()


def toy_gan(seed, cls=kg.models.GAN, **kwargs):
    """The fully connected GAN of the toy experiments: a 4-d uniform latent
    and two hidden layers of 128 units per player (the setting in which the
    non-saturating GAN covers the ring of 8 in the tests)."""
    return cls(latent_dim=4, data_shape=(2,), generator_units=(128, 128),
               discriminator_units=(128, 128), output_activation=None,
               latent_distribution="uniform", seed=seed, **kwargs)


def toy_optimizers(steps, learning_rate=1e-3, beta_1=0.5, beta_2=0.999, generator_wait=0, d_steps=1):
    """Adam for each player, decaying linearly to 2% over `steps` training
    steps; with `generator_wait`, the generator's learning rate is 0 for that
    many first steps (the discriminator trains alone and becomes confident).
    A critic updated `d_steps` times per step decays over its own
    `d_steps * steps` updates, in step with the generator."""
    def adam(updates, wait):
        schedule = keras.optimizers.schedules.PolynomialDecay(
            learning_rate, updates, learning_rate * 0.02
        )
        if wait:
            schedule = Waiting(schedule, wait)
        return keras.optimizers.Adam(schedule, beta_1=beta_1, beta_2=beta_2)

    return {"d_optimizer": adam(steps * d_steps, 0), "g_optimizer": adam(steps, generator_wait)}


class Waiting(keras.optimizers.schedules.LearningRateSchedule):
    """`schedule`, but 0 for the first `steps` steps."""

    def __init__(self, schedule, steps):
        self.schedule, self.steps = schedule, steps

    def __call__(self, step):
        rate = self.schedule(step)
        return keras.ops.where(step < self.steps, keras.ops.zeros_like(rate), rate)

    def get_config(self):
        return {"schedule": keras.saving.serialize_keras_object(self.schedule),
                "steps": self.steps}


def coverage(gan, mixture, num_samples=2000, seed=1):
    """`(modes covered, high-quality share)` of `num_samples` samples."""
    centers, std = TOY_MIXTURES[mixture]
    return kg.metrics.mode_coverage(gan.generate(num_samples, seed=seed), centers, std=std)


def scatter(ax, samples, mixture, title):
    """Samples (blue) over the mixture's mode centres (red)."""
    centers, _ = TOY_MIXTURES[mixture]
    samples = np.asarray(samples)
    ax.scatter(samples[:, 0], samples[:, 1], s=1, alpha=0.3, color="tab:blue")
    ax.scatter(centers[:, 0], centers[:, 1], s=12, marker="x", color="tab:red")
    limit = 1.4 * np.abs(centers).max()
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=8)


def grid_figure(rows, columns, size=2.0):
    fig = Figure(figsize=(size * columns, size * rows))
    return fig, np.asarray(fig.subplots(rows, columns, squeeze=False))
