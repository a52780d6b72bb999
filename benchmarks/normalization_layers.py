"""Keras' normalization layers against keras-gans' on JAX: one jitted
training-mode forward pass and its gradient (with respect to the inputs,
the scale and the offset), for every batch and instance normalization of
the zoo's networks at their recipes' batch sizes.

`kg.layers.BatchNormalization` and `kg.layers.GroupNormalization` (instance
normalization) compute their sums over positions as matrix products and
write their gradients out (`keras_gans.core.backend.batch_normalization`,
`instance_normalization`); Keras' layers are autodiff of `keras.ops`, whose
sums XLA runs as reductions over leading axes. Each row times both layers
with the same weights and inputs, in alternating repeats (the median
counts), and gives the largest difference between their gradients.

    KERAS_BACKEND=jax .venv/bin/python benchmarks/normalization_layers.py
"""

import jax
import keras
import numpy as np

import keras_gans as kg
from conv_weight_gradient import relative_difference, timed_pair
from keras_gans import recipes

VARIANTS = ("dcgan", "srgan", "vae", "pix2pix", "cyclegan")
OURS = (kg.layers.BatchNormalization, kg.layers.GroupNormalization)


def normalizations(variant):
    """(network, layer, input shape at the recipe's batch) of each of the
    variant's keras-gans normalizations, one per distinct layer and shape."""
    _, recipe = recipes.get(variant)
    model = recipes.build(variant, seed=0)
    found = {}
    networks = [value for value in vars(model).values() if isinstance(value, keras.Model)]
    for network in networks:
        for layer in network.layers:
            if isinstance(layer, OURS):
                shape = (recipe.batch_size,) + tuple(layer.input.shape[1:])
                found.setdefault((type(layer).__name__, shape), (network.name, layer))
    return [(network, layer, shape) for (_, shape), (network, layer) in found.items()]


def gradients(layer):
    """The output, and the gradients of `sum(output * cotangent)` with
    respect to the inputs, the scale and the offset."""
    mode = {"training": True} if isinstance(layer, keras.layers.BatchNormalization) else {}

    def loss(x, scale, offset, cotangent):
        outputs, _ = layer.stateless_call([scale, offset], [v.value for v in layer.non_trainable_variables],
                                          x, **mode)
        return keras.ops.sum(outputs * cotangent)

    return jax.jit(jax.grad(loss, argnums=(0, 1, 2)))


def main():
    rng = np.random.default_rng(0)
    print("| variant | network, layer | kind | input | Keras' layer ms | keras-gans' ms | speed-up "
          "| largest gradient difference |")
    print("|---|---|---|---|---|---|---|---|")
    for variant in VARIANTS:
        for network, layer, shape in normalizations(variant):
            reference = type(layer).__bases__[0].from_config(layer.get_config())  # Keras' layer
            reference.build(shape)
            x = (1.0 + 2.0 * rng.standard_normal(shape)).astype("float32")
            cotangent = rng.standard_normal(shape).astype("float32")
            scale, offset = (v.value for v in layer.trainable_variables)
            functions = {"keras": gradients(reference), "ours": gradients(layer)}
            ms, results = timed_pair(functions, x, scale, offset, cotangent)
            difference = max(relative_difference(ours, theirs)
                             for ours, theirs in zip(results["ours"], results["keras"]))
            kind = "instance" if isinstance(layer, kg.layers.GroupNormalization) else "batch"
            size = "x".join(str(d) for d in shape[1:])
            print(f"| {variant} | {network}, {layer.name} | {kind} | {shape[0]} x {size} "
                  f"| {ms['keras']:.1f} | {ms['ours']:.1f} | {ms['keras'] / ms['ours']:.2f}x "
                  f"| {difference:.1e} (relative) |", flush=True)


if __name__ == "__main__":
    main()
