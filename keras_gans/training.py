"""`train`: the training command behind `keras-gans train`.

A run folder holds everything a run produces:

```
OUT/
  samples/epoch_001.png ...  fixed-seed sample grids
  losses.png, losses.json    loss curves (kept across resumed runs)
  metrics.csv                per-epoch logs (kept across resumed runs)
  checkpoint.keras           the latest full model: weights, both players'
                             optimizer slots and iterations, EMA weights,
                             image pools, seed generator states
  evaluations.json           with `evaluate_every`: each measurement (FID...)
  best.keras, best.json      with `evaluate_every`: the best model so far,
                             and the epoch, step and measurement it had
  progress.json              steps and epochs done, training wall-clock
  run.json                   the command's arguments
```

The run checkpoints every `checkpoint_every` steps (by default about every
five minutes of training) and at every epoch end. Running the same command
again with `--resume` continues from the checkpoint's step, on the same data
in the same order: a run killed at any moment and resumed ends with the same
weights as one that was never interrupted. Every file is written atomically
(a temporary name, then a rename).

Exact resumption rests on three things. The checkpoint's step is the
generator optimizer's `iterations`, stored inside `checkpoint.keras` itself,
so the weights and the step can never disagree. The data is one
deterministic stream, `dataset.repeat()` from the run's seed, which a resumed
run skips to that step. And the random state (seed generators) is saved with
the model.
"""

import dataclasses
import json
import os
import shutil
import time

import keras
import numpy as np
from matplotlib.figure import Figure  # no pyplot: leaves the user's backend alone

from keras_gans import callbacks as gan_callbacks
from keras_gans import datasets, metrics, recipes, transfer, zoo
from keras_gans.core import backend, logged, presets
from keras_gans.core.io import atomic_path, load_model
from keras_gans.core.random import MAX_SEED

CHECKPOINT = "checkpoint.keras"
BEST = "best.keras"
EVALUATIONS = "evaluations.json"
PROGRESS = "progress.json"
RUN = "run.json"
CHECKPOINT_SECONDS = 300
# Arguments that define the data stream and the model: a resumed run must
# repeat them (epochs and steps_per_epoch may change).
_RESUME_KEYS = ("variant", "dataset", "batch_size", "limit", "seed", "classes",
                "from_preset", "freeze_discriminator", "num_labeled")


class RunCheckpoint(keras.callbacks.Callback):
    """Checkpoints a run: `checkpoint.keras` then `progress.json`, atomically.

    Saves every `every_steps` steps (when `None`, whenever `every_seconds`
    of training have passed since the last save) and at every epoch end,
    but never after a step whose logs are NaN or infinite, so the last good
    checkpoint survives a diverged run.

    Args:
        directory: the run folder.
        steps_per_epoch: steps in an epoch (for `epochs_done`).
        initial_step: steps done before this run (resumed runs).
        every_steps: checkpoint period in steps, or `None`.
        every_seconds: checkpoint period in seconds when `every_steps` is
            `None`.
        train_seconds: training wall-clock of the earlier runs.

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[RunCheckpoint("runs/dcgan", 468, every_steps=500)])
    ```
    """

    def __init__(self, directory, steps_per_epoch, initial_step=0, every_steps=None,
                 every_seconds=CHECKPOINT_SECONDS, train_seconds=0.0):
        super().__init__()
        self.directory = directory
        self.steps_per_epoch = int(steps_per_epoch)
        self.step = int(initial_step)
        self.every_steps = every_steps
        self.every_seconds = every_seconds
        self.train_seconds = float(train_seconds)
        self.saved_step = self.step
        self.diverged = False
        self._start = self._last_save = None

    def on_train_begin(self, logs=None):
        self._start = self._last_save = time.monotonic()

    def on_train_end(self, logs=None):
        self.train_seconds += time.monotonic() - self._start

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if not _finite(logs):
            self.diverged = True
        if self.every_steps:
            due = self.step % self.every_steps == 0
        else:
            due = time.monotonic() - self._last_save >= self.every_seconds
        # A step that ends an epoch is saved at the epoch end instead, after
        # the callbacks before this one (the CSV, the loss plot) have
        # recorded the epoch: a run killed in between then redoes no step
        # whose epoch row is missing.
        if due and self.step % self.steps_per_epoch:
            self.save()

    def on_epoch_end(self, epoch, logs=None):
        if self.saved_step != self.step:
            self.save()

    def save(self):
        if self.diverged:
            return
        self.model.save(os.path.join(self.directory, CHECKPOINT))
        _write_json(os.path.join(self.directory, PROGRESS), {
            "steps_done": self.step,
            "epochs_done": self.step // self.steps_per_epoch,
            "steps_per_epoch": self.steps_per_epoch,
            "train_seconds": round(self.train_seconds + time.monotonic() - self._start, 1),
        })
        self.saved_step = self.step
        self._last_save = time.monotonic()


