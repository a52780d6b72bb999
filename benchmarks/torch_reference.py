"""Keras against plain PyTorch: the DCGAN's networks written in `torch.nn`,
trained by a plain eager PyTorch loop, next to the same DCGAN's `fit` on
Keras' three backends (from benchmarks/throughput.json).

The torch networks are the DCGAN's layer for layer (the parameter counts are
checked against the Keras model's): a dense projection to 7x7x128 with
BatchNorm and ReLU, two 2x upsampling blocks (sub-pixel: a 3x3 convolution
to 4x the channels and `PixelShuffle`; or nearest-neighbour upsampling and
a 3x3 convolution) with BatchNorm and ReLU, a 3x3 convolution to tanh; the
discriminator's two strided 3x3 convolutions with LeakyReLU(0.2) (BatchNorm
on the second) and a linear logit. Adam(2e-4, beta_1=0.5), the
non-saturating loss, real and fake batches through D separately, batch 128:
the `dcgan` recipe. Channels-first, PyTorch's native layout; the threads
PyTorch picks for this CPU.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/torch_reference.py

Keras on torch is timed in the same process, alternating with the plain
loop; run `benchmarks/throughput.py --model dcgan` first for the TensorFlow
and JAX figures. This rewrites the `keras-vs-pytorch` section of
benchmarks/RESULTS.md.
"""

import argparse
import datetime
import json
import os

import numpy as np
import torch
from torch import nn

import results_sections

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- keras-vs-pytorch:begin -->", "<!-- keras-vs-pytorch:end -->"


class Generator(nn.Module):
    def __init__(self, latent_dim=100, filters=(128, 64, 32), channels=1, upsampling="subpixel"):
        super().__init__()
        self.filters = filters
        self.project = nn.Sequential(nn.Linear(latent_dim, 7 * 7 * filters[0], bias=False),
                                     nn.BatchNorm1d(7 * 7 * filters[0], eps=1e-3, momentum=0.01), nn.ReLU())
        blocks = []
        for f_in, f_out in zip(filters[:-1], filters[1:]):
            if upsampling == "subpixel":  # PixelShuffle: Keras' depth_to_space, channels ordered otherwise
                blocks += [nn.Conv2d(f_in, 4 * f_out, 3, padding=1, bias=False), nn.PixelShuffle(2)]
            else:
                blocks += [nn.Upsample(scale_factor=2, mode="nearest"),
                           nn.Conv2d(f_in, f_out, 3, padding=1, bias=False)]
            blocks += [nn.BatchNorm2d(f_out, eps=1e-3, momentum=0.01), nn.ReLU()]
        self.blocks = nn.Sequential(*blocks)
        self.image = nn.Sequential(nn.Conv2d(filters[-1], channels, 3, padding=1), nn.Tanh())

    def forward(self, z):
        x = self.project(z).view(-1, self.filters[0], 7, 7)
        return self.image(self.blocks(x))


class Discriminator(nn.Module):
    def __init__(self, filters=(64, 128), channels=1):
        super().__init__()
        layers, f_in = [], channels
        for i, f in enumerate(filters):
            layers.append(nn.Conv2d(f_in, f, 3, stride=2, padding=1))
            if i > 0:
                layers.append(nn.BatchNorm2d(f, eps=1e-3, momentum=0.01))
            layers.append(nn.LeakyReLU(0.2))
            f_in = f
        self.body = nn.Sequential(*layers, nn.Flatten())
        self.logits = nn.Linear(filters[-1] * 7 * 7, 1)

    def forward(self, x):
        return self.logits(self.body(x))


def parameters(module):
    return sum(p.numel() for p in module.parameters())


