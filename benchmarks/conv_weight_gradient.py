"""XLA's own CPU convolution gradients against those of
`keras_gans.core.backend.conv`, for convolutions of the zoo's networks at
their recipes' batch sizes.

The first table times one jitted forward-and-backward pass (the input's and
the kernel's gradients, as a training step needs them): XLA's over the whole
batch, `backend.conv`'s kernel gradient summed over chunks of the batch. The
second times the same pass of a transposed convolution (the DCGAN's
`upsampling="transpose"` blocks): XLA's own against `backend.conv_transpose`,
the input gradient of the convolution it transposes. The third times XLA's
kernel gradient alone, over the whole batch and summed over chunks of about
1 MiB of input, for the zoo's convolutions with few filters or large
windows (and a few wide 3x3 ones), and says which `backend.conv` picks. The
fourth times what a gradient penalty (WGAN-GP, R1) adds: the gradient, with
respect to the kernel, of the squared input gradient, XLA's own derivative
against `backend.conv`'s (the kernel gradient of the convolution itself).
The fifth times the first table's pass and the penalty's inside the taken
branch of a `lax.cond` (StyleGAN's lazy R1), where XLA's CPU compiler does
not bring its own derivatives into its fast kernels' layout.
Each is Keras' op against keras-gans', in alternating repeats
(the median counts), and each row checks that the two give the same
gradient.

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
    # 4x4, stride 2: backend.conv runs them as stride-1 convolutions of 2x2 blocks.
    ("video predictor block_1_down", 32, 64, 10, 32, 4, 2),
    ("video discriminator block_1_conv", 32, 64, 11, 16, 4, 2),
    ("video predictor block_2_down", 32, 32, 32, 48, 4, 2),
    ("Pix2Pix discriminator block_2_conv", 64, 14, 16, 32, 4, 2),
]
# Transposed convolutions: (where, batch, input size, input channels, filters, kernel, strides).
TRANSPOSED_CASES = [
    ("DCGAN generator block_1_conv (transpose)", 128, 7, 128, 64, 3, 2),
    ("DCGAN generator block_2_conv (transpose)", 128, 14, 64, 32, 3, 2),
]
# Which kernel gradients are chunked: (where, batch, input size, input
# channels, filters, kernel, strides), few filters or large windows first.
CHUNKING_CASES = [
    ("SRGAN generator image", 64, 28, 32, 1, 9, 1),
    ("CycleGAN generator image", 32, 28, 16, 1, 7, 1),
    ("DCGAN generator image", 128, 28, 32, 1, 3, 1),
    ("video predictor image_conv", 32, 32, 32, 4, 3, 1),
    ("video predictor block_2_down", 32, 32, 32, 48, 4, 2),
    ("Pix2Pix discriminator block_2_conv", 64, 14, 16, 32, 4, 2),
    ("DCGAN generator block_1_conv (nearest, at 7x7)", 128, 9, 128, 256, 2, 1),
    ("DCGAN generator block_2_conv (nearest, at 14x14)", 128, 16, 64, 128, 2, 1),
    ("StyleGAN discriminator block conv", 32, 32, 64, 64, 3, 1),
    ("SRGAN generator block conv", 64, 28, 64, 64, 3, 1),
]
# Convolutions whose input gradient a penalty differentiates again.
PENALIZED_CASES = [
    ("WGAN-GP critic block_1_conv", 64, 28, 1, 64, 3, 2),
    ("WGAN-GP critic block_2_conv", 64, 14, 64, 128, 3, 2),
    ("StyleGAN discriminator block conv (R1)", 32, 32, 64, 64, 3, 1),
]

# Stride-1 convolutions of StyleGAN's discriminator, in a `cond` branch.
IN_COND_CASES = [
    ("StyleGAN discriminator block_1_conv_2", 32, 32, 16, 32, 3, 1),
    ("StyleGAN discriminator block_2_conv_2", 32, 16, 32, 64, 3, 1),
    ("StyleGAN discriminator block_2_skip", 32, 16, 32, 64, 1, 1),
]


def gradients(conv, strides):
    """The input's and the kernel's gradients of `sum(conv(x) * cotangent)`."""
    def loss(x, kernel, cotangent):
        return keras.ops.sum(conv(x, kernel, strides=strides, padding="same") * cotangent)

    return jax.jit(jax.grad(loss, argnums=(0, 1)))


def kernel_gradient(chunk, strides, kernel_shape, padding):
    """XLA's kernel gradient of `conv(x)` at `cotangent`, summed over
    `chunk`-sample slices of the batch."""
    def gradient(x, cotangent):
        total = 0.0
        for start in range(0, x.shape[0], chunk):
            conv = lambda k, start=start: keras.ops.conv(  # noqa: E731
                x[start : start + chunk], k, strides=strides, padding=padding)
            total = total + jax.linear_transpose(conv, jax.ShapeDtypeStruct(kernel_shape, "float32"))(
                cotangent[start : start + chunk])[0]
        return total

    return jax.jit(gradient)


def penalty_gradient(conv, strides):
    """The kernel's gradient of the squared input gradient, a gradient
    penalty's second derivative."""
    def penalty(kernel, x, cotangent):
        slopes = jax.grad(lambda inputs: keras.ops.sum(
            conv(inputs, kernel, strides=strides, padding="same") * cotangent))(x)
        return keras.ops.sum(keras.ops.square(slopes))

    return jax.jit(jax.grad(penalty))


