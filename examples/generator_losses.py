"""
Title: The non-saturating loss keeps the generator learning when the discriminator wins
Author: keras-gans
Description: the three generator losses of the original GAN paper, their
gradients as a function of D(G(z)), and what each does on the ring of 8 and
the grid of 25 Gaussians over several seeds.

Goodfellow et al. (2014) train the generator to minimise `E log(1 - D(G(z)))`
(the *minimax* game) but recommend maximising `E log D(G(z))` instead (the
*non-saturating* loss): "early in learning, when G is poor, D can reject
samples with high confidence ... log(1 - D(G(z))) saturates". Goodfellow
(2016) adds a third, the *maximum-likelihood* loss
`-1/2 E exp(sigma^-1(D(G(z))))`, whose expected gradient is that of the
KL divergence when D is optimal.

This script makes the claim measurable:

1. **The saturation figure.** Each loss and its gradient with respect to
   the discriminator's logit, as a function of D(G(z)), computed through
   `keras_gans.losses` (the code that trains the models), not re-derived.
2. **Training.** The fully connected GAN on the ring of 8 and the grid of
   25 Gaussians, once from the usual start and once from a *confident
   discriminator* (D trains alone for the first steps, as when G is poor),
   for each loss and several seeds: modes covered and the share of
   high-quality samples (within 3 standard deviations of a mode), as a
   table with the spread over seeds, and a figure of samples per loss.

Run: `python examples/generator_losses.py` (full, about 30 minutes on a
2-core CPU) or `--quick` (the check CI runs).
"""

import time

import keras
import numpy as np

import keras_gans as kg
from keras_gans.core import backend
from _common import (coverage, grid_figure, mean_std, parse_args, save_figure, scatter,
                     toy_data, toy_gan, toy_optimizers, write_results)

LOSSES = ("minimax", "non_saturating", "max_likelihood")
LABELS = {"minimax": "minimax  log(1 - D)", "non_saturating": "non-saturating  -log D",
          "max_likelihood": "maximum likelihood  -exp(logit)/2"}

args = parse_args("generator_losses", __doc__.splitlines()[1])
quick = args.quick

"""
## 1. Each loss, and its gradient, against D(G(z))

The discriminator outputs a logit `l`, and D(G(z)) = sigmoid(l). We evaluate
each generator loss of `keras_gans.losses` on one logit at a time and take
its derivative with respect to `l` by central differences. When D rejects a
fake confidently (D(G(z)) near 0), the minimax gradient is about -D: it
vanishes. The non-saturating gradient is -(1 - D): it is largest exactly
then. The maximum-likelihood gradient, -D / (2 (1 - D)), vanishes there too,
and explodes when D is fooled.
"""

d_values = np.linspace(1e-3, 1 - 1e-3, 400)
logits = np.log(d_values) - np.log1p(-d_values)


def loss_of(name, logit):
    loss = kg.losses.get(name)
    return float(keras.ops.convert_to_numpy(loss.generator_loss(np.float32([[logit]]))))


curves = {}
h = 1e-2
for name in LOSSES:
    values = np.array([loss_of(name, l) for l in logits])
    gradients = np.array([(loss_of(name, l + h) - loss_of(name, l - h)) / (2 * h) for l in logits])
    curves[name] = (values, gradients)

fig, axes = grid_figure(1, 2, size=4.0)
for name in LOSSES:
    values, gradients = curves[name]
    axes[0, 0].plot(d_values, values, label=LABELS[name])
    axes[0, 1].plot(d_values, np.abs(gradients), label=LABELS[name])
axes[0, 0].set_xlabel("D(G(z))")
axes[0, 0].set_ylabel("generator loss")
axes[0, 0].set_ylim(-5, 5)
axes[0, 0].legend(fontsize=7)
axes[0, 1].set_xlabel("D(G(z))")
axes[0, 1].set_ylabel("|d loss / d logit|")
axes[0, 1].set_yscale("log")
axes[0, 1].axvspan(0, 0.1, color="grey", alpha=0.15)
axes[0, 1].text(0.01, 1e-3, "D wins:\nG is poor", fontsize=7)
fig.tight_layout()
save_figure(fig, args.out, "saturation.png")

