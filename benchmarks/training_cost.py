"""What each generator preset cost to train, measured in one run.

A preset card records `train_seconds`, the wall-clock of its training, but
cards trained on a shared machine at different times are not comparable.
This script times the preset's own recipe (`fit`, its batch size and
dataset, fresh weights) for `--steps` steps after warm-up, all presets back
to back in one process, and multiplies by the steps the preset was trained
for: the training cost of each on this machine, side by side.

    KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/training_cost.py

It rewrites the `training-cost` section of benchmarks/RESULTS.md.
"""

import argparse
import datetime
import os
import re
import time

import keras

from keras_gans import datasets, recipes
from keras_gans.core import presets

import results_sections

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "RESULTS.md")
BEGIN, END = "<!-- training-cost:begin -->", "<!-- training-cost:end -->"
PRESETS = ("dcgan_fashion_mnist", "vae_fashion_mnist", "stylegan_fashion_mnist")
TRAIN_IMAGES = 60_000


def trained_steps(card):
    """Steps the preset trained for, from its recorded command."""
    recipe = card["recipe"]
    match = re.search(r"--steps-per-epoch (\d+)", recipe.get("command") or "")
    per_epoch = int(match.group(1)) if match else TRAIN_IMAGES // int(recipe["batch_size"])
    return int(recipe["epochs"]) * per_epoch


def seconds_per_step(card, steps, warmup):
    cls, recipe = recipes.get(card["recipe"]["variant"])
    model = cls.from_config(card["model"]["config"])
    recipe.compile(model)
    data = datasets.load(recipe.dataset, batch_size=recipe.batch_size, seed=0).repeat()
    model.fit(data, epochs=1, steps_per_epoch=warmup, verbose=0)
    start = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    return (time.perf_counter() - start) / steps


def table(rows):
    lines = [
        "| preset | batch | steps trained | s / step (this run) | training cost (this run) | "
        "card's train_seconds | FID |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        recorded = row["train_seconds"]
        lines.append(
            f"| `{row['name']}` | {row['batch']} | {row['steps']} | {row['seconds_per_step']:.3f} | "
            f"{row['cost'] / 60:.1f} min | {'%.0f s' % recorded if recorded else 'not recorded'} | "
            f"{row['fid']} |"
        )
    return "\n".join(lines)


def write_section(text):
    results_sections.write_section(BEGIN, END, "Training cost of the generator presets",
                                   f"{BEGIN}\n{text}\n{END}", RESULTS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    rows = []
    for name in PRESETS:
        if name not in presets.names():
            print(f"{name}: no such preset, skipped")
            continue
        card = presets.read_card(presets.resolve(name))
        per_step = seconds_per_step(card, args.steps, args.warmup)
        steps = trained_steps(card)
        rows.append({
            "name": name,
            "batch": card["recipe"]["batch_size"],
            "steps": steps,
            "seconds_per_step": per_step,
            "cost": steps * per_step,
            "train_seconds": card["recipe"].get("train_seconds"),
            "fid": card["metrics"].get("fid"),
        })
        print(rows[-1])
    text = "\n".join([
        f"Reproduce: `KERAS_BACKEND={keras.backend.backend()} .venv/bin/python benchmarks/training_cost.py` "
        f"({args.steps} timed steps after {args.warmup} of warm-up, each preset's recipe with fresh weights, "
        f"{keras.backend.backend()} backend, {results_sections.machine()}, "
        f"{datetime.date.today()}).",
        "",
        "*Training cost* = steps trained x seconds per step measured here, back to back in one run, so "
        "the presets compare on equal terms. *Card's train_seconds* is the wall-clock the training "
        "command recorded, on a machine shared with other work at the time (not comparable across "
        "presets; older cards predate the field).",
        "",
        table(rows),
    ])
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
