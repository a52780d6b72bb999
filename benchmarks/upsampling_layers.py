"""The generator's 2x upsampling layer, timed alone on each backend.

Each `upsampling` mode of `keras_gans.layers.upsample_conv` (nearest:
`Conv2D(upsampling=2)`, computed at the input's resolution; bilinear
`UpSampling2D` + `Conv2D`; strided `Conv2DTranspose`; sub-pixel `Conv2D` to
4x the channels + `depth_to_space`), and nearest computed the plain way
(`UpSampling2D` + `Conv2D`, the same outputs), at the DCGAN generator's two
block shapes (7x7x128 -> 14x14x64 and 14x14x64 -> 28x28x32, kernel 3, batch
128): milliseconds per training step of that layer alone (forward, the
gradients of its kernel and its input, an SGD update), through `fit`, after
warm-up. A trainable scalar scales the block's input, so that the step takes
the block's input gradient, as it does inside a generator. Each backend runs
in its own process.

    .venv/bin/python benchmarks/upsampling_layers.py

It rewrites the `upsampling-layers` section of benchmarks/RESULTS.md.
"""

import argparse
import datetime
import os
import time

import results_sections

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- upsampling-layers:begin -->", "<!-- upsampling-layers:end -->"
BACKENDS = ("tensorflow", "jax", "torch")
UPSAMPLED_FIRST = "nearest, upsampled first"
MODES = (("nearest", 3), (UPSAMPLED_FIRST, 3), ("bilinear", 3), ("transpose", 3), ("subpixel", 3),
         ("subpixel", 2))


def scaled_inputs(inputs):
    """`inputs` times a trainable scalar (whose gradient needs the next
    layer's input gradient)."""
    import keras

    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

        def call(self, x):
            return x * self.scale

    return Scale(name="input_scale")(inputs)


def upsampling_block(inputs, filters, kernel, mode):
    """The mode's block, or nearest upsampling then the convolution at the
    upsampled size (`UPSAMPLED_FIRST`)."""
    import keras

    from keras_gans.layers import Conv2D, upsample_conv

    if mode == UPSAMPLED_FIRST:
        x = keras.layers.UpSampling2D(2)(inputs)
        return Conv2D(filters, kernel, padding="same", use_bias=False)(x)
    return upsample_conv(inputs, filters, kernel, mode, name="up")
SHAPES = (((7, 7, 128), 64), ((14, 14, 64), 32))


def worker(batch_size, steps, warmup):
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    out = {}
    for mode, kernel in MODES:
        total = 0.0
        for shape, filters in SHAPES:
            inputs = keras.Input(shape)
            model = keras.Model(inputs, upsampling_block(scaled_inputs(inputs), filters, kernel, mode))
            model.compile(optimizer=keras.optimizers.SGD(1e-3), loss="mse")
            x = rng.standard_normal((batch_size,) + shape, dtype=np.float32)
            y = rng.standard_normal((batch_size,) + tuple(model.output_shape[1:]), dtype=np.float32)
            model.fit(x, y, batch_size=batch_size, epochs=warmup, verbose=0)
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch_size, epochs=steps, verbose=0)
            total += 1000 * (time.perf_counter() - start) / steps
        out[f"{mode}/{kernel}"] = {"ms": total}
    results_sections.report(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.batch_size, args.steps, args.warmup)
    measured = {}
    for backend in BACKENDS:
        measured[backend] = results_sections.run_worker(
            __file__, backend, ["--batch-size", str(args.batch_size), "--steps", str(args.steps),
                                "--warmup", str(args.warmup)])
        print(backend, {k: round(v["ms"], 1) for k, v in measured[backend].items()}, flush=True)
    machine = results_sections.machine()
    lines = [
        BEGIN,
        f"Reproduce: `.venv/bin/python benchmarks/upsampling_layers.py` ({machine}, "
        f"{datetime.date.today().isoformat()}, batch {args.batch_size}, {args.steps} timed steps).",
        "",
        "Milliseconds per training step of the upsampling layer alone, summed over the DCGAN "
        "generator's two blocks (7x7x128 -> 14x14x64, 14x14x64 -> 28x28x32). Lower is better. "
        "Weights per block: k²·C_in·C_out for nearest, bilinear and transpose, 4·k²·C_in·C_out for "
        "sub-pixel (a kernel-2 sub-pixel layer has the parameters of a kernel-4 transposed one).",
        "",
        "| mode | kernel | " + " | ".join(f"{b} ms" for b in BACKENDS) + " | JAX / TF time |",
        "|---|---|" + "---|" * (len(BACKENDS) + 1),
    ]
    for mode, kernel in MODES:
        key = f"{mode}/{kernel}"
        times = [measured[b][key]["ms"] for b in BACKENDS]
        lines.append(f"| {mode} | {kernel} | " + " | ".join(f"{t:.1f}" for t in times)
                     + f" | {measured['jax'][key]['ms'] / measured['tensorflow'][key]['ms']:.2f} |")
    lines.append(END)
    results_sections.write_section(BEGIN, END, "Upsampling layers, per backend", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
