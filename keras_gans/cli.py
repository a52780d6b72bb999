"""The `keras-gans` command.

Examples:

```
keras-gans train dcgan --dataset fashion_mnist --epochs 5 --out runs/dcgan
keras-gans train dcgan --epochs 10 --out runs/dcgan --resume
keras-gans translate runs/pix2pix photos/ --out translated/
```
"""

import argparse
import sys


def _train(args):
    from keras_gans import training

    verbose = 1 if sys.stdout.isatty() else 2
    if args.variant == "classifier":
        _, accuracy = training.train_classifier(
            args.out, epochs=args.epochs, batch_size=args.batch_size or 128,
            seed=args.seed, limit=args.limit, verbose=verbose, command=args.command_line,
        )
        print(f"Test accuracy {accuracy:.4f}; classifier written to {args.out}")
        return
    training.train(
        args.variant,
        out=args.out,
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
    )
    print(f"Run written to {args.out}")


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
    import os

    import keras

    from keras_gans import zoo
    from keras_gans.training import CHECKPOINT

    checkpoint = os.path.join(name_or_dir, CHECKPOINT)
    if os.path.isdir(name_or_dir) and os.path.exists(checkpoint):
        return keras.models.load_model(checkpoint)
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

    model = _load_model(args.name)
    if len(args.seeds) < 2:
        raise ValueError(f"--seeds needs at least two seeds; received {args.seeds}.")
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
    import os

    from keras_gans import images, tiling

    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be at least 1; received {args.batch_size}.")
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
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise ValueError(f"--out {args.out!r} is a file; expected a folder.")
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


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans", description="Train and use GANs with Keras 3 (TensorFlow or JAX)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train",
        help="train a variant with its default recipe",
        description="Trains VARIANT and writes samples, loss plots, metrics.csv and "
        "checkpoint.keras under --out. Set KERAS_BACKEND to choose the backend.",
    )
    from keras_gans import recipes

    train.add_argument(
        "variant",
        help=f"one of: {', '.join(recipes.names())}, or 'classifier' (the Fashion-MNIST evaluator)",
    )
    train.add_argument("--dataset", default=None,
                       help="dataset name (default: the recipe's, e.g. fashion_mnist or fashion_edges)")
    train.add_argument("--epochs", type=int, default=5, help="total epochs (default 5)")
    train.add_argument("--batch-size", type=int, default=None, help="default: the recipe's")
    train.add_argument("--steps-per-epoch", type=int, default=None, help="cap steps per epoch")
    train.add_argument("--limit", type=int, default=None, help="use only the first N examples")
    train.add_argument("--seed", type=int, default=0, help="model and shuffling seed")
    train.add_argument("--out", required=True, help="run folder")
    train.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.keras")
    train.add_argument("--from-preset", default=None, help="fine-tune: start from this preset's weights")
    train.add_argument("--classes", type=int, nargs="+", default=None, help="train only on these labels")
    train.add_argument(
        "--freeze-d", default=None, metavar="BLOCK",
        help="Freeze-D: freeze the discriminator up to this block (e.g. block_1)",
    )
    train.add_argument(
        "--num-labeled", type=int, default=None, metavar="N",
        help="semi-supervised variants: labelled images, balanced over classes (default: the recipe's)",
    )
    train.set_defaults(func=_train)

    listing = commands.add_parser("list", help="list the zoo's presets and their measured metrics")
    listing.set_defaults(func=_list)

    sample = commands.add_parser("sample", help="write a grid of samples from a preset or run folder")
    sample.add_argument("name", help="preset name, preset folder, or run folder")
    sample.add_argument("--n", type=int, default=64, help="number of samples (default 64)")
    sample.add_argument("--seed", type=int, default=0, help="latent seed (default 0)")
    sample.add_argument("--out", default="samples.png", help="PNG path (default samples.png)")
    sample.add_argument("--labels", type=int, nargs="+", default=None,
                        help="conditional models: classes to request, cycled over the samples")
    sample.set_defaults(func=_sample)

    walk = commands.add_parser(
        "walk", help="write a latent interpolation between seeds as a PNG grid or an animated GIF"
    )
    walk.add_argument("name", help="preset name, preset folder, or run folder")
    walk.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3], help="seeds to visit")
    walk.add_argument("--steps", type=int, default=8, help="images between consecutive seeds")
    walk.add_argument("--method", choices=["slerp", "lerp"], default="slerp")
    walk.add_argument("--label", type=int, default=None, help="conditional models: the class to walk in")
    walk.add_argument("--out", default="walk.gif", help=".gif (animation) or .png (one row per pair)")
    walk.set_defaults(func=_walk)

    translate = commands.add_parser(
        "translate",
        help="translate image files with an image-to-image model (Pix2Pix, CycleGAN, SRGAN)",
        description="Translates each INPUT (an image file, or every .png/.jpg/.jpeg of a "
        "folder) and writes DIR/<stem>.png. Images of another size than the model's are "
        "cut into tiles (--mode tile), padded (--mode pad) or refused (--mode error); "
        "colour images given to a gray model become luminance (0.299 R + 0.587 G + "
        "0.114 B), gray images given to a colour model get three equal channels.",
    )
    translate.add_argument("name", metavar="NAME", help="preset name, preset folder, or run folder")
    translate.add_argument("inputs", nargs="+", metavar="INPUT", help="image files or folders")
    translate.add_argument("--out", required=True, metavar="DIR",
                           help="output folder: DIR/<input stem>.png per image")
    translate.add_argument("--direction", choices=["a2b", "b2a"], default=None,
                           help="CycleGAN: the direction (default: the model's)")
    translate.add_argument("--mode", choices=["tile", "pad", "error"], default="tile",
                           help="images of another size: tile (default), pad (smaller only) or error")
    translate.add_argument("--overlap", type=int, default=0, metavar="N",
                           help="tile mode: context pixels discarded at each tile edge (default 0)")
    translate.add_argument("--batch-size", type=int, default=64, metavar="N",
                           help="tiles per model call (default 64)")
    translate.set_defaults(func=_translate)

    evaluate = commands.add_parser(
        "evaluate",
        help="measure FID, KID, precision/recall... (GANs) or accuracy (classifiers)",
        description="Scores a preset or run folder against the Fashion-MNIST test set with "
        "the fashion_mnist_classifier preset as feature extractor.",
    )
    evaluate.add_argument("name", help="preset name, preset folder, or run folder")
    evaluate.add_argument("--n", type=int, default=10_000, help="generated samples (default 10000)")
    evaluate.add_argument("--seed", type=int, default=0, help="latent seed")
    evaluate.add_argument("--floor", action="store_true", help="also report FID(train, test)")
    evaluate.set_defaults(func=_evaluate)

    export = commands.add_parser("export", help="measure a run folder and write it as a zoo preset")
    export.add_argument("run_dir", help="a folder written by `keras-gans train`")
    export.add_argument("--name", required=True, help="preset name, e.g. dcgan_fashion_mnist")
    export.add_argument("--dest", default=None, help="presets folder (default: the package's)")
    export.add_argument("--n", type=int, default=10_000, help="samples for the metrics")
    export.set_defaults(func=_export)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.command_line = " ".join(["keras-gans"] + argv)
    try:
        args.func(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"keras-gans: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