def _finite(logs):
    return all(np.isfinite(float(v)) for v in (logs or {}).values() if np.size(v) == 1)


def _write_json(path, data):
    with atomic_path(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(data, f, indent=2)


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        raise ValueError(f"Cannot read {path}: {error}") from None


@dataclasses.dataclass
class TrainOptions:
    """What `train` does: the data, the run's length, checkpoints,
    measurements and devices. `keras-gans train`'s options, one to one.

    Args:
        dataset: a `keras_gans.datasets.load` name. Defaults to the
            recipe's (`fashion_mnist`, `fashion_edges`, ...).
        epochs: total epochs (with `resume`, including those already done).
        batch_size: the global batch. Defaults to the recipe's.
        steps_per_epoch: steps of each epoch (default: one pass over the data).
        limit: use only the first `limit` training examples.
        seed: model, data order and noise seed: the same seed gives the
            same weights on the same backend and machine.
        resume: continue the run in `out` from its checkpoint (exactly: the
            same weights as an uninterrupted run). The other options must
            be those of the run (`epochs` may grow).
        verbose: Keras progress bar setting.
        command: the command line that started the run, recorded in run.json.
        from_preset: start from this preset's weights (fine-tuning): the
            preset's networks, with the recipe's model options (e.g. its
            loss weights) and optimizers.
        classes: train only on these labels.
        freeze_discriminator: freeze the discriminator up to this block
            (e.g. `"block_1"`) before compiling; needs `from_preset`.
        num_labeled: semi-supervised variants: how many labelled images
            (class-balanced; default: the recipe's). Their indices are
            written to `OUT/labeled_indices.json`.
        checkpoint_every: checkpoint every this many steps (default: about
            every 5 minutes of training), and at every epoch end.
        evaluate_every: measure the model every this many epochs with
            `keras_gans.callbacks.Evaluate` (FID and the variant's own
            metrics on `evaluate_samples` samples), logged in metrics.csv and
            losses.png, with the best model kept in `OUT/best.keras`
            (`export` takes it).
        evaluate_samples: samples per measurement.
        devices: train data-parallel on this many devices (each takes
            `batch_size / devices` of every batch): `keras.distribution` on
            JAX, `tf.distribute.MirroredStrategy` on TensorFlow. Defaults
            to 1.

    Example:

    ```python
    options = TrainOptions(epochs=20, checkpoint_every=1000, evaluate_every=1)
    keras_gans.training.train("dcgan", "runs/dcgan", options)
    ```
    """

    dataset: str = None
    epochs: int = 5
    batch_size: int = None
    steps_per_epoch: int = None
    limit: int = None
    seed: int = 0
    resume: bool = False
    verbose: int = 1
    command: str = None
    from_preset: str = None
    classes: list = None
    freeze_discriminator: str = None
    num_labeled: int = None
    checkpoint_every: int = None
    evaluate_every: int = None
    evaluate_samples: int = 2000
    devices: int = 1

    def check(self):
        """Raises `ValueError` for options out of range, before any work."""
        for name, low in (("epochs", 1), ("batch_size", 1), ("steps_per_epoch", 1), ("limit", 1),
                          ("checkpoint_every", 1), ("seed", 0), ("evaluate_every", 1),
                          ("evaluate_samples", 2), ("devices", 1)):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"`{name}` must be an integer >= {low}; received {value!r}.")
        if self.seed is not None and self.seed > MAX_SEED:
            raise ValueError(f"`seed` must be in [0, {MAX_SEED}]; received {self.seed}.")
        if self.limit is not None and self.batch_size is not None and self.limit < self.batch_size:
            raise ValueError(
                f"`limit` ({self.limit} examples) is smaller than one batch ({self.batch_size}): "
                "nothing would train. Raise `limit` or lower `batch_size`."
            )
        if self.batch_size is not None and self.batch_size % self.devices:
            raise ValueError(
                f"`batch_size` {self.batch_size} must be divisible by `devices` {self.devices}: "
                "each device takes an equal share of every batch."
            )
        if self.freeze_discriminator and not self.from_preset:
            raise ValueError(
                "`freeze_discriminator` (--freeze-d) freezes a pretrained discriminator: it "
                "needs `from_preset` (--from-preset)."
            )
        if self.resume and self.from_preset:
            raise ValueError(
                "Pass either `resume` (continue this run folder) or `from_preset` "
                "(start a new fine-tuning run), not both."
            )
        if self.num_labeled and self.classes:
            raise ValueError("`classes` cannot be combined with semi-supervised training.")


