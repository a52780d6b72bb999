"""`train`: the training command behind `keras-gans train`.

A run folder holds everything a run produces:

```
OUT/
  samples/epoch_001.png ...  fixed-seed sample grids
  losses.png, losses.json    loss curves
  metrics.csv                per-epoch logs
  checkpoint.keras           the latest full model (weights + both optimizers)
  run.json                   the command's arguments
```

Running the same command again with `--resume` continues from
`checkpoint.keras` at the next epoch.
"""

import json
import os

import keras
import numpy as np

from keras_gans import callbacks as gan_callbacks
from keras_gans import datasets, recipes
from keras_gans.core.io import atomic_path

CHECKPOINT = "checkpoint.keras"
LABELED_INDICES = "labeled_indices.json"
# What each class's preset is for, as its card says.
TASKS = {
    "CGAN": "class-conditional image generation",
    "ACGAN": "class-conditional image generation (auxiliary classifier)",
    "InfoGAN": "unsupervised disentangled generation (categorical + continuous codes)",
    "SGAN": "semi-supervised classification and image generation",
}


class _EpochCheckpoint(keras.callbacks.Callback):
    """Saves the full model (atomically) and the finished epoch count."""

    def __init__(self, directory):
        super().__init__()
        self.directory = directory

    def on_epoch_end(self, epoch, logs=None):
        self.model.save(os.path.join(self.directory, CHECKPOINT))
        _write_json(os.path.join(self.directory, "progress.json"), {"epochs_done": epoch + 1})