def plain_loop(batch_size, images, upsampling):
    """`(run, generator, discriminator)`: `run(steps)` trains that many
    steps of the plain PyTorch loop."""
    generator, discriminator = Generator(upsampling=upsampling), Discriminator()
    d_opt = torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999))
    g_opt = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999))
    softplus = nn.functional.softplus
    rng = np.random.default_rng(0)
    count = [0]

    def step():
        start = (count[0] * batch_size) % (len(images) - batch_size)
        count[0] += 1
        real = torch.from_numpy(images[start : start + batch_size])
        z = torch.from_numpy(rng.standard_normal((2, batch_size, 100), dtype=np.float32))
        d_opt.zero_grad(set_to_none=True)
        fake = generator(z[0]).detach()
        d_loss = softplus(-discriminator(real)).mean() + softplus(discriminator(fake)).mean()
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad(set_to_none=True)
        g_loss = softplus(-discriminator(generator(z[1]))).mean()
        g_loss.backward()
        g_opt.step()
        return float(d_loss.detach())

    def run(steps):
        for _ in range(steps):
            step()

    return run, generator, discriminator


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=6, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--upsampling", default="nearest", choices=["subpixel", "nearest"])
    args = parser.parse_args()

    import throughput

    import keras_gans as kg

    keras_gan, data, _ = throughput.build("dcgan", "float32", 1, args.batch_size,
                                          {"upsampling": args.upsampling})
    images = kg.datasets.to_unit_range(kg.datasets.fashion_mnist.load_arrays("train")[0][:4096])
    images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))  # NCHW
    run, generator, discriminator = plain_loop(args.batch_size, images, args.upsampling)
    # BatchNorm's moving statistics are buffers in torch, weights in Keras.
    keras_trainable = {"generator": sum(int(np.prod(v.shape)) for v in keras_gan.generator.trainable_variables),
                       "discriminator": sum(int(np.prod(v.shape)) for v in keras_gan.discriminator.trainable_variables)}
    for name, module in (("generator", generator), ("discriminator", discriminator)):
        assert parameters(module) == keras_trainable[name], (name, parameters(module), keras_trainable[name])

    # Keras-on-torch `fit` and the plain loop alternate in one process, as in
    # benchmarks/throughput.py: fit's rounds are windows of one `fit` call.
    run(args.warmup)
    plain_seconds = []
    timer = throughput.round_timer(args.warmup, args.steps, args.rounds,
                                   lambda: plain_seconds.append(throughput.timed(run, args.steps)))
    keras_gan.fit(data, steps_per_epoch=args.warmup + args.rounds * args.steps, epochs=1, verbose=0,
                  callbacks=[timer])
    images_per_round = args.steps * args.batch_size
    plain = images_per_round / float(np.median(plain_seconds))
    keras_torch = images_per_round / float(np.median(timer.seconds))
    keras_over_plain = float(np.median(np.array(plain_seconds) / np.array(timer.seconds)))
    print(f"plain PyTorch loop: {plain:.1f} img/s, Keras on torch fit: {keras_torch:.1f} img/s, "
          f"ratio {keras_over_plain:.2f} (threads {torch.get_num_threads()})")

    measured = json.load(open(os.path.join(HERE, "throughput.json")))
    keras_fit = {r["backend"]: r["fit"] for r in measured.values()
                 if r["model"] == "dcgan" and r.get("upsampling") == args.upsampling
                 and r["batch_size"] == args.batch_size
                 and r["policy"] == "float32" and r["devices"] == 1}
    machine = results_sections.machine()
    lines = [
        BEGIN,
        f"Reproduce: `.venv/bin/python benchmarks/throughput.py --model dcgan`, then "
        f"`KERAS_BACKEND=torch .venv/bin/python benchmarks/torch_reference.py` ({machine}, "
        f"{datetime.date.today().isoformat()}, torch {torch.__version__}, batch {args.batch_size}).",
        "",
        f"The DCGAN's networks (`{args.upsampling}` upsampling) written in `torch.nn` (same layers, "
        f"{keras_trainable['generator']:,} + {keras_trainable['discriminator']:,} trainable "
        "parameters, checked) and trained by a plain eager PyTorch loop, against "
        "`kg.models.DCGAN.fit` of the same architecture. Keras on torch runs in the same process, "
        f"alternating with the plain loop over {args.rounds} rounds of {args.steps} steps (the "
        "median round counts; *vs plain PyTorch* is the median of the rounds' ratios). Keras on "
        "TensorFlow and JAX are the `throughput.py` cells, measured in other processes minutes "
        "apart, so their ratios carry this machine's drift (tens of percent).",
        "",
        "The plain loop's nearest blocks upsample, then convolve (`nn.Upsample`, `nn.Conv2d`), as "
        "such blocks are usually written; keras-gans computes the same function at the input's "
        "resolution (`kg.layers.Conv2D(upsampling=2)`, see \"Nearest upsampling at the input's "
        "resolution\"). Before it did, in the day's first run, Keras on torch ran at 0.92x the "
        "plain loop.",
        "",
        "| training | img/s | vs plain PyTorch |",
        "|---|---|---|",
        f"| plain PyTorch (eager, NCHW) | {plain:.0f} | 1.00 |",
        f"| Keras on torch, `fit` (same process) | {keras_torch:.0f} | {keras_over_plain:.2f} |",
    ]
    for backend in ("tensorflow", "jax"):
        if backend in keras_fit:
            lines.append(f"| Keras on {backend}, `fit` (throughput.json) | {keras_fit[backend]:.0f} | "
                         f"{keras_fit[backend] / plain:.2f} |")
    lines.append(END)
    results_sections.write_section(BEGIN, END, "Keras against plain PyTorch (DCGAN)", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
