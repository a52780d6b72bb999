"""Training throughput of every zoo variant: `fit` vs a plain hand-written
loop of the same networks, on every backend.

For each variant the preset's architecture (from the zoo) is compiled with
its recipe and trained on its recipe's dataset. `fit` is the model's own
`fit` (Keras' trainer, keras-gans' step, the per-batch data checks); the
*loop* is `benchmarks/reference.py`: the same networks, optimizers, losses
and passes, hand-written for the backend. Images per second after warm-up
(JAX compilation, `tf.function` tracing); both are timed in the same
process, one after the other, and each (backend, variant, batch) in a fresh
process, so that its peak resident memory (`ru_maxrss`) is its own.

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
import platform
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS_JSON = os.path.join(HERE, "throughput.json")
BACKENDS = ("tensorflow", "jax", "torch")
# One preset per variant: the architecture that is timed.
PRESETS = {
    "gan": "gan_fashion_mnist",
    "dcgan": "dcgan_fashion_mnist",
    "wgan_gp": "wgan_gp_fashion_mnist",
    "cgan": "cgan_fashion_mnist",
    "acgan": "acgan_fashion_mnist",
    "infogan": "infogan_fashion_mnist",
    "sgan": "sgan_fashion_mnist_100labels",
    "pix2pix": "pix2pix_fashion_edges",
    "cyclegan": "cyclegan_fashion_sneaker_boot",
    "srgan": "srgan_fashion_x4",
    "stylegan": "stylegan_fashion_mnist",
    "vae": "vae_fashion_mnist",
    "video_adversarial": "video_next_frame_fashion",
}


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


def _variant_of(card):
    return card["recipe"]["variant"]


def build(model_name, policy, devices, batch_size):
    """The preset's architecture, fresh weights from the preset, compiled
    with its recipe; and its recipe's data."""
    import keras

    from keras_gans import datasets, recipes, zoo
    from keras_gans.core import backend, presets

    keras.config.set_dtype_policy(policy)
    card = presets.read_card(presets.resolve(PRESETS[model_name]))
    variant = _variant_of(card)
    cls, recipe = recipes.get(variant)
    batch_size = batch_size or recipe.batch_size
    if recipe.num_labeled:
        data, _ = datasets.semi_supervised(recipe.dataset, num_labeled=recipe.num_labeled,
                                           batch_size=batch_size, limit=4096, seed=0)
    else:
        data = datasets.load(recipe.dataset, batch_size=batch_size, limit=4096, seed=0,
                             with_labels=recipe.with_labels)
    with backend.data_parallel(devices):
        model = zoo.load(PRESETS[model_name])
        if policy != "float32":  # the preset's layers are float32; rebuild under the policy
            model = type(model).from_config({**model.get_config(), "dtype": policy})
        recipe.compile(model)
    return model, data.repeat(), batch_size, variant


def time_fit(model, data, steps, warmup):
    model.fit(data, steps_per_epoch=warmup, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return time.perf_counter() - start


def time_loop(model, data, steps, warmup):
    import numpy as np

    import reference

    spec = reference.spec_for(model)
    run = reference.make_step(spec)
    rng = np.random.default_rng(0)
    batches = iter(data.as_numpy_iterator())

    def one(index):
        batch = {k: np.asarray(v) for k, v in model.unpack_batch(next(batches)).items()}
        first = next(iter(batch.values()))
        batch.update(spec.noise(rng, len(first)))
        extra = bool(spec.extra_every) and index % spec.extra_every == 0
        run(batch, extra)

    for i in range(max(warmup, 2 if spec.extra_every else 1)):
        one(i)
    start = time.perf_counter()
    for i in range(steps):
        one(i)
    return time.perf_counter() - start


def worker(args):
    _devices_setup(args.devices)
    import keras

    from keras_gans.core import backend

    model, data, batch_size, variant = build(args.model, args.policy, args.devices, args.batch_size)
    result = {"model": args.model, "variant": variant, "backend": keras.backend.backend(),
              "batch_size": batch_size, "policy": args.policy, "devices": args.devices,
              "steps": args.steps}
    with backend.data_parallel(args.devices):
        fit_seconds = time_fit(model, data, args.steps, args.warmup)
    result["fit"] = args.steps * batch_size / fit_seconds
    result["fit_step_ms"] = 1000 * fit_seconds / args.steps
    if args.devices == 1:  # the hand-written loops are single-device
        fresh, data, _, _ = build(args.model, args.policy, 1, args.batch_size)
        loop_seconds = time_loop(fresh, data, args.steps, args.warmup)
        result["loop"] = args.steps * batch_size / loop_seconds
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


# ---------------------------------------------------------------- orchestration


def run_cell(backend, model, batch_size, args):
    command = [sys.executable, os.path.abspath(__file__), "--worker", "--model", model,
               "--steps", str(args.steps), "--warmup", str(args.warmup), "--policy", args.policy,
               "--devices", str(args.devices)]
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
    return "/".join(str(result[k]) for k in ("backend", "model", "batch_size", "policy", "devices"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", default=list(PRESETS), choices=list(PRESETS))
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[None],
                        help="default: each recipe's batch size")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
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
    machine = f"{platform.machine()}, {os.cpu_count()} CPU cores"
    for model in args.model:
        for batch_size in args.batch_sizes:
            for backend in args.backends:
                result = run_cell(backend, model, batch_size, args)
                if result is None:
                    continue
                result.update(machine=machine, date=datetime.date.today().isoformat())
                results[key_of(result)] = result
                loop = f"loop {result['loop']:7.1f}  fit/loop {result['fit'] / result['loop']:.2f}" \
                    if "loop" in result else ""
                print(f"{backend:10s} {model:18s} batch {result['batch_size']:4d}  "
                      f"fit {result['fit']:7.1f} img/s  {loop}  peak {result['peak_rss_mb']:.0f} MB",
                      flush=True)
                with open(RESULTS_JSON + ".tmp", "w") as f:
                    json.dump(results, f, indent=2, sort_keys=True)
                os.replace(RESULTS_JSON + ".tmp", RESULTS_JSON)
    import throughput_report

    throughput_report.write(results)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
