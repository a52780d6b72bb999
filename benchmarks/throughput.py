"""Training throughput of every zoo variant: `fit` vs a plain hand-written
loop of the same networks, on every backend.

Each variant is built, compiled and fed as `keras-gans train NAME` does (its
recipe's model, optimizers, loss, batch size and dataset; fresh weights). `fit` is the model's own
`fit` (Keras' trainer, keras-gans' step, the per-batch data checks); the
*loop* is `benchmarks/reference.py`: the same networks, optimizers, losses
and passes, hand-written for the backend. Images per second after warm-up
(JAX compilation, `tf.function` tracing); both are timed in the same
process, in alternating rounds (the median round counts): fit's rounds are
windows of one `fit` call, the loop's run between them. A round holds whole
periods of a variant's occasional extra step (StyleGAN's lazy R1 penalty
every 16 steps: 16 steps a round), so that the median counts it at its
share. Each (backend,
variant, batch) runs in a fresh process, so that its peak resident memory
(`ru_maxrss`) is its own.

    .venv/bin/python benchmarks/throughput.py                    # every variant, every backend
    .venv/bin/python benchmarks/throughput.py --model dcgan --backends jax
    .venv/bin/python benchmarks/throughput.py --model dcgan --batch-sizes 32 64 128 256 512
    .venv/bin/python benchmarks/throughput.py --model dcgan --policy mixed_bfloat16
    .venv/bin/python benchmarks/throughput.py --model dcgan --devices 2

Results accumulate in benchmarks/throughput.json (one entry per cell, the
latest run winning) and rewrite the `throughput` section of
benchmarks/RESULTS.md.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time

import results_sections
import throughput_report

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS_JSON = throughput_report.RESULTS_JSON
BACKENDS = ("tensorflow", "jax", "torch")
# One recipe per variant: what `keras-gans train NAME` builds and trains.
VARIANTS = ("gan", "dcgan", "wgan_gp", "cgan", "acgan", "infogan", "sgan", "pix2pix", "cyclegan",
            "srgan", "stylegan", "vae", "video_adversarial")


# ---------------------------------------------------------------- one cell (worker)


def _devices_setup(devices):
    """Virtual CPU devices, before the backend starts."""
    if devices > 1 and os.environ.get("KERAS_BACKEND") == "jax":
        os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    if devices > 1 and os.environ.get("KERAS_BACKEND") == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        if not tf.config.list_physical_devices("GPU"):
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * devices
            )


def build(variant, policy, devices, batch_size, overrides):
    """The variant as `keras-gans train` builds it (its recipe's model,
    optimizers, loss, batch and dataset; fresh weights), under `policy`."""
    import keras

    from keras_gans import datasets, recipes
    from keras_gans.core import backend

    keras.config.set_dtype_policy(policy)
    _, recipe = recipes.get(variant)
    batch_size = batch_size or recipe.batch_size
    if recipe.num_labeled:
        data, _ = datasets.semi_supervised(recipe.dataset, num_labeled=recipe.num_labeled,
                                           batch_size=batch_size, limit=4096, seed=0)
    else:
        data = datasets.load(recipe.dataset, batch_size=batch_size, limit=4096, seed=0,
                             with_labels=recipe.with_labels)
    with backend.data_parallel(devices):
        model = recipes.build(variant, element_spec=data.element_spec, seed=0, **overrides)
    return model, data.repeat(), batch_size


def round_timer(warmup, steps, rounds, between):
    """A callback for one `fit` call of `warmup + rounds * steps` steps:
    after `warmup` steps, it times `rounds` rounds of `steps` steps and calls
    `between()` (the loop's round) before each, outside the timed windows.

    One `fit` call holds every round, as a training run does: a call's
    set-up and the teardown of its `tf.data` iterator (0 to 2 s on this
    machine, whatever the steps) are paid once per run, not once per round.
    (Keras is imported here, not at the top: `--devices` must set up the
    virtual devices before the backend starts.)
    """
    import keras

    class RoundTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds, self._start = [], None

        def on_train_batch_end(self, batch, logs=None):
            done = batch + 1
            if done < warmup or (done - warmup) % steps:
                return
            float(next(iter(logs.values())))  # waits for the step (JAX dispatches ahead)
            if done > warmup:
                self.seconds.append(time.perf_counter() - self._start)
            if len(self.seconds) < rounds:
                between()
                self._start = time.perf_counter()

    return RoundTimer()


def loop_runner(model, data):
    """`run(steps)`: that many steps of the hand-written loop
    (`benchmarks/reference.py`) on the same kind of batches."""
    import numpy as np

    import reference

    spec = reference.spec_for(model)
    step = reference.make_step(spec)
    rng = np.random.default_rng(0)
    batches = iter(data.as_numpy_iterator())
    count = [0]

    def run(steps):
        for _ in range(steps):
            batch = {k: np.asarray(v) for k, v in model.unpack_batch(next(batches)).items()}
            batch.update(spec.noise(rng, len(next(iter(batch.values())))))
            extra = bool(spec.extra_every) and count[0] % spec.extra_every == 0
            step(batch, extra)
            count[0] += 1

    return run


def timed(run, steps):
    start = time.perf_counter()
    run(steps)
    return time.perf_counter() - start


def worker(args):
    """Times `fit` and the loop in alternating rounds (this shared machine's
    speed drifts by tens of percent over minutes): each figure is the median
    round, and fit/loop the median of the ratios of a loop round and the fit
    round after it."""
    _devices_setup(args.devices)
    import keras
    import numpy as np

    from keras_gans.core import backend

    overrides = {"upsampling": args.upsampling} if args.upsampling else {}
    model, data, batch_size = build(args.model, args.policy, args.devices, args.batch_size, overrides)
    # A round holds whole periods of the variant's occasional extra work
    # (StyleGAN's lazy R1 every 16 steps), so that the median round counts
    # it at its share, as a training run does.
    import reference

    period = reference.spec_for(model).extra_every or 1
    args.steps = -(-args.steps // period) * period
    seconds = {"fit": []}
    between = lambda: None  # noqa: E731
    if args.devices == 1:  # the hand-written loops are single-device
        fresh, fresh_data, _ = build(args.model, args.policy, 1, args.batch_size, overrides)
        loop = loop_runner(fresh, fresh_data)
        loop(args.warmup)  # compilation, tracing
        seconds["loop"] = []
        between = lambda: seconds["loop"].append(timed(loop, args.steps))  # noqa: E731
    timer = round_timer(args.warmup, args.steps, args.rounds, between)
    with backend.data_parallel(args.devices):
        model.fit(data, steps_per_epoch=args.warmup + args.rounds * args.steps, epochs=1,
                  verbose=0, callbacks=[timer])
    seconds["fit"] = timer.seconds
    result = {"model": args.model, "upsampling": getattr(model, "upsampling", None),
              "backend": keras.backend.backend(),
              "batch_size": batch_size, "recipe_batch": args.batch_size is None,
              "policy": args.policy, "devices": args.devices,
              "steps": args.steps, "rounds": args.rounds,
              "compute_dtype": keras.backend.standardize_dtype(model.generator.compute_dtype)
              if hasattr(model, "generator") else "float32"}
    for name, values in seconds.items():
        result[name] = args.steps * batch_size / float(np.median(values))
    result["fit_step_ms"] = 1000 * float(np.median(seconds["fit"])) / args.steps
    if "loop" in seconds:
        result["fit_over_loop"] = float(np.median(np.array(seconds["loop"]) / np.array(seconds["fit"])))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


# ---------------------------------------------------------------- orchestration


def run_cell(backend, model, batch_size, args):
    command = [sys.executable, os.path.abspath(__file__), "--worker", "--model", model,
               "--steps", str(args.steps), "--warmup", str(args.warmup), "--rounds", str(args.rounds),
               "--policy", args.policy,
               "--devices", str(args.devices)]
    if args.upsampling:
        command += ["--upsampling", args.upsampling]
    if batch_size:
        command += ["--batch-size", str(batch_size)]
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=HERE)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode or not lines:
        print(f"{backend} {model}: FAILED\n{completed.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(lines[-1][len("RESULT "):])


def key_of(result):
    return "/".join(str(result.get(k)) for k in
                    ("backend", "model", "upsampling", "batch_size", "policy", "devices"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", default=list(VARIANTS), choices=VARIANTS,
                        help="recipe names (default: every variant)")
    parser.add_argument("--upsampling", default=None,
                        help="the image variants' upsampling mode (default: the recipe's)")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[None],
                        help="default: each recipe's batch size")
    parser.add_argument("--steps", type=int, default=6, help="timed steps per round (rounded up to whole periods of a variant's "
                        "occasional extra step)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating fit/loop rounds")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--policy", default="float32",
                        choices=["float32", "mixed_float16", "mixed_bfloat16"])
    parser.add_argument("--devices", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.model = args.model[0] if isinstance(args.model, list) else args.model
        return worker(args)

    results = json.load(open(RESULTS_JSON)) if os.path.exists(RESULTS_JSON) else {}
    machine = results_sections.machine()
    for model in args.model:
        for batch_size in args.batch_sizes:
            for backend in args.backends:
                result = run_cell(backend, model, batch_size, args)
                if result is None:
                    continue
                result.update(machine=machine, date=datetime.date.today().isoformat())
                results[key_of(result)] = result
                loop = f"loop {result['loop']:7.1f}  fit/loop {result['fit_over_loop']:.2f}" \
                    if "loop" in result else ""
                print(f"{backend:10s} {model:18s} batch {result['batch_size']:4d}  "
                      f"fit {result['fit']:7.1f} img/s  {loop}  peak {result['peak_rss_mb']:.0f} MB",
                      flush=True)
                with open(RESULTS_JSON + ".tmp", "w") as f:
                    json.dump(results, f, indent=2, sort_keys=True)
                os.replace(RESULTS_JSON + ".tmp", RESULTS_JSON)
    throughput_report.write(results)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
