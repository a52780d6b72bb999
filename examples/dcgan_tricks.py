"""
Title: What each DCGAN training trick buys, ablated one at a time
Author: keras-gans
Description: the default DCGAN recipe against six one-change variants on
Fashion-MNIST, over seeds, scored by FID after a fixed budget of steps.

The DCGAN paper (Radford et al., 2016) and the lore that followed
(Salimans et al., 2016; Sønderby et al., 2017; "ganhacks") give a list of
tricks: Adam with beta_1 = 0.5, LeakyReLU in the discriminator, real and
fake samples in separate batches through BatchNorm, Gaussian rather than
uniform latents, one-sided label smoothing, instance noise. The course
presents them as a recipe. This script measures each one *alone*: every
variant is the project's `dcgan` recipe (`keras-gans train dcgan`) with one
thing changed, trained for the same number of steps from the same seeds,
and scored the same way (FID of 2,000 samples against the 10,000 test
images in the zoo evaluator's features; lower is better).

- the default recipe: Adam(2e-4, beta_1 0.5), normal latents, LeakyReLU in
  D, separate real/fake batches, no smoothing, no noise;
- `+ label smoothing 0.1`: real targets 0.9;
- `+ instance noise 0.1`: Gaussian noise (std 0.1) on every D input;
- `mixed real/fake batches`: one BatchNorm batch holding both;
- `uniform latents`: U(-1, 1) instead of N(0, I);
- `Adam beta_1 0.9`: Keras' default momentum instead of 0.5;
- `ReLU in D`: ReLU instead of LeakyReLU(0.2).

Run: `python examples/dcgan_tricks.py` (full: 7 variants x 3 seeds x 800
steps, about 5 minutes per run on one core of a 2-core CPU; `SEEDS=2` for
two seeds) or `--quick` (the check CI runs).
"""

import dataclasses
import os
import time

import keras
import numpy as np

import keras_gans as kg
from _common import grid_figure, mean_std, parse_args, save_figure, write_results

args = parse_args("dcgan_tricks", __doc__.splitlines()[1])
quick = args.quick

# Each variant: (model options, optimizer options) changed from the recipe.
VARIANTS = {
    "default recipe": ({}, {}),
    "+ label smoothing 0.1": ({"label_smoothing": 0.1}, {}),
    "+ instance noise 0.1": ({"instance_noise": 0.1}, {}),
    "mixed real/fake batches": ({"separate_batches": False}, {}),
    "uniform latents": ({"latent_distribution": "uniform"}, {}),
    "Adam beta_1 0.9": ({}, {"beta_1": 0.9}),
    "ReLU in D": ({"discriminator_activation": "relu"}, {}),
}
if quick:
    # CI: the default against the change with the largest effect, small.
    VARIANTS = {name: VARIANTS[name] for name in ("default recipe", "mixed real/fake batches")}
seeds = (0,) if quick else tuple(range(int(os.environ.get("SEEDS", 3))))
steps = 120 if quick else 800
batch_size = 64
num_samples = 500 if quick else 2000
# The quick run trains a narrower DCGAN; the full one the recipe's networks.
# Both name the nearest-neighbour upsampling these tables were measured with,
# so that a change of the class default does not change the experiment.
network = dict(generator_filters=(32, 16, 8), discriminator_filters=(16, 32)) if quick else {}
network["upsampling"] = "nearest"

"""
## Data, evaluator and the fixed budget

Every run sees the same stream of Fashion-MNIST batches for its seed
(`kg.datasets.training_stream`), so variants differ only by their change.
"""

data = kg.datasets.load("fashion_mnist", batch_size=batch_size, shuffle=False)
evaluator = kg.metrics.Evaluator()
real = kg.metrics.real_images("test")[0]
recipe = kg.recipes.get("dcgan")[1]

scores, losses, samples = {}, {}, {}
start = time.time()
for name, (model_changes, optimizer_changes) in VARIANTS.items():
    scores[name], losses[name] = [], []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        gan = kg.models.DCGAN(**{**recipe.model_args, **network, **model_changes}, seed=seed)
        dataclasses.replace(recipe, **optimizer_changes).compile(gan)
        history = gan.fit(kg.datasets.training_stream(data, batch_size, seed), epochs=1,
                          steps_per_epoch=steps, verbose=0)
        measured = kg.metrics.evaluate_generator(gan, num_samples, evaluator, real, seed=seed)
        scores[name].append(measured["fid"])
        losses[name].append({k: float(v[-1]) for k, v in history.history.items()})
        if seed == seeds[0]:
            samples[name] = gan.generate(16, seed=0)
        print(f"{name:26s} seed {seed}: FID {measured['fid']:.1f} "
              f"(d_loss {losses[name][-1]['d_loss']:.3f}, g_loss {losses[name][-1]['g_loss']:.3f}) "
              f"({time.time() - start:.0f} s)")

"""
## FID per variant

Bars are means over seeds, dots the seeds. Lower is better; the dashed line
is the default recipe.
"""

names = list(VARIANTS)
fig, axes = grid_figure(1, 1, size=5.0)
ax = axes[0, 0]
means = [np.mean(scores[n]) for n in names]
ax.barh(names, means, color=["black"] + ["tab:blue"] * (len(names) - 1), alpha=0.6)
for row, name in enumerate(names):
    ax.plot(scores[name], [row] * len(scores[name]), "o", color="black", markersize=3)
ax.axvline(means[0], color="black", linestyle="--")
ax.invert_yaxis()
ax.set_xlabel(f"FID ({num_samples} samples, after {steps} steps of batch {batch_size})")
fig.tight_layout()
save_figure(fig, args.out, "fid_per_trick.png")

fig, axes = grid_figure(1, len(names), size=2.0)
for column, name in enumerate(names):
    axes[0, column].imshow(kg.images.make_grid(samples[name], columns=4)[..., 0], cmap="gray")
    axes[0, column].set_title(name, fontsize=7)
    axes[0, column].axis("off")
fig.tight_layout()
save_figure(fig, args.out, "samples_per_trick.png")

print(f"\n| variant | FID after {steps} steps (mean ± std over {len(seeds)} seeds) | "
      "change vs default |")
print("|---|---|---|")
for name in names:
    change = np.mean(scores[name]) - means[0]
    print(f"| {name} | {mean_std(scores[name])} | {change:+.1f} |")

write_results(args.out, quick, steps=steps, batch_size=batch_size, seeds=list(seeds),
              num_samples=num_samples, network=network, fid=scores,
              final_losses=losses)

# The direction of the result: mixing real and fake samples in one
# BatchNorm batch makes the generator's batches (all fake) look unlike
# anything D trained on, and the run ends worse than the default.
assert np.mean(scores["mixed real/fake batches"]) > np.mean(scores["default recipe"]), scores
