"""`train`: the training command behind `keras-gans train`.

A run folder holds everything a run produces:

```
OUT/
  samples/epoch_001.png ...  fixed-seed sample grids
  losses.png, losses.json    loss curves
  metrics.csv                per-epoch logs
  checkpoint.keras           the latest full model (weights + optimizer state)
  progress.json              epochs done and training wall-clock (train_seconds)
  run.json                   the command's arguments
```

Running the same command again with `--resume` continues from
`checkpoint.keras` at the next epoch.
"""

import json
import os
import time

import keras

from keras_gans import callbacks as gan_callbacks
from keras_gans import datasets, metrics, recipes, transfer, zoo
from keras_gans.core import presets
from keras_gans.core.io import atomic_path

CHECKPOINT = "checkpoint.keras"


class _EpochCheckpoint(keras.callbacks.Callback):
    """Saves the full model (atomically), the finished epoch count and the
    training wall-clock so far (`train_seconds`, summed over resumed runs)."""

    def __init__(self, directory, train_seconds=0.0):
        super().__init__()
        self.directory = directory
        self.train_seconds = float(train_seconds)
        self._start = None

    def on_train_begin(self, logs=None):
        self._start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        seconds = self.train_seconds + time.monotonic() - self._start
        self.model.save(os.path.join(self.directory, CHECKPOINT))
        _write_json(
            os.path.join(self.directory, "progress.json"),
            {"epochs_done": epoch + 1, "train_seconds": round(seconds, 1)},
        )


