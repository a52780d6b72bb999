"""Why StyleGAN's JAX step still trails TensorFlow on CPU: transposes that
XLA fuses with the elementwise work before them.

A convolution's kernel gradient is, on JAX, a convolution of the layer's
input with its channels moved to the front and the batch to the back
(`keras_gans.core.backend.conv`), so every convolution's backward pass
transposes one activation-sized tensor. XLA's CPU compiler copies a bare
transpose about as fast as memory allows, but it fuses the elementwise ops
that produce the tensor (the previous layer's noise, bias, leaky ReLU, the
style scaling) into the transpose, and that fused loop reads its inputs in
the transposed order, element by element. (TensorFlow's oneDNN computes
kernel gradients from the NHWC tensors and transposes nothing.)
`jax.lax.optimization_barrier` does not keep them apart: XLA's CPU compiler
removes barriers before it fuses.

Each row times `jax.jit(lambda ...: transpose(f(x), (3, 1, 2, 0)))` alone
(channels to the front, batch to the back) for the elementwise chains a
StyleGAN layer puts before its convolution, at the shapes of StyleGAN's
16x16 and 32x32 layers (batch 32), against the bare transpose. Milliseconds,
the median of 7 rounds of 30 calls, in a JAX process that imports
keras_gans first, as a user's does.

    .venv/bin/python benchmarks/fused_transpose.py

It rewrites the `fused-transpose` section of benchmarks/RESULTS.md.
"""

import datetime

import results_sections

BEGIN, END = "<!-- fused-transpose:begin -->", "<!-- fused-transpose:end -->"
SHAPES = ((32, 16, 16, 64), (32, 32, 32, 32), (32, 32, 32, 16))
PERMUTATION = (3, 1, 2, 0)
# name -> f(ops, x, y, noise, styles): what comes before the transpose.
CHAINS = {
    "bare": lambda ops, x, y, noise, styles: x,
    "x + y (same shape)": lambda ops, x, y, noise, styles: x + y,
    "2 * x": lambda ops, x, y, noise, styles: 2.0 * x,
    "x + noise (per sample)": lambda ops, x, y, noise, styles: x + noise,
    "x * styles (per sample, channel)": lambda ops, x, y, noise, styles: x * styles[:, None, None, :],
    "leaky_relu(x)": lambda ops, x, y, noise, styles: ops.leaky_relu(x, 0.2),
    "leaky_relu(x + noise) * styles": lambda ops, x, y, noise, styles: (
        ops.leaky_relu(x + noise, 0.2) * styles[:, None, None, :]
    ),
}


def _compiled(chain):
    import jax
    from keras import ops

    compiled = jax.jit(lambda *args: ops.transpose(chain(ops, *args), PERMUTATION))
    return lambda *args: compiled(*args).block_until_ready()


def worker():
    import keras
    import numpy as np

    import keras_gans  # noqa: F401  (its XLA flags, before JAX starts)

    rng = np.random.default_rng(0)
    out = {}
    for shape in SHAPES:
        args = [
            rng.standard_normal(shape, dtype=np.float32),
            rng.standard_normal(shape, dtype=np.float32),
            rng.standard_normal(shape[:3] + (1,), dtype=np.float32),
            rng.standard_normal((shape[0], shape[3]), dtype=np.float32),
        ]
        args = [keras.ops.convert_to_tensor(a) for a in args]
        for name, chain in CHAINS.items():
            run = _compiled(chain)
            out[f"{shape}/{name}"] = results_sections.median_milliseconds(
                lambda: run(*args), rounds=7, calls=30, warmup=3)
    results_sections.report(out)


def main():
    if results_sections.is_worker(__doc__):
        return worker()
    measured = results_sections.run_worker(__file__, "jax")
    print({k: round(v, 2) for k, v in measured.items()}, flush=True)
    lines = [
        BEGIN,
        f"Reproduce: `.venv/bin/python benchmarks/fused_transpose.py` ({results_sections.machine()}, "
        f"{datetime.date.today().isoformat()}; `transpose(f(x), {PERMUTATION})` alone, milliseconds "
        "per call on JAX, the median of 7 rounds of 30 calls; *x bare* is the time over the bare "
        "transpose of the same shape).",
        "",
        "| input (batch, height, width, channels) | before the transpose | ms | x bare |",
        "|---|---|---|---|",
    ]
    for shape in SHAPES:
        bare = measured[f"{shape}/bare"]
        for name in CHAINS:
            ms = measured[f"{shape}/{name}"]
            lines.append(f"| {'x'.join(map(str, shape))} | {name} | {ms:.2f} | {ms / bare:.1f} |")
    lines.append(END)
    results_sections.write_section(BEGIN, END, "JAX: transposes fused with elementwise work (StyleGAN)",
                                   "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
