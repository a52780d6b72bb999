"""Where StyleGAN's JAX step loses to TensorFlow on CPU: its networks'
passes, one at a time, on each backend.

The StyleGAN recipe's networks (fresh weights, batch 32, 32x32 images) run
each pass of a training step alone, compiled (`jax.jit` of `stateless_call`
and `jax.grad`; `tf.function` with a `GradientTape`): the discriminator's
forward pass, its gradient with respect to its weights (the discriminator's
update) and to its input (what the generator's update backpropagates
through), the synthesis network's forward pass (noise drawn fresh, as in
training), its weight gradient, and the generator's whole update (the
synthesis network's weight gradient through the discriminator). The styles
are fixed, so the mapping network is left out. Milliseconds, the median of
7 rounds of 10 calls. Each backend runs in its own process, which imports
keras_gans first, as a user's does.

    .venv/bin/python benchmarks/stylegan_passes.py

It rewrites the `stylegan-passes` section of benchmarks/RESULTS.md.
"""

import datetime

import results_sections

BEGIN, END = "<!-- stylegan-passes:begin -->", "<!-- stylegan-passes:end -->"
BACKENDS = ("tensorflow", "jax")
PASSES = (
    "discriminator forward",
    "discriminator, weight gradient",
    "discriminator, input gradient",
    "synthesis forward",
    "synthesis, weight gradient",
    "synthesis weight gradient through the discriminator",
)


def _jax_passes(discriminator, synthesis, images, styles):
    import jax

    d_weights = [v.value for v in discriminator.trainable_variables]
    d_fixed = [v.value for v in discriminator.non_trainable_variables]
    s_weights = [v.value for v in synthesis.trainable_variables]
    s_fixed = [v.value for v in synthesis.non_trainable_variables]

    def d_sum(weights, x):
        return discriminator.stateless_call(weights, d_fixed, x, training=True)[0].sum()

    def s_out(weights, w):
        return synthesis.stateless_call(weights, s_fixed, w, training=True)[0]

    functions = (
        (jax.jit(d_sum), (d_weights, images)),
        (jax.jit(jax.grad(d_sum)), (d_weights, images)),
        (jax.jit(jax.grad(d_sum, argnums=1)), (d_weights, images)),
        (jax.jit(lambda weights, w: s_out(weights, w).sum()), (s_weights, styles)),
        (jax.jit(jax.grad(lambda weights, w: s_out(weights, w).sum())), (s_weights, styles)),
        (jax.jit(jax.grad(lambda weights, w: d_sum(d_weights, s_out(weights, w)))), (s_weights, styles)),
    )
    return [lambda f=f, a=a: jax.block_until_ready(f(*a)) for f, a in functions]


def _tensorflow_passes(discriminator, synthesis, images, styles):
    import tensorflow as tf

    def gradient(network, loss, of_input=False):
        @tf.function
        def run(x):
            with tf.GradientTape() as tape:
                if of_input:
                    tape.watch(x)
                y = loss(x)
            return tape.gradient(y, x if of_input else network.trainable_variables)
        return run

    d_sum = lambda x: tf.reduce_sum(discriminator(x, training=True))  # noqa: E731
    s_sum = lambda w: tf.reduce_sum(synthesis(w, training=True))  # noqa: E731
    functions = (
        (tf.function(d_sum), images),
        (gradient(discriminator, d_sum), images),
        (gradient(discriminator, d_sum, of_input=True), images),
        (tf.function(s_sum), styles),
        (gradient(synthesis, s_sum), styles),
        (gradient(synthesis, lambda w: d_sum(synthesis(w, training=True))), styles),
    )
    return [lambda f=f, a=a: tf.nest.map_structure(lambda t: t.numpy(), f(a)) for f, a in functions]


def worker():
    import keras
    import numpy as np

    import keras_gans  # noqa: F401  (its XLA flags, before JAX starts)
    from keras_gans import datasets, recipes

    _, recipe = recipes.get("stylegan")
    data = datasets.load(recipe.dataset, batch_size=recipe.batch_size, limit=recipe.batch_size, seed=0)
    model = recipes.build("stylegan", element_spec=data.element_spec, seed=0)
    batch = next(iter(data))
    images = keras.ops.convert_to_tensor(np.asarray(batch["real"] if isinstance(batch, dict) else batch))
    styles = keras.ops.convert_to_tensor(np.asarray(model.mixed_styles(recipe.batch_size, training=False)))
    make = _jax_passes if keras.backend.backend() == "jax" else _tensorflow_passes
    out = {}
    for name, run in zip(PASSES, make(model.discriminator, model.synthesis, images, styles)):
        out[name] = results_sections.median_milliseconds(run, rounds=7, calls=10, warmup=3)
    results_sections.report(out)


def main():
    if results_sections.is_worker(__doc__):
        return worker()
    measured = {}
    for backend in BACKENDS:
        measured[backend] = results_sections.run_worker(__file__, backend)
        print(backend, {k: round(v, 1) for k, v in measured[backend].items()}, flush=True)
    lines = [
        BEGIN,
        f"Reproduce: `.venv/bin/python benchmarks/stylegan_passes.py` ({results_sections.machine()}, "
        f"{datetime.date.today().isoformat()}; the StyleGAN recipe's networks, batch 32, milliseconds "
        "per call, the median of 7 rounds of 10 calls; lower is better).",
        "",
        "| pass | TF ms | JAX ms | JAX / TF time |",
        "|---|---|---|---|",
    ]
    for name in PASSES:
        tf_ms, jax_ms = measured["tensorflow"][name], measured["jax"][name]
        lines.append(f"| {name} | {tf_ms:.1f} | {jax_ms:.1f} | {jax_ms / tf_ms:.2f} |")
    lines.append(END)
    results_sections.write_section(BEGIN, END, "StyleGAN's passes, per backend", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