def _check_decay_length(out, arguments):
    """A recipe whose learning rate decays to zero over the run fixes the
    run's length: resuming it with other `epochs` or `steps_per_epoch`
    would go on at the old schedule's end."""
    run = _read_json(os.path.join(out, RUN))
    changed = [f"{key} {run.get(key)!r} -> {arguments[key]!r}" for key in ("epochs", "steps_per_epoch")
               if run.get(key) != arguments[key]]
    if changed:
        raise ValueError(
            f"The {arguments['variant']!r} recipe decays its learning rate to zero over the run's "
            f"{run.get('epochs')} epochs, so its length cannot change on --resume "
            f"({', '.join(changed)}); start a new run with --out."
        )


def _check_run_folder(out, resume, arguments):
    """Refuses to resume what isn't there, or a run of other arguments, and
    to start a new run over an existing one."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise ValueError(f"--out {out!r} is a file; expected a run folder.")
    checkpoint = os.path.join(out, CHECKPOINT)
    recorded = os.path.join(out, RUN)
    if not resume:
        if os.path.exists(checkpoint):
            raise ValueError(
                f"{out!r} already holds a run ({CHECKPOINT}); pass --resume to continue "
                "it, or choose another --out."
            )
        return
    if not os.path.exists(checkpoint):
        raise ValueError(
            f"Cannot resume: {out!r} holds no {CHECKPOINT}. Drop --resume to start a new run."
        )
    run = _read_json(recorded) if os.path.exists(recorded) else {}
    changed = [
        f"{key} {run.get(key)!r} -> {arguments.get(key)!r}"
        for key in _RESUME_KEYS
        if key in run and run.get(key) != arguments.get(key)
    ]
    if changed:
        raise ValueError(
            f"Cannot resume {out!r} with other arguments than it was trained with: "
            f"{'; '.join(changed)}. Repeat the run's arguments (see {RUN}) or "
            "choose another --out."
        )


def train(variant, out, options=None, extra_callbacks=(), **overrides):
    """Trains a variant with its recipe and writes a run folder.

    With `from_preset`, training starts from a zoo preset's weights: the
    Keras way to fine-tune (optionally with the discriminator's first blocks
    frozen, Freeze-D) on new data such as a subset of `classes`.

    Args:
        variant: a recipe name (`keras_gans.recipes.names()`).
        out: run folder.
        options: a `TrainOptions`. Defaults to `TrainOptions()`.
        extra_callbacks: more callbacks.
        **overrides: fields of `TrainOptions` replacing those of `options`
            (`train("dcgan", out, epochs=20)`).

    Returns:
        The trained model.

    Example:

    ```python
    keras_gans.training.train("dcgan", "runs/dcgan", epochs=20, checkpoint_every=1000)
    # killed? the same call with resume=True continues exactly
    ```
    """
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(TrainOptions)})
    if unknown:
        raise TypeError(f"train() got unknown options {unknown}; see `TrainOptions`.")
    options = dataclasses.replace(options or TrainOptions(), **overrides)
    cls, recipe = recipes.get(variant)
    options = dataclasses.replace(
        options,
        dataset=options.dataset or recipe.dataset,
        batch_size=options.batch_size or recipe.batch_size,
        num_labeled=options.num_labeled or recipe.num_labeled,
    )
    options.check()
    arguments = {
        "variant": variant,
        **{key: value for key, value in dataclasses.asdict(options).items()
           if key not in ("resume", "verbose")},
        "backend": keras.backend.backend(), "keras_version": keras.__version__,
    }
    _check_run_folder(out, options.resume, arguments)
    if options.resume and recipe.learning_rate_decay:
        _check_decay_length(out, arguments)
    created = not os.path.exists(out)
    try:
        with backend.data_parallel(options.devices):
            return _train(cls, recipe, out, arguments, options.resume, options.verbose,
                          extra_callbacks, options.checkpoint_every)
    except BaseException:
        # A run that failed before its first checkpoint leaves no folder.
        if created and not os.path.exists(os.path.join(out, CHECKPOINT)):
            shutil.rmtree(out, ignore_errors=True)
        raise


def _train(cls, recipe, out, arguments, resume, verbose, extra_callbacks, checkpoint_every):
    variant, dataset, seed = arguments["variant"], arguments["dataset"], arguments["seed"]
    batch_size, epochs = arguments["batch_size"], arguments["epochs"]
    keras.utils.set_random_seed(seed)
    # Unshuffled here: `training_stream` shuffles, reproducibly.
    if arguments["num_labeled"]:
        data, picked = datasets.semi_supervised(
            dataset, num_labeled=arguments["num_labeled"], batch_size=batch_size, seed=seed,
            limit=arguments["limit"], shuffle=False,
        )
    else:
        picked = None
        data = datasets.load(
            dataset, batch_size=batch_size, limit=arguments["limit"], seed=seed,
            classes=arguments["classes"], with_labels=recipe.with_labels, shuffle=False,
        )
    steps_per_epoch = arguments["steps_per_epoch"] or _batches_in(data, dataset)
    recipe = recipe.for_run(epochs * steps_per_epoch)
    initial_step, train_seconds = 0, 0.0
    if resume:
        model = load_model(os.path.join(out, CHECKPOINT))
        initial_step = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
        progress = os.path.join(out, PROGRESS)
        if os.path.exists(progress):
            train_seconds = _read_json(progress).get("train_seconds", 0.0)
    elif arguments["from_preset"]:
        model = _from_preset(arguments["from_preset"], cls, recipe)
        if arguments["freeze_discriminator"]:
            transfer.freeze(model.discriminator, until=arguments["freeze_discriminator"])
        recipe.compile(model)
    else:
        model = recipes.build(variant, element_spec=data.element_spec, seed=seed,
                              total_steps=epochs * steps_per_epoch)
    os.makedirs(out, exist_ok=True)
    if picked is not None:
        _write_json(os.path.join(out, datasets.LABELED_INDICES_FILE), [int(i) for i in picked])
    _write_json(os.path.join(out, RUN), arguments)
    initial_epoch = initial_step // steps_per_epoch
    checkpoint = RunCheckpoint(out, steps_per_epoch, initial_step, every_steps=checkpoint_every,
                               train_seconds=train_seconds)
    callbacks = [
        # NaN first (nothing after it sees a diverged step), then the
        # variant's own, so that the CSV records what they log.
        gan_callbacks.TerminateOnNaN(raise_error=True, initial_step=initial_step),
        *model.training_callbacks(os.path.join(out, "samples"), data, dataset),
        *_evaluation(arguments, out, initial_step),
        gan_callbacks.LossHistory(out, every_n_steps=10, initial_step=initial_step),
        gan_callbacks.MetricsCSV(os.path.join(out, "metrics.csv"), initial_epoch=initial_epoch),
        checkpoint,
        *extra_callbacks,
    ]
    # One reproducible stream of batches, which a resumed run skips to its
    # step. A run resumed mid-epoch first finishes that epoch, then goes on
    # with whole ones.
    stream = datasets.training_stream(data, batch_size, seed)
    step, total = initial_step, epochs * steps_per_epoch
    while step < total and not model.stop_training:
        epoch, offset = divmod(step, steps_per_epoch)
        last_epoch = epoch + 1 if offset else epochs
        model.fit(
            stream.skip(step),
            initial_epoch=epoch,
            epochs=last_epoch,
            steps_per_epoch=steps_per_epoch - offset if offset else steps_per_epoch,
            callbacks=callbacks,
            verbose=verbose,
            shuffle=False,  # the pipeline shuffles
        )
        step = checkpoint.step
    return model


def _evaluation(arguments, out, initial_step):
    """The run's `Evaluate` callback, if it asked for one."""
    if not arguments["evaluate_every"]:
        return []
    return [gan_callbacks.Evaluate(
        every_n_epochs=arguments["evaluate_every"], num_samples=arguments["evaluate_samples"],
        seed=arguments["seed"], save_best=os.path.join(out, BEST), initial_step=initial_step,
        history_path=os.path.join(out, EVALUATIONS),
    )]


