"""XLA's CPU convolution weight gradient against the same gradient written
as shifted matrix products, for the nearest DCGAN block's 3x3 convolution
(batch 128, 28x28x64 -> 32, "same" padding, stride 1).

A 3x3 convolution is the sum over its 9 taps of a matrix product of the
shifted input with that tap's (C_in, C_out) matrix; its weight gradient is
then 9 matrix products of the shifted input with the output gradient. This
measures whether XLA on CPU computes that faster than its convolution
kernel's own weight gradient (the JAX/TF gap of benchmarks/RESULTS.md), and
checks that both give the same numbers.

    KERAS_BACKEND=jax .venv/bin/python benchmarks/conv_weight_gradient.py
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

BATCH, SIZE, C_IN, C_OUT, K = 128, 28, 64, 32, 3


def conv(x, kernel):
    return jax.lax.conv_general_dilated(x, kernel, (1, 1), "SAME",
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))


def shifted(x, kernel):
    """The same convolution as a sum of `K * K` shifted matrix products."""
    pad = K // 2
    padded = jnp.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    return sum(jnp.einsum("bhwc,cf->bhwf", padded[:, i:i + SIZE, j:j + SIZE, :], kernel[i, j])
               for i in range(K) for j in range(K))


def median_ms(fn, *args, repeats=5):
    fn(*args).block_until_ready()  # compilation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args).block_until_ready()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main():
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.standard_normal((BATCH, SIZE, SIZE, C_IN), np.float32))
    kernel = jnp.asarray(rng.standard_normal((K, K, C_IN, C_OUT), np.float32) * 0.05)
    grad = jnp.asarray(rng.standard_normal((BATCH, SIZE, SIZE, C_OUT), np.float32))
    print("| formulation | forward ms | weight gradient ms | input gradient ms |")
    print("|---|---|---|---|")
    weight_grads = []
    for name, f in (("`lax.conv_general_dilated`", conv), ("9 shifted matrix products", shifted)):
        forward = jax.jit(f)
        d_kernel = jax.jit(lambda x, k, f=f: jax.vjp(lambda k: f(x, k), k)[1](grad)[0])
        d_input = jax.jit(lambda x, k, f=f: jax.vjp(lambda x: f(x, k), x)[1](grad)[0])
        weight_grads.append(d_kernel(x, kernel))
        print(f"| {name} | {median_ms(forward, x, kernel):.1f} | {median_ms(d_kernel, x, kernel):.1f} "
              f"| {median_ms(d_input, x, kernel):.1f} |", flush=True)
    difference = float(jnp.abs(weight_grads[0] - weight_grads[1]).max())
    scale = float(jnp.abs(weight_grads[0]).max())
    print(f"\nlargest weight-gradient difference: {difference:.2e} (of values up to {scale:.1f})")


if __name__ == "__main__":
    main()
