"""Where JAX loses to TensorFlow on CPU: the DCGAN's convolutions, one at a
time, on each backend.

Each convolution of the DCGAN (sub-pixel generator, strided discriminator;
batch 128) is timed alone, compiled (`jax.jit`, `tf.function`; eager on
torch): its forward pass, the gradient of its kernel (dW) and the gradient
of its input (dX). Milliseconds, the median of 5 rounds of 5 calls. Each
backend runs in its own process, which imports keras_gans first, as a user's
does; JAX runs a second time with XLA's own CPU flags
(`KERAS_GANS_XLA_CPU_FLAGS=0`, see `keras_gans/core/xla_cpu.py`), whose
convolutions are YNNPACK's.

    .venv/bin/python benchmarks/conv_kernels.py

It rewrites the `conv-kernels` section of benchmarks/RESULTS.md.
"""

import datetime

import results_sections

BEGIN, END = "<!-- conv-kernels:begin -->", "<!-- conv-kernels:end -->"
# Column -> (backend, extra environment).
RUNS = {
    "tensorflow": ("tensorflow", {}),
    "jax": ("jax", {}),
    "jax, XLA's flags": ("jax", {"KERAS_GANS_XLA_CPU_FLAGS": "0"}),
    "torch": ("torch", {}),
}
# (input shape, output channels, kernel, stride, where in the DCGAN)
CASES = (
    ((7, 7, 128), 256, 3, 1, "G block 1 (sub-pixel)"),
    ((14, 14, 64), 128, 3, 1, "G block 2 (sub-pixel)"),
    ((28, 28, 32), 1, 3, 1, "G image"),
    ((28, 28, 1), 64, 3, 2, "D block 1"),
    ((14, 14, 64), 128, 3, 2, "D block 2"),
    ((28, 28, 64), 32, 3, 1, "G block 2 (nearest, upsampled first: at 28x28)"),
)


def _functions(backend, strides):
    import keras

    conv = lambda x, w: keras.ops.conv(x, w, strides=strides, padding="same")  # noqa: E731
    if backend == "jax":
        import jax

        forward = jax.jit(conv)
        d_kernel = jax.jit(jax.grad(lambda w, x: conv(x, w).sum()))
        d_input = jax.jit(jax.grad(lambda x, w: conv(x, w).sum()))
        return {"fwd": lambda x, w: forward(x, w).block_until_ready(),
                "dW": lambda x, w: d_kernel(w, x).block_until_ready(),
                "dX": lambda x, w: d_input(x, w).block_until_ready()}
    if backend == "tensorflow":
        import tensorflow as tf

        def gradient(of_kernel):
            @tf.function
            def run(x, w):
                with tf.GradientTape() as tape:
                    tape.watch(w if of_kernel else x)
                    y = tf.reduce_sum(conv(x, w))
                return tape.gradient(y, w if of_kernel else x)
            return lambda x, w: run(x, w).numpy()

        forward = tf.function(conv)
        return {"fwd": lambda x, w: forward(x, w).numpy(), "dW": gradient(True), "dX": gradient(False)}
    import torch

    def gradient(of_kernel):
        def run(x, w):
            x, w = x.detach().requires_grad_(True), w.detach().requires_grad_(True)
            return torch.autograd.grad(conv(x, w).sum(), w if of_kernel else x)[0]
        return run

    return {"fwd": lambda x, w: conv(x, w), "dW": gradient(True), "dX": gradient(False)}


def worker():
    import keras
    import numpy as np

    import keras_gans  # noqa: F401  (its XLA flags, before JAX starts)

    rng = np.random.default_rng(0)
    backend = keras.backend.backend()
    out = {}
    for shape, channels, kernel, stride, where in CASES:
        x = keras.ops.convert_to_tensor(rng.standard_normal((128,) + shape, dtype=np.float32))
        w = keras.ops.convert_to_tensor(
            rng.standard_normal((kernel, kernel, shape[-1], channels), dtype=np.float32)
        )
        for name, run in _functions(backend, stride).items():
            out[f"{where}/{name}"] = results_sections.median_milliseconds(
                lambda: run(x, w), rounds=5, calls=5, warmup=2)
    results_sections.report(out)


def main():
    if results_sections.is_worker(__doc__):
        return worker()
    measured = {}
    for column, (backend, extra) in RUNS.items():
        measured[column] = results_sections.run_worker(__file__, backend, environment=extra)
        print(column, {k: round(v, 1) for k, v in measured[column].items()}, flush=True)
    machine = results_sections.machine()
    lines = [
        BEGIN,
        f"Reproduce: `.venv/bin/python benchmarks/conv_kernels.py` ({machine}, "
        f"{datetime.date.today().isoformat()}; batch 128, milliseconds per call, the median of "
        "5 rounds of 5 calls; lower is better).",
        "",
        "| convolution | input -> channels, stride | pass | " + " | ".join(f"{c} ms" for c in RUNS)
        + " | JAX / TF time |",
        "|---|---|---|" + "---|" * (len(RUNS) + 1),
    ]
    for shape, channels, kernel, stride, where in CASES:
        for name in ("fwd", "dW", "dX"):
            key = f"{where}/{name}"
            times = [measured[c][key] for c in RUNS]
            lines.append(
                f"| {where} | {'x'.join(map(str, shape))} -> {channels}, {stride} | {name} | "
                + " | ".join(f"{t:.1f}" for t in times)
                + f" | {measured['jax'][key] / measured['tensorflow'][key]:.2f} |"
            )
    lines.append(END)
    results_sections.write_section(BEGIN, END, "Convolutions, per backend", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