def in_cond(function):
    """`function(*args)` as the taken branch of a `lax.cond` on a traced
    predicate, `in_cond(function)(due, *args)` (zeros when not due)."""
    def branched(due, *args):
        shapes = jax.eval_shape(function, *args)
        return jax.lax.cond(due, lambda: function(*args),
                            lambda: jax.tree.map(lambda s: jax.numpy.zeros(s.shape, s.dtype), shapes))

    return jax.jit(branched)


def timed_pair(functions, *args):
    """Milliseconds per call (median of 5 alternating repeats) and results."""
    results = {name: fn(*args) for name, fn in functions.items()}  # compiles
    seconds = {name: [] for name in functions}
    for _ in range(5):
        for name, fn in functions.items():
            start = time.perf_counter()
            jax.block_until_ready(fn(*args))
            seconds[name].append(time.perf_counter() - start)
    return {name: 1000 * float(np.median(values)) for name, values in seconds.items()}, results


def case_arrays(rng, batch, size, channels, filters, kernel_size, strides, transposed=False):
    x = rng.standard_normal((batch, size, size, channels)).astype("float32")
    kernel_shape = (kernel_size, kernel_size) + ((filters, channels) if transposed else (channels, filters))
    kernel = (rng.standard_normal(kernel_shape) * 0.05).astype("float32")
    out = size * strides if transposed else -(-size // strides)
    return x, kernel, rng.standard_normal((batch, out, out, filters)).astype("float32")


def row_start(where, batch, size, channels, filters, kernel_size, strides):
    """A table row's first four cells: the convolution and its shapes."""
    return f"| {where} | {batch} | {size}x{size}x{channels} | {filters}, {kernel_size}, {strides} "


def relative_difference(ours, reference):
    reference = np.asarray(reference)
    return np.abs(np.asarray(ours) - reference).max() / np.abs(reference).max()


def main():
    rng = np.random.default_rng(0)
    print("| convolution | batch | input | filters, kernel, strides | chunk | whole batch ms | chunked ms "
          "| speed-up | largest kernel-gradient difference |")
    print("|---|---|---|---|---|---|---|---|---|")
    for where, batch, size, channels, filters, kernel_size, strides in CASES:
        x, kernel, cotangent = case_arrays(rng, batch, size, channels, filters, kernel_size, strides)
        functions = {"plain": gradients(keras.ops.conv, strides), "chunked": gradients(backend.conv, strides)}
        ms, results = timed_pair(functions, x, kernel, cotangent)
        difference = relative_difference(results["chunked"][1], results["plain"][1])
        chunk = backend.weight_gradient_chunk(batch, size * size * channels, kernel.shape)
        print(row_start(where, batch, size, channels, filters, kernel_size, strides) +
              f"| {min(chunk, batch)} | {ms['plain']:.0f} | {ms['chunked']:.0f} "
              f"| {ms['plain'] / ms['chunked']:.2f}x | {difference:.1e} (relative) |", flush=True)

    print("\n| transposed convolution | batch | input | filters, kernel, strides | XLA's own ms "
          "| backend.conv_transpose ms | speed-up | largest kernel-gradient difference |")
    print("|---|---|---|---|---|---|---|---|")
    for where, batch, size, channels, filters, kernel_size, strides in TRANSPOSED_CASES:
        x, kernel, cotangent = case_arrays(rng, batch, size, channels, filters, kernel_size, strides,
                                           transposed=True)
        functions = {"plain": gradients(keras.ops.conv_transpose, strides),
                     "ours": gradients(backend.conv_transpose, strides)}
        ms, results = timed_pair(functions, x, kernel, cotangent)
        difference = relative_difference(results["ours"][1], results["plain"][1])
        print(row_start(where, batch, size, channels, filters, kernel_size, strides) +
              f"| {ms['plain']:.0f} | {ms['ours']:.0f} | {ms['plain'] / ms['ours']:.2f}x "
              f"| {difference:.1e} (relative) |", flush=True)

    print("\n| convolution | batch | input | filters, kernel, strides | chunk by size | whole batch ms "
          "| chunked ms | whole / chunked time | backend.conv's chunk |")
    print("|---|---|---|---|---|---|---|---|---|")
    for where, batch, size, channels, filters, kernel_size, strides in CHUNKING_CASES:
        # The DCGAN's nearest blocks are "valid" 2x2 convolutions of padded inputs.
        padding = "valid" if kernel_size == 2 else "same"
        x, kernel, _ = case_arrays(rng, batch, size, channels, filters, kernel_size, strides)
        out = x.shape[1] - 1 if padding == "valid" else -(-size // strides)
        cotangent = rng.standard_normal((batch, out, out, filters)).astype("float32")
        chunk = backend.weight_gradient_chunk(batch, size * size * channels)
        functions = {"whole": kernel_gradient(batch, strides, kernel.shape, padding),
                     "chunked": kernel_gradient(chunk, strides, kernel.shape, padding)}
        ms, _ = timed_pair(functions, x, cotangent)
        picked = min(batch, backend.weight_gradient_chunk(batch, size * size * channels, kernel.shape))
        print(row_start(where, batch, size, channels, filters, kernel_size, strides) +
              f"| {min(chunk, batch)} | {ms['whole']:.1f} | {ms['chunked']:.1f} "
              f"| {ms['whole'] / ms['chunked']:.2f} | {'whole batch' if picked == batch else picked} |",
              flush=True)

    print("\n| convolution | batch | input | filters, kernel, strides | XLA's own ms | backend.conv ms "
          "| speed-up | largest difference |")
    print("|---|---|---|---|---|---|---|---|")
    for where, batch, size, channels, filters, kernel_size, strides in PENALIZED_CASES:
        x, kernel, cotangent = case_arrays(rng, batch, size, channels, filters, kernel_size, strides)
        functions = {"plain": penalty_gradient(keras.ops.conv, strides),
                     "ours": penalty_gradient(backend.conv, strides)}
        ms, results = timed_pair(functions, kernel, x, cotangent)
        difference = relative_difference(results["ours"], results["plain"])
        print(row_start(where, batch, size, channels, filters, kernel_size, strides) +
              f"| {ms['plain']:.1f} | {ms['ours']:.1f} | {ms['plain'] / ms['ours']:.2f}x "
              f"| {difference:.1e} (relative) |", flush=True)

    print("\n| convolution, inside a `cond` | batch | input | filters, kernel, strides | pass | XLA's own ms "
          "| backend.conv ms | speed-up | largest difference |")
    print("|---|---|---|---|---|---|---|---|---|")
    due = jax.numpy.asarray(True)
    for where, batch, size, channels, filters, kernel_size, strides in IN_COND_CASES:
        x, kernel, cotangent = case_arrays(rng, batch, size, channels, filters, kernel_size, strides)
        passes = {
            "input and kernel gradients": (gradients, (x, kernel, cotangent), 1),
            "R1's second derivative": (penalty_gradient, (kernel, x, cotangent), None),
        }
        for name, (make, args, part) in passes.items():
            functions = {"plain": in_cond(make(keras.ops.conv, strides)),
                         "ours": in_cond(make(backend.conv, strides))}
            ms, results = timed_pair(functions, due, *args)
            pick = (lambda r: r[part]) if part is not None else (lambda r: r)  # noqa: E731
            difference = relative_difference(pick(results["ours"]), pick(results["plain"]))
            print(row_start(where, batch, size, channels, filters, kernel_size, strides) +
                  f"| {name} | {ms['plain']:.1f} | {ms['ours']:.1f} | {ms['plain'] / ms['ours']:.1f}x "
                  f"| {difference:.1e} (relative) |", flush=True)


if __name__ == "__main__":
    main()
