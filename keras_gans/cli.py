"""The `keras-gans` commands: one `_<command>(args)` function each.

`keras_gans_cli` parses and checks the arguments without importing Keras,
then calls these (`python -m keras_gans.cli` still runs the command).

Examples:

```
keras-gans train dcgan --dataset fashion_mnist --epochs 5 --out runs/dcgan
keras-gans train dcgan --epochs 10 --out runs/dcgan --resume
keras-gans translate runs/pix2pix photos/ --out translated/
```
"""

import difflib
import os
import sys


def _check_variant(name):
    """Raises a `ValueError` naming the closest recipes for an unknown name."""
    from keras_gans import recipes

    known = recipes.names() + ["classifier"]
    if str(name).lower().replace("-", "_") not in known:
        close = difflib.get_close_matches(str(name).lower(), known, n=3, cutoff=0.3)
        raise ValueError(
            f"Unknown variant {name!r}"
            + (f"; did you mean {close[0]!r}? Closest: {', '.join(close)}" if close else "")
            + f". Expected a recipe name ({', '.join(known)})."
        )


def _train(args):
    from keras_gans import training

    _check_variant(args.variant)
    created = not os.path.exists(args.out)
    try:
        print(_run_training(args, training))
    except BaseException:
        # A run that failed before writing anything (e.g. an unknown dataset)
        # leaves no empty run folder behind.
        if created and os.path.isdir(args.out) and not os.listdir(args.out):
            os.rmdir(args.out)
        raise


def _run_training(args, training):
    """Trains as `args` ask; returns the line to print."""
    verbose = 1 if sys.stdout.isatty() else 2
    if args.variant.lower() == "classifier":
        _, accuracy = training.train_classifier(
            args.out, epochs=args.epochs, batch_size=args.batch_size or 128,
            seed=args.seed, limit=args.limit, verbose=verbose, command=args.command_line,
        )
        return f"Test accuracy {accuracy:.4f}; classifier written to {args.out}"
    from keras_gans.callbacks import TrainingDiverged

    try:
        _train_variant(args, training, verbose)
    except TrainingDiverged as error:
        raise ValueError(
            f"{error} The last good checkpoint in {args.out} is intact: lower the learning "
            "rate, or run again with --resume."
        ) from None
    return f"Run written to {args.out}"


def _train_variant(args, training, verbose):
    options = training.TrainOptions(
        dataset=args.dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        limit=args.limit,
        seed=args.seed,
        resume=args.resume,
        verbose=verbose,
        command=args.command_line,
        from_preset=args.from_preset,
        classes=args.classes,
        freeze_discriminator=args.freeze_d,
        num_labeled=args.num_labeled,
        checkpoint_every=args.checkpoint_every,
        evaluate_every=args.evaluate_every,
        evaluate_samples=args.evaluate_samples,
        devices=args.devices,
    )
    training.train(args.variant, args.out, options)


def _list(args):
    from keras_gans import zoo

    rows = zoo.list()
    if not rows:
        print("No presets installed.")
        return
    print(f"{'name':28s} {'class':10s} {'dataset':14s} {'MB':>6s}  metrics")
    for row in rows:
        metrics = ", ".join(f"{k}={v}" for k, v in row["metrics"].items() if k != "num_samples")
        print(f"{row['name']:28s} {row['class']:10s} {row['dataset']:14s} {row['size_mb']:6.2f}  {metrics}")


def _load_model(name_or_dir):
    from keras_gans import zoo
    from keras_gans.core import io
    from keras_gans.training import CHECKPOINT

    checkpoint = os.path.join(name_or_dir, CHECKPOINT)
    if os.path.isdir(name_or_dir) and os.path.exists(checkpoint):
        return io.load_model(checkpoint)  # safe mode, errors naming the file
    return zoo.load(name_or_dir)


def _sample(args):
    from keras_gans.images import save_grid

    model = _load_model(args.name)
    if not hasattr(model, "generate"):
        raise ValueError(f"{args.name!r} is not a generative model.")
    labels = None
    if args.labels is not None:
        labels = [args.labels[i % len(args.labels)] for i in range(args.n)]
    save_grid(model.generate(args.n, seed=args.seed, labels=labels), args.out)
    print(f"{args.n} samples written to {args.out}")


def _walk(args):
    from keras_gans import latent

    if len(args.seeds) < 2:
        raise ValueError(f"--seeds needs at least two seeds; received {args.seeds}.")
    model = _load_model(args.name)
    if args.out.lower().endswith(".gif"):
        # Up to four tiles, each touring all the seeds from a different start.
        tours = [args.seeds[i:] + args.seeds[:i] for i in range(min(4, len(args.seeds)))]
        latent.save_interpolation_gif(model, args.out, tours=tours, steps=args.steps,
                                      method=args.method, labels=args.label)
    else:
        pairs = list(zip(args.seeds, args.seeds[1:]))
        latent.save_interpolation_grid(model, args.out, seeds=pairs, steps=args.steps,
                                       method=args.method, labels=args.label)
    print(f"Latent walk through seeds {args.seeds} written to {args.out}")