def _batches_in(data, name):
    count = int(data.cardinality())
    if count < 0:  # tf.data.INFINITE_CARDINALITY or UNKNOWN_CARDINALITY
        raise ValueError(
            f"Cannot tell how many batches an epoch of {name!r} has; pass steps_per_epoch "
            "(--steps-per-epoch)."
        )
    if count == 0:
        raise ValueError(f"Dataset {name!r} yields no batches at this batch size and limit.")
    return count


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
        # The best model an `Evaluate` callback kept, else the last one.
        best = os.path.join(run_dir, BEST)
        model = load_model(best if os.path.exists(best) else os.path.join(run_dir, CHECKPOINT))
        measured = metrics.measure(model, num_samples=num_samples, run_dir=run_dir, verbose=verbose)
        scores = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in measured.items()}
        task = task or model.task
        evaluation = model.evaluation_protocol(num_samples)
    with open(os.path.join(run_dir, "progress.json" if run["variant"] != "classifier" else "run.json")) as f:
        progress = json.load(f)
    epochs_done = progress.get("epochs_done", run.get("epochs"))
    # Wall-clock of the training epochs, where the run recorded it.
    timing = {"train_seconds": progress["train_seconds"]} if "train_seconds" in progress else {}
    selection = _best_selection(run_dir)
    previous = _previous_cards(os.path.join(folder, presets.PRESET_FILE))
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
            **selection.pop("recipe", {}),
        },
        evaluation=evaluation,
        figure_caption=getattr(model, "figure_caption", None),
        **selection,
        **({"history": previous} if previous else {}),
    )
    if run["variant"] != "classifier":
        model.save_preset_figure(os.path.join(folder, "samples.png"), dataset=run["dataset"])
    if "curve" in card:
        _save_curve_figure(card["curve"], os.path.join(folder, CURVE_FIGURE))
    _write_card_readme(folder, card)
    return card