def _write_json(path, data):
    with atomic_path(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(data, f, indent=2)


def train(
    variant,
    out,
    dataset=None,
    epochs=5,
    batch_size=None,
    steps_per_epoch=None,
    limit=None,
    seed=0,
    resume=False,
    verbose=1,
    extra_callbacks=(),
    command=None,
    from_preset=None,
    classes=None,
    freeze_discriminator=None,
    num_labeled=None,
):
    """Trains a variant with its recipe and writes a run folder.

    With `from_preset`, training starts from a zoo preset's weights: the
    Keras way to fine-tune (optionally with the discriminator's first blocks
    frozen, Freeze-D) on new data such as a subset of `classes`.

    Args:
        variant: a recipe name (`keras_gans.recipes.names()`).
        out: run folder.
        dataset: a `keras_gans.datasets.load` name. Defaults to the
            recipe's (`fashion_mnist`, `fashion_edges`, ...).
        epochs: total epochs (with `resume`, including those already done).
        batch_size: defaults to the recipe's.
        steps_per_epoch: cap the steps of each epoch.
        limit: use only the first `limit` training examples.
        seed: model and shuffling seed.
        resume: continue from `OUT/checkpoint.keras` if present.
        verbose: Keras progress bar setting.
        extra_callbacks: more callbacks.
        command: the command line that started the run, recorded in run.json.
        from_preset: start from this preset's weights (fine-tuning): the
            preset's networks, with the recipe's model options (e.g. its
            loss weights) and optimizers.
        classes: train only on these labels.
        freeze_discriminator: freeze the discriminator up to this block
            (e.g. `"block_1"`) before compiling.
        num_labeled: semi-supervised variants: how many labelled images
            (class-balanced; default: the recipe's). Their indices are
            written to `OUT/labeled_indices.json`.

    Returns:
        The trained model.
    """
    cls, recipe = recipes.get(variant)
    os.makedirs(out, exist_ok=True)
    dataset = dataset or recipe.dataset
    batch_size = batch_size or recipe.batch_size
    num_labeled = num_labeled or recipe.num_labeled
    if num_labeled:
        if classes:
            raise ValueError("`classes` cannot be combined with semi-supervised training.")
        data, picked = datasets.semi_supervised(
            dataset, num_labeled=num_labeled, batch_size=batch_size, seed=seed, limit=limit
        )
        _write_json(os.path.join(out, datasets.LABELED_INDICES_FILE), [int(i) for i in picked])
    else:
        data = datasets.load(
            dataset, batch_size=batch_size, limit=limit, seed=seed, classes=classes,
            with_labels=recipe.with_labels,
        )
    checkpoint = os.path.join(out, CHECKPOINT)
    progress = os.path.join(out, "progress.json")
    initial_epoch, train_seconds = 0, 0.0
    if resume and os.path.exists(checkpoint):
        model = keras.models.load_model(checkpoint)
        with open(progress) as f:
            done = json.load(f)
        initial_epoch, train_seconds = done["epochs_done"], done.get("train_seconds", 0.0)
    elif from_preset:
        model = _from_preset(from_preset, cls, recipe)
        if freeze_discriminator:
            transfer.freeze(model.discriminator, until=freeze_discriminator)
        recipe.compile(model)
    else:
        model = recipes.build(variant, element_spec=data.element_spec, seed=seed)
    _write_json(
        os.path.join(out, "run.json"),
        {
            "command": command,
            "variant": variant,
            "dataset": dataset,
            "epochs": epochs,
            "batch_size": batch_size,
            "steps_per_epoch": steps_per_epoch,
            "limit": limit,
            "classes": classes,
            "from_preset": from_preset,
            "freeze_discriminator": freeze_discriminator,
            "num_labeled": num_labeled,
            "seed": seed,
            "backend": keras.backend.backend(),
            "keras_version": keras.__version__,
        },
    )
    callbacks = [
        # The variant's own first, so that CSVLogger records what they log.
        *model.training_callbacks(os.path.join(out, "samples"), data, dataset),
        gan_callbacks.LossHistory(out, every_n_steps=10),
        keras.callbacks.CSVLogger(os.path.join(out, "metrics.csv"), append=initial_epoch > 0),
        _EpochCheckpoint(out, train_seconds),
        *extra_callbacks,
    ]
    if initial_epoch < epochs:
        model.fit(
            data,
            epochs=epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch,
            callbacks=callbacks,
            verbose=verbose,
            shuffle=False,  # the pipeline shuffles
        )
    return model


def _from_preset(name_or_path, cls, recipe):
    """A preset's networks rebuilt with `recipe`'s model options."""
    preset = zoo.load(name_or_path)
    if not isinstance(preset, cls):
        raise ValueError(
            f"Preset {name_or_path!r} holds a {type(preset).__name__}; this recipe trains a "
            f"{cls.__name__}."
        )
    model = cls.from_config({**preset.get_config(), **recipe.model_args})
    try:
        model.set_weights(preset.get_weights())
    except ValueError as error:
        raise ValueError(
            f"The recipe's model options {recipe.model_args} change the networks of preset "
            f"{name_or_path!r}, so its weights do not fit: {error}"
        ) from error
    return model


def train_classifier(out, epochs=8, batch_size=128, seed=0, limit=None, verbose=1, command=None):
    """Trains the Fashion-MNIST evaluator (`keras_gans.metrics.build_classifier`).

    Writes `OUT/classifier.keras` and `OUT/metrics.json` (test accuracy).

    Returns:
        `(model, test_accuracy)`.
    """
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(seed)
    train_images, train_labels = datasets.fashion_mnist.load_arrays("train")
    test_images, test_labels = datasets.fashion_mnist.load_arrays("test")
    train_images, train_labels = datasets.select(train_images, train_labels, limit=limit)
    model = metrics.build_classifier()
    steps = epochs * (len(train_images) // batch_size)
    model.compile(
        optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, steps)),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(
        datasets.from_arrays(datasets.to_unit_range(train_images), train_labels, batch_size, seed=seed),
        epochs=epochs,
        verbose=verbose,
        shuffle=False,
        callbacks=[keras.callbacks.CSVLogger(os.path.join(out, "metrics.csv"))],
    )
    _, accuracy = model.evaluate(
        datasets.to_unit_range(test_images), test_labels, batch_size=500, verbose=0
    )
    with atomic_path(os.path.join(out, "classifier.keras")) as tmp:
        model.save(tmp)
    _write_json(
        os.path.join(out, "run.json"),
        {"command": command, "variant": "classifier", "dataset": "fashion_mnist", "epochs": epochs,
         "batch_size": batch_size, "seed": seed, "backend": keras.backend.backend(),
         "keras_version": keras.__version__},
    )
    _write_json(os.path.join(out, "metrics.json"), {"test_accuracy": float(accuracy)})
    return model, float(accuracy)


def export_preset(run_dir, name, dest=None, num_samples=10_000, task=None, description="", verbose=1):
    """Measures a finished run and writes it as a zoo preset.

    GAN runs are scored with `keras_gans.metrics.measure` (sample quality on
    `num_samples` samples against the Fashion-MNIST test set, plus what the
    variant declares in `purpose_metrics`); classifier runs with their test
    accuracy. The preset card records the run's exact
    command, data, backend, epochs and date, and the measured metrics; a
    sample grid (`samples.png`) and a human-readable `README.md` sit beside it.

    Returns:
        The preset card.
    """
    dest = dest or presets.PRESETS_DIR
    folder = os.path.join(dest, name)
    with open(os.path.join(run_dir, "run.json")) as f:
        run = json.load(f)
    if run["variant"] == "classifier":
        model = keras.models.load_model(os.path.join(run_dir, "classifier.keras"))
        test_images, test_labels = metrics.real_images("test")
        scores = {"test_accuracy": round(metrics.Evaluator(model).accuracy(test_images, test_labels), 4)}
        task = task or "classification (GAN evaluator)"
        evaluation = "test accuracy on the 10,000 Fashion-MNIST test images"
    else:
        model = keras.models.load_model(os.path.join(run_dir, CHECKPOINT))
        measured = metrics.measure(model, num_samples=num_samples, run_dir=run_dir, verbose=verbose)
        scores = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in measured.items()}
        task = task or model.task
        evaluation = model.evaluation_protocol(num_samples)
    with open(os.path.join(run_dir, "progress.json" if run["variant"] != "classifier" else "run.json")) as f:
        progress = json.load(f)
    epochs_done = progress.get("epochs_done", run.get("epochs"))
    # Wall-clock of the training epochs, where the run recorded it.
    timing = {"train_seconds": progress["train_seconds"]} if "train_seconds" in progress else {}
    card = presets.save(
        model,
        folder,
        metrics=scores,
        name=name,
        task=task,
        dataset=run["dataset"],
        description=description,
        recipe={
            "variant": run["variant"],
            "command": run.get("command"),
            "epochs": epochs_done,
            "batch_size": run.get("batch_size"),
            "seed": run.get("seed"),
            "backend": run.get("backend"),
            "keras_version": run.get("keras_version"),
            **timing,
        },
        evaluation=evaluation,
        figure_caption=getattr(model, "figure_caption", None),
    )
    if run["variant"] != "classifier":
        model.save_preset_figure(os.path.join(folder, "samples.png"), dataset=run["dataset"])
    _write_card_readme(folder, card)
    return card


def _write_card_readme(folder, card):
    lines = [
        f"# {card['name']}",
        "",
        f"{card['class_name']} — {card['task']} on {card['dataset']}.",
        "",
        "```python",
        "import keras_gans as kg",
        f"model = kg.zoo.load(\"{card['name']}\")",
        "```",
        "",
        f"Trained with `{card['recipe']['command']}` ({card['recipe']['epochs']} epochs, "
        f"{card['recipe']['backend']} backend, Keras {card['recipe']['keras_version']}, {card['date']}).",
        "",
        f"Metrics ({card['evaluation']}):",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in card["metrics"].items()]
    if os.path.exists(os.path.join(folder, "samples.png")):
        caption = card.get("figure_caption") or "64 samples, seed 0"
        lines += ["", f"![{caption}](samples.png)", "", f"*{caption}.*"]
    with atomic_path(os.path.join(folder, "README.md")) as tmp:
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
