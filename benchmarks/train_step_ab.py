"""A/B of one variant's compiled JAX train step under two settings of
`keras_gans.core.backend`'s tuning constants, in one process.

Each setting builds the variant as `keras-gans train NAME` does (fresh
weights), jit-compiles its `train_step` with the constants set, and the
compiled steps then run in alternating rounds of 3 steps on the same batch
and state (the median round counts), so that this shared machine's drift
reaches both alike. Settings are `NAME=VALUE` pairs; `base` is the defaults.

    # no kernel gradient chunked (an element count larger than any batch's)
    KERAS_BACKEND=jax .venv/bin/python benchmarks/train_step_ab.py stylegan \\
        --setting WEIGHT_GRADIENT_CHUNK_ELEMENTS=1099511627776
    # every kernel gradient chunked by input size, whatever its filters and window
    KERAS_BACKEND=jax .venv/bin/python benchmarks/train_step_ab.py srgan \\
        --setting WEIGHT_GRADIENT_CHUNK_MIN_FILTERS=0,WEIGHT_GRADIENT_CHUNK_MAX_WINDOW=99
    # strided 4x4 convolutions as XLA's own, not as stride-1 ones of 2x2 blocks
    KERAS_BACKEND=jax .venv/bin/python benchmarks/train_step_ab.py video_adversarial \\
        --setting SPACE_TO_DEPTH_STRIDED_CONV=False
    # StyleGAN's step with its lazy R1 penalty (step 16), stride-1 gradients left to XLA
    KERAS_BACKEND=jax .venv/bin/python benchmarks/train_step_ab.py stylegan --at-step 16 \\
        --setting CANONICAL_CONV_GRADIENTS=False
"""

import argparse
import ast
import time

import jax
import keras
import numpy as np

import keras_gans  # noqa: F401 - sets keras-gans' XLA flag before JAX runs
from keras_gans.core import backend
from throughput import VARIANTS, build


def parse(setting):
    """`"A=1,B=2"` -> `{"A": 1, "B": 2}` (Python literals); `"base"` -> `{}`."""
    if setting == "base":
        return {}
    pairs = [item.split("=", 1) for item in setting.split(",")]
    for name, _ in pairs:
        if not hasattr(backend, name):
            raise ValueError(f"keras_gans.core.backend has no constant {name!r}.")
    return {name: ast.literal_eval(value) for name, value in pairs}


def compiled_step(variant, constants, at_step=None):
    """The variant's jitted train step, traced with `constants` set, and its
    first batch and state (every optimizer's step counter at `at_step` if
    given)."""
    defaults = {name: getattr(backend, name) for name in constants}
    for name, value in constants.items():
        setattr(backend, name, value)
    try:
        model, data, _ = build(variant, "float32", 1, None, {})
        model.fit(data, steps_per_epoch=1, epochs=1, verbose=0)
        if at_step is not None:
            for optimizer in getattr(model.optimizer, "optimizers", [model.optimizer]):
                optimizer.iterations.assign(at_step)
        batch = next(iter(data.as_numpy_iterator()))
        state = ([v.value for v in model.trainable_variables],
                 [v.value for v in model.non_trainable_variables],
                 [v.value for v in model.optimizer.variables],
                 [v.value for v in model.metrics_variables])
        step = jax.jit(model.train_step)
        jax.block_until_ready(step(state, batch))  # traces and compiles here
    finally:
        for name, value in defaults.items():
            setattr(backend, name, value)
    return step, state, batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=VARIANTS)
    parser.add_argument("--setting", default="WEIGHT_GRADIENT_CHUNK_ELEMENTS=1099511627776",
                        help="NAME=VALUE[,NAME=VALUE]: the B side (the A side is the defaults)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--at-step", type=int, default=None,
                        help="the optimizers' step counter in the timed steps (default: 1); StyleGAN "
                        "takes its lazy R1 penalty at multiples of 16")
    args = parser.parse_args()
    if keras.backend.backend() != "jax":
        raise SystemExit(f"Run with KERAS_BACKEND=jax; the backend is {keras.backend.backend()!r}.")
    settings = {"base": {}, args.setting: parse(args.setting)}
    steps = {label: compiled_step(args.variant, constants, args.at_step)
             for label, constants in settings.items()}
    milliseconds = {label: [] for label in steps}
    for _ in range(args.rounds):
        for label, (step, state, batch) in steps.items():
            start = time.perf_counter()
            for _ in range(3):
                outputs = step(state, batch)
            jax.block_until_ready(outputs)
            milliseconds[label].append(1000 * (time.perf_counter() - start) / 3)
    base = np.median(milliseconds["base"])
    for label, values in milliseconds.items():
        print(f"{args.variant} {label}: {np.median(values):.1f} ms/step, speed {base / np.median(values):.3f}x "
              "of base")


if __name__ == "__main__":
    main()