def _evaluate(args):
    import json

    from keras_gans import metrics

    model = _load_model(args.name)
    if hasattr(model, "purpose_metrics"):  # a GAN variant, as opposed to the evaluator itself
        scores = metrics.measure(model, num_samples=args.n, seed=args.seed, verbose=1)
    else:
        images, labels = metrics.real_images("test")
        scores = {"test_accuracy": metrics.Evaluator(model).accuracy(images, labels)}
    if args.floor:
        scores["fid_floor_train_vs_test"] = metrics.fid_floor()
    print(json.dumps(scores, indent=2))


def _export(args):
    import json

    from keras_gans import training

    card = training.export_preset(args.run_dir, args.name, dest=args.dest, num_samples=args.n)
    print(json.dumps(card["metrics"], indent=2))


def _translate(args):
    from keras_gans import images, tiling

    # Every input is checked before the model loads and before anything is written.
    files = []
    for given in args.inputs:
        if os.path.isdir(given):
            found = sorted(
                os.path.join(given, name) for name in os.listdir(given)
                if not name.startswith(".")  # also skips interrupted atomic writes
                and name.lower().endswith(images.IMAGE_SUFFIXES)
                and os.path.isfile(os.path.join(given, name))
            )
            if not found:
                raise ValueError(f"Folder {given!r} has no .png, .jpg or .jpeg images.")
            files.extend(found)
        elif os.path.isfile(given):
            if not given.lower().endswith(images.IMAGE_SUFFIXES):
                raise ValueError(f"{given!r} is not a .png, .jpg or .jpeg file.")
            files.append(given)
        else:
            raise FileNotFoundError(f"Input {given!r} does not exist.")
    outputs, seen = {}, set()
    for path in files:
        if os.path.realpath(path) in seen:
            continue  # the same file named twice (e.g. a file and its folder)
        seen.add(os.path.realpath(path))
        target = os.path.join(args.out, os.path.splitext(os.path.basename(path))[0] + ".png")
        if target in outputs:
            raise ValueError(f"{outputs[target]!r} and {path!r} would both be written to {target!r}.")
        outputs[target] = path
    for target in outputs:
        if os.path.realpath(target) in seen:
            raise ValueError(f"Writing {target!r} would overwrite an input; choose another --out.")

    model = _load_model(args.name)
    if not (hasattr(model, "translate") and hasattr(model, "source_shape")
            and hasattr(model, "target_shape")):
        hint = " (it generates images: use `keras-gans sample`)" if hasattr(model, "generate") else ""
        raise ValueError(
            f"{args.name!r} is not an image-to-image model{hint}; `translate` needs a "
            "model with translate(), source_shape and target_shape (Pix2Pix, CycleGAN, SRGAN)."
        )
    options = {"batch_size": args.batch_size}
    if args.direction is not None:
        if not getattr(model, "directions", None):
            raise ValueError(
                f"{args.name!r} ({type(model).__name__}) translates in one direction only; "
                "drop --direction."
            )
        options["direction"] = args.direction
    source, target_shape = tuple(model.source_shape), tuple(model.target_shape)
    scale = target_shape[0] // source[0]
    if scale < 1 or target_shape[:2] != (source[0] * scale, source[1] * scale):
        raise ValueError(
            f"Cannot tile a model from {source} to {target_shape}: the output must be an "
            "integer multiple of the input in both height and width."
        )

    def translate_fn(batch):
        return model.translate(batch, **options)

    # Images are read and translated in groups of about one model batch of
    # pixels, so many small images share a call and large ones stay bounded.
    budget = args.batch_size * source[0] * source[1]
    pending = list(outputs.items())[::-1]
    while pending:
        group, pixels = [], 0
        while pending and (not group or pixels < budget):
            target, path = pending.pop()
            image = images.read_image(path)
            group.append((target, path, image))
            pixels += image.shape[0] * image.shape[1]
        results = tiling.translate_images(
            translate_fn, [image for _, _, image in group], source, scale=scale,
            mode=args.mode, overlap=args.overlap,
        )
        for (target, path, _), result in zip(group, results):
            images.write_image(result, target)
            print(f"{path} -> {target}")
    print(f"{len(outputs)} image(s) translated into {args.out}")


def main(argv=None):
    """Runs `keras-gans` with `argv`; see `keras_gans_cli.main`.

    Returns:
        The exit status.
    """
    import keras_gans_cli

    return keras_gans_cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
