"""The semi-supervised GAN's two discriminators at one budget: test accuracy
with 100 labels.

`discriminator_architecture="dcgan"` (the strided body the image variants
share, BatchNorm) against `"salimans"` (the 9-layer weight-normalized
discriminator with Gaussian noise on every layer of Salimans et al.), with
the same generator, widths, Adam (learning rate decaying linearly to zero
over the run), batches of 64 and the same 100 labelled images; accuracy on
the 10,000 Fashion-MNIST test images every third of the run.

Usage:

```
KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/sgan_discriminators.py --steps 900 --widths 16 32
```
"""

import argparse
import time

import keras

import keras_gans as kg
from keras_gans import datasets
from keras_gans.models.sgan import DISCRIMINATORS


def run(architecture, steps, learning_rate, widths, test):
    """Trains one SGAN; returns [(step, test accuracy, seconds)]."""
    keras.utils.set_random_seed(0)
    data, _ = datasets.semi_supervised(num_labeled=100, batch_size=64, seed=0)
    options = {"dropout": 0.5} if architecture == "salimans" else {}
    gan = kg.models.SGAN(latent_dim=32, generator_filters=(64, 32, 16), discriminator_filters=widths,
                         discriminator_architecture=architecture, seed=0, **options)
    rate = keras.optimizers.schedules.PolynomialDecay(learning_rate, steps, 0.0)
    gan.compile(d_optimizer=keras.optimizers.Adam(rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(rate, beta_1=0.5))
    images, labels = test
    start, rows = time.time(), []
    for third in range(1, 4):
        gan.fit(data, epochs=1, steps_per_epoch=steps // 3, verbose=0)
        accuracy = float((gan.predict_classes(images) == labels).mean())
        rows.append((third * steps // 3, accuracy, time.time() - start))
        print(f"{architecture}: step {rows[-1][0]}, test accuracy {accuracy:.4f} ({rows[-1][2]:.0f} s)")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=900)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--widths", type=int, nargs=2, default=(16, 32))
    args = parser.parse_args()
    test = kg.metrics.real_images("test")
    results = {a: run(a, args.steps, args.learning_rate, tuple(args.widths), test) for a in DISCRIMINATORS}
    print("\n| discriminator | " + " | ".join(f"step {s}" for s, _, _ in results["dcgan"]) + " | seconds |")
    print("|---|" + "---|" * (len(results["dcgan"]) + 1))
    for architecture, rows in results.items():
        print(f"| {architecture} | " + " | ".join(f"{a:.4f}" for _, a, _ in rows) + f" | {rows[-1][2]:.0f} |")


if __name__ == "__main__":
    main()