CURVE_FIGURE = "curve.png"


def _best_selection(run_dir):
    """What the card records of a run's `Evaluate` measurements: the curve of
    the monitored value, and the epoch and step of the best model (exported)."""
    path = os.path.join(run_dir, EVALUATIONS)
    best = os.path.join(run_dir, os.path.splitext(BEST)[0] + ".json")
    if not os.path.exists(path) or not os.path.exists(os.path.join(run_dir, BEST)):
        return {}
    record = _read_json(best)
    monitor = record["monitor"]
    curve = {
        "monitor": monitor,
        "num_samples": record["num_samples"],
        "epochs": [m["epoch"] for m in _read_json(path)],
        "values": [round(m[monitor], 4) for m in _read_json(path)],
    }
    return {
        "curve": curve,
        "recipe": {"best_epoch": record["epoch"], "best_step": record["step"],
                   "selected_by": f"best {monitor} on {record['num_samples']} samples"},
    }


def _previous_cards(path):
    """The card history: the earlier card at `path` (date, epochs, metrics)
    and its own history, newest first."""
    if not os.path.exists(path):
        return []
    old = _read_json(path)
    entry = {"date": old.get("date"), "epochs": old.get("recipe", {}).get("epochs"),
             "command": old.get("recipe", {}).get("command"), "metrics": old.get("metrics")}
    return [entry] + old.get("history", [])


def _save_curve_figure(curve, path):
    fig = Figure(figsize=(5, 3))
    ax = fig.subplots()
    ax.plot(curve["epochs"], curve["values"], "o-", color="black")
    best = logged.best_index(curve["monitor"], curve["values"])
    if best is not None:
        ax.plot(curve["epochs"][best], curve["values"][best], "*", color="red", markersize=12,
                label=f"exported: epoch {curve['epochs'][best]}")
        ax.legend()
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{curve['monitor']} ({curve['num_samples']} samples)")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)


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
    if "curve" in card:
        recipe, curve = card["recipe"], card["curve"]
        lines += [
            "", f"The exported weights are those of epoch {recipe['best_epoch']} "
            f"(step {recipe['best_step']}), {recipe['selected_by']}, measured every "
            "`--evaluate-every` epochs while training:",
            "", f"![{curve['monitor']} per epoch]({CURVE_FIGURE})",
        ]
    if card.get("history"):
        lines += ["", "Earlier versions of this preset:", "",
                  "| date | epochs | metrics |", "|---|---|---|"]
        for old in card["history"]:
            shown = {k: v for k, v in (old.get("metrics") or {}).items() if not isinstance(v, list)}
            summary = ", ".join(f"{k} {v}" for k, v in list(shown.items())[:4])
            lines.append(f"| {old.get('date')} | {old.get('epochs')} | {summary} |")
    with atomic_path(os.path.join(folder, "README.md")) as tmp:
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
