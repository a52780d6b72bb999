"""Redraws every shipped preset's card picture (`samples.png`) with
`model.save_preset_figure`, as `keras-gans export` draws it.

Run it when sampling changes: since integer seeds draw their latents with
NumPy (the same on every backend), `generate(64, seed=0)` gives other images
than the `keras.random` stream the cards were first drawn with. The cards'
metrics are unchanged (they were measured on 10,000 samples of the earlier
stream; the new stream is another draw from the same prior).

Usage:

```
.venv/bin/python benchmarks/preset_figures.py
```
"""

import os

import keras_gans as kg
from keras_gans.core import presets


def main():
    for name in presets.names():
        folder = presets.resolve(name)
        card = presets.read_card(folder)
        path = os.path.join(folder, "samples.png")
        if not os.path.exists(path):
            continue
        model = kg.zoo.load(name)
        model.save_preset_figure(path, dataset=card.get("dataset"))
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