at = int(np.argmin(np.abs(d_values - 0.01)))
saturation = {name: {"gradient_at_d_0.01": round(abs(float(curves[name][1][at])), 5),
                     "gradient_at_d_0.99": round(abs(float(curves[name][1][-at - 1])), 5)}
              for name in LOSSES}
print("|gradient| at D(G(z)) = 0.01:",
      {n: s["gradient_at_d_0.01"] for n, s in saturation.items()})

"""
## 2. Training on the toy mixtures

Every run uses the same fully connected networks, data and optimizers; only
the generator loss changes. "confident D" runs keep the generator's
learning rate at 0 for the first `wait` steps, so the discriminator learns
to reject the initial samples, as in the early training the paper
describes. After training we draw 2,000 samples and count the modes they
cover and the share of samples that are high quality.
"""

# The quick run (CI) trains only from the confident discriminator, briefly.
mixtures = ("ring8",) if quick else ("ring8", "grid25")
starts = {"confident D": 300} if quick else {"usual": 0, "confident D": 2000}
seeds = (0, 1) if quick else (0, 1, 2, 3, 4)
steps = 500 if quick else 8000
table = {}
samples_for_figure = {}
start_time = time.time()
for mixture in mixtures:
    for start, wait in starts.items():
        for name in LOSSES:
            runs = []
            for seed in seeds:
                keras.utils.set_random_seed(seed)
                gan = toy_gan(seed)
                gan.compile(loss=name, steps_per_execution=backend.steps_per_execution(100),
                            **toy_optimizers(steps + wait, generator_wait=wait))
                gan.fit(toy_data(mixture, seed), epochs=1, steps_per_epoch=steps + wait,
                        verbose=0)
                covered, quality = coverage(gan, mixture)
                runs.append((covered, quality))
                if seed == seeds[0]:
                    samples_for_figure[mixture, start, name] = gan.generate(2000, seed=1)
            modes, qualities = np.array(runs).T
            table[mixture, start, name] = {"modes": modes.tolist(), "quality": qualities.tolist()}
            print(f"{mixture:7s} {start:12s} {name:15s} modes {mean_std(modes)}  "
                  f"high-quality {mean_std(qualities)}  ({time.time() - start_time:.0f} s)")

fig, axes = grid_figure(len(mixtures) * len(starts), len(LOSSES))
for row, (mixture, start) in enumerate((m, s) for m in mixtures for s in starts):
    for column, name in enumerate(LOSSES):
        stats = table[mixture, start, name]
        scatter(axes[row, column], samples_for_figure[mixture, start, name], mixture,
                f"{name}, {start} start\n{mixture}: {stats['modes'][0]:.0f} modes "
                f"(seed {seeds[0]})")
fig.tight_layout()
save_figure(fig, args.out, "samples_per_loss.png")

"""
## What the numbers say

The table (also in `benchmarks/RESULTS.md`) gives the mean and spread over
seeds. The saturation figure is exact; the training table is what these
networks did in this budget.
"""

print("\n| mixture | start | loss | modes covered | high-quality share |")
print("|---|---|---|---|---|")
for (mixture, start, name), stats in table.items():
    print(f"| {mixture} | {start} | {name} | {mean_std(stats['modes'])} | "
          f"{mean_std(stats['quality'])} |")

write_results(
    args.out, quick, steps=steps, seeds=list(seeds), starts=starts, saturation=saturation,
    training=[{"mixture": m, "start": s, "loss": n, **stats} for (m, s, n), stats in table.items()],
)

# The direction of the result, checked in every mode: at D(G(z)) = 0.01 the
# non-saturating gradient is ~100x the minimax one, and from a confident
# discriminator the non-saturating generator covers more of the ring.
assert saturation["non_saturating"]["gradient_at_d_0.01"] > 50 * saturation["minimax"][
    "gradient_at_d_0.01"]
assert saturation["max_likelihood"]["gradient_at_d_0.01"] < saturation["non_saturating"][
    "gradient_at_d_0.01"]
confident = {name: np.median(table["ring8", "confident D", name]["modes"]) for name in LOSSES}
assert confident["non_saturating"] >= confident["minimax"], confident
