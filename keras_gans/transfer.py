"""Keras-style transfer learning for GANs: freeze by block, then re-compile.

Layers of the zoo's networks are named `block_<i>_<part>` (plus `project`,
`features`, `logits`...), so "the first two blocks of the discriminator" is
a name, not an index.

Example (Freeze-D, Mo et al. 2020: keep the discriminator's early blocks fixed):

```python
gan = kg.zoo.load("dcgan_fashion_mnist")
kg.transfer.freeze(gan.discriminator, until="block_1")
gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5))
gan.fit(new_data, epochs=2)
```

Re-compile after freezing or unfreezing: the optimizers are built on the
trainable variables, and compiled steps are traced for them.
"""

import re

_BLOCK = re.compile(r"^block_(\d+)")


def _layers(model):
    return [layer for layer in model.layers if layer.weights or _BLOCK.match(layer.name)]


def _block_index(name):
    match = _BLOCK.match(name)
    return int(match.group(1)) if match else None


def _select(model, until=None, depth=None, names=None):
    layers = model.layers
    chosen = []
    if names is not None:
        wanted = set(names)
        missing = wanted - {layer.name for layer in layers}
        if missing:
            raise ValueError(
                f"{model.name} has no layers named {sorted(missing)}; its layers are "
                f"{[layer.name for layer in layers]}."
            )
        chosen = [layer for layer in layers if layer.name in wanted]
    elif until is not None:
        target = _block_index(until)
        if target is None:
            raise ValueError(f"`until` must name a block like 'block_2'; received {until!r}.")
        blocks = {_block_index(layer.name) for layer in layers} - {None}
        if target not in blocks:
            raise ValueError(
                f"{model.name} has no {until!r}; its blocks are "
                f"{['block_%d' % b for b in sorted(blocks)]}."
            )
        # Everything up to and including the last layer of that block.
        last = max(i for i, layer in enumerate(layers) if _block_index(layer.name) == target)
        chosen = layers[: last + 1]
    elif depth is not None:
        weighted = [layer for layer in layers if layer.weights]
        if not 0 <= int(depth) <= len(weighted):
            raise ValueError(
                f"`depth` must be between 0 and {len(weighted)} for {model.name}; received {depth}."
            )
        chosen = weighted[: int(depth)]
    else:
        raise ValueError("Pass one of `until` (a block name), `depth` or `names`.")
    return chosen


def freeze(model, until=None, depth=None, names=None):
    """Freezes layers of a network; returns the names of the frozen layers.

    Args:
        model: a network, e.g. `gan.discriminator` or `gan.generator`.
        until: freeze every layer up to the end of this block (`"block_2"`).
        depth: freeze the first `depth` layers that have weights.
        names: freeze exactly these layers.
    """
    chosen = _select(model, until, depth, names)
    for layer in chosen:
        layer.trainable = False
    return [layer.name for layer in chosen]


def unfreeze(model, until=None, depth=None, names=None):
    """The inverse of `freeze`; with no selector, unfreezes every layer."""
    if until is None and depth is None and names is None:
        chosen = model.layers
    else:
        chosen = _select(model, until, depth, names)
    for layer in chosen:
        layer.trainable = True
    return [layer.name for layer in chosen]


def trainable_summary(model):
    """`{layer_name: trainable}` for the layers that hold weights."""
    return {layer.name: layer.trainable for layer in model.layers if layer.weights}
