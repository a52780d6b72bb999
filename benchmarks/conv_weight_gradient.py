"""XLA's CPU convolution gradient over the whole batch against
`keras_gans.core.backend.conv`, which sums the kernel gradient over chunks
of the batch, for convolutions of the zoo's networks at their recipes'
batch sizes.

Each row times one jitted forward-and-backward pass (the input's and the
kernel's gradients, as a training step needs them) of `keras.ops.conv` and
of `backend.conv`, in alternating repeats (the median counts), and checks
that both give the same gradients.

    KERAS_BACKEND=jax .venv/bin/python benchmarks/conv_weight_gradient.py
"""

import time

import jax
import keras
import numpy as np

from keras_gans.core import backend

# (where, batch, input height/width, input channels, filters, kernel, strides)
CASES = [
    ("DCGAN generator block_1_conv", 128, 14, 128, 64, 3, 1),
    ("DCGAN generator block_2_conv", 128, 28, 64, 32, 3, 1),
    ("DCGAN generator image", 128, 28, 32, 1, 3, 1),
    ("DCGAN discriminator block_2_conv", 128, 14, 64, 128, 3, 2),
    ("SRGAN generator block conv", 64, 28, 64, 64, 3, 1),
    ("SRGAN discriminator block_1_conv_1", 64, 28, 1, 64, 3, 1),
    ("StyleGAN discriminator block conv", 32, 32, 64, 64, 3, 1),
    ("batch 256, DCGAN generator block_2_conv", 256, 28, 64, 32, 3, 1),
]


def gradients(conv, strides):
    def loss(x, kernel, cotangent):
        return keras.ops.sum(conv(x, kernel, strides=strides, padding="same") * cotangent)

    return jax.jit(jax.grad(loss, argnums=(0, 1)))


def main():
    rng = np.random.default_rng(0)
    print("| convolution | batch | input | filters, kernel, strides | chunk | whole batch ms | chunked ms "
          "| speed-up | largest kernel-gradient difference |")
    print("|---|---|---|---|---|---|---|---|---|")
    for where, batch, size, channels, filters, kernel_size, strides in CASES:
        x = rng.standard_normal((batch, size, size, channels)).astype("float32")
        kernel = (rng.standard_normal((kernel_size, kernel_size, channels, filters)) * 0.05).astype("float32")
        out = -(-size // strides)
        cotangent = rng.standard_normal((batch, out, out, filters)).astype("float32")
        functions = {"plain": gradients(keras.ops.conv, strides), "chunked": gradients(backend.conv, strides)}
        results = {name: fn(x, kernel, cotangent) for name, fn in functions.items()}  # compiles
        seconds = {name: [] for name in functions}
        for _ in range(5):
            for name, fn in functions.items():
                start = time.perf_counter()
                jax.block_until_ready(fn(x, kernel, cotangent))
                seconds[name].append(time.perf_counter() - start)
        plain, chunked = (1000 * float(np.median(seconds[name])) for name in ("plain", "chunked"))
        reference = np.asarray(results["plain"][1])
        difference = np.abs(np.asarray(results["chunked"][1]) - reference).max() / np.abs(reference).max()
        chunk = backend.weight_gradient_chunk(batch, size * size * channels)
        print(f"| {where} | {batch} | {size}x{size}x{channels} | {filters}, {kernel_size}, {strides} "
              f"| {min(chunk, batch)} | {plain:.0f} | {chunked:.0f} | {plain / chunked:.2f}x "
              f"| {difference:.1e} (relative) |", flush=True)


if __name__ == "__main__":
    main()