def _write_json(path, data):
    with atomic_path(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(data, f, indent=2)


def train(
    variant,
    out,
    dataset="fashion_mnist",
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
        variant: a recipe name (`keras_gans.recipes.RECIPES`).
        out: run folder.
        dataset: a `keras_gans.datasets.load` name.
        epochs: total epochs (with `resume`, including those already done).
        batch_size: defaults to the recipe's.
        steps_per_epoch: cap the steps of each epoch.
        limit: use only the first `limit` training examples.
        seed: model and shuffling seed.
        resume: continue from `OUT/checkpoint.keras` if present.
        verbose: Keras progress bar setting.
        extra_callbacks: more callbacks.
        command: the command line that started the run, recorded in run.json.
        from_preset: start from this preset's weights (fine-tuning).
        classes: train only on these labels.
        freeze_discriminator: freeze the discriminator up to this block
            (e.g. `"block_1"`) before compiling.
        num_labeled: semi-supervised variants: how many labelled images
            (class-balanced; default: the recipe's). Their indices are
            written to `OUT/labeled_indices.json`.

    Returns:
        The trained model.
    """
    recipe = recipes.get(variant)
    os.makedirs(out, exist_ok=True)
    batch_size = batch_size or recipe["batch_size"]
    num_labeled = num_labeled or recipe["num_labeled"]
    if num_labeled:
        if classes:
            raise ValueError("`classes` cannot be combined with semi-supervised training.")
        data, picked = datasets.semi_supervised(
            dataset, num_labeled=num_labeled, batch_size=batch_size, seed=seed, limit=limit
        )
        _write_json(os.path.join(out, LABELED_INDICES), [int(i) for i in picked])
    else:
        data = datasets.load(
            dataset, batch_size=batch_size, limit=limit, seed=seed, classes=classes,
            with_labels=recipe["with_labels"],
        )
    checkpoint = os.path.join(out, CHECKPOINT)
    progress = os.path.join(out, "progress.json")
    initial_epoch = 0
    if resume and os.path.exists(checkpoint):
        model = keras.models.load_model(checkpoint)
        with open(progress) as f:
            initial_epoch = json.load(f)["epochs_done"]
    elif from_preset:
        from keras_gans import transfer, zoo

        model = zoo.load(from_preset)
        if freeze_discriminator:
            transfer.freeze(model.discriminator, until=freeze_discriminator)
        recipes.compile_with_recipe(model, variant)
    else:
        spec = data.element_spec
        if isinstance(spec, tuple):  # (images, labels)
            spec = spec[0]
        elif isinstance(spec, dict):  # semi-supervised batches
            spec = spec["real"]
        image_shape = tuple(spec.shape[1:])
        model = recipes.build(variant, image_shape=image_shape, seed=seed)
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
    callbacks = []
    if hasattr(model, "predict_classes") and dataset == "fashion_mnist":
        # Logged before CSVLogger so metrics.csv records it per epoch.
        test_images, test_labels = datasets.fashion_mnist.load_arrays("test")
        callbacks.append(
            gan_callbacks.ClassifierAccuracy(datasets.to_unit_range(test_images), test_labels)
        )
    callbacks += [
        gan_callbacks.SampleGrid(os.path.join(out, "samples")),
        gan_callbacks.LossHistory(out, every_n_steps=10),
        keras.callbacks.CSVLogger(os.path.join(out, "metrics.csv"), append=initial_epoch > 0),
        _EpochCheckpoint(out),
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


def train_classifier(out, epochs=8, batch_size=128, seed=0, limit=None, verbose=1, command=None):
    """Trains the Fashion-MNIST evaluator (`keras_gans.metrics.build_classifier`).

    Writes `OUT/classifier.keras` and `OUT/metrics.json` (test accuracy).

    Returns:
        `(model, test_accuracy)`.
    """
    from keras_gans.metrics import build_classifier

    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(seed)
    train_images, train_labels = datasets.fashion_mnist.load_arrays("train")
    test_images, test_labels = datasets.fashion_mnist.load_arrays("test")
    train_images, train_labels = datasets.select(train_images, train_labels, limit=limit)
    model = build_classifier()
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

    GAN runs are scored with `keras_gans.metrics.evaluate_generator` on
    `num_samples` samples against the Fashion-MNIST test set; classifier runs
    with their test accuracy. The preset card records the run's exact
    command, data, backend, epochs and date, and the measured metrics; a
    sample grid (`samples.png`) and a human-readable `README.md` sit beside it.

    Returns:
        The preset card.
    """
    from keras_gans import zoo
    from keras_gans.metrics import Evaluator, evaluate_generator, variant_metrics

    dest = dest or zoo.PRESETS_DIR
    folder = os.path.join(dest, name)
    with open(os.path.join(run_dir, "run.json")) as f:
        run = json.load(f)
    if run["variant"] == "classifier":
        model = keras.models.load_model(os.path.join(run_dir, "classifier.keras"))
        test_images, test_labels = datasets.fashion_mnist.load_arrays("test")
        accuracy = Evaluator(model).accuracy(datasets.to_unit_range(test_images), test_labels)
        metrics = {"test_accuracy": round(accuracy, 4)}
        task = task or "classification (GAN evaluator)"
    else:
        model = keras.models.load_model(os.path.join(run_dir, CHECKPOINT))
        evaluator = Evaluator()
        scores = evaluate_generator(model, num_samples=num_samples, evaluator=evaluator, verbose=verbose)
        labeled_path = os.path.join(run_dir, LABELED_INDICES)
        labeled = None
        if os.path.exists(labeled_path):
            with open(labeled_path) as f:
                labeled = json.load(f)
        scores.update(variant_metrics(model, evaluator, num_samples, labeled_indices=labeled))
        metrics = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items()}
        task = task or TASKS.get(type(model).__name__, "unconditional image generation")
    with open(os.path.join(run_dir, "progress.json" if run["variant"] != "classifier" else "run.json")) as f:
        epochs_done = json.load(f).get("epochs_done", run.get("epochs"))
    card = zoo.save_to_preset(
        model,
        folder,
        metrics=metrics,
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
        },
        evaluation=(
            "test accuracy on the 10,000 Fashion-MNIST test images"
            if run["variant"] == "classifier"
            else f"{num_samples} samples vs the 10,000 Fashion-MNIST test images, features "
            "of the fashion_mnist_classifier preset (`keras-gans evaluate`)"
        ),
    )
    if run["variant"] != "classifier":
        _save_preset_samples(model, os.path.join(folder, "samples.png"))
    _write_card_readme(folder, card)
    return card


SAMPLE_CAPTIONS = {
    "CGAN": "one row per requested class (0-9), 8 samples each, seed 0",
    "ACGAN": "one row per requested class (0-9), 8 samples each, seed 0",
    "InfoGAN": "one row per categorical code; along each row the first continuous code goes from -1 to 1",
}


def _save_preset_samples(model, path):
    """The card's picture: a class grid (one row per class) for conditional
    models, a code traversal (one row per category) for InfoGAN, else 64
    samples of seed 0."""
    from keras_gans import latent
    from keras_gans.images import save_grid
    from keras_gans.models import CGAN, InfoGAN

    if isinstance(model, CGAN):
        latent.save_class_grid(model, path, per_class=8, seed=0)
    elif isinstance(model, InfoGAN) and model.num_continuous:
        latent.save_code_traversal(model, path, code=0, values=np.linspace(-1.0, 1.0, 8), seed=0)
    else:
        save_grid(model.generate(64, seed=0), path)


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
        caption = SAMPLE_CAPTIONS.get(card["class_name"], "64 samples, seed 0")
        lines += ["", f"![{caption}](samples.png)", "", f"*{caption}.*"]
    with atomic_path(os.path.join(folder, "README.md")) as tmp:
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
