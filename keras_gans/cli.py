"""The `keras-gans` command.

Examples:

```
keras-gans train dcgan --dataset fashion_mnist --epochs 5 --out runs/dcgan
keras-gans train dcgan --epochs 10 --out runs/dcgan --resume
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
    if hasattr(model, "generate"):
        evaluator = metrics.Evaluator()
        scores = metrics.evaluate_generator(
            model, num_samples=args.n, evaluator=evaluator, seed=args.seed, verbose=1
        )
        scores.update(metrics.variant_metrics(model, evaluator, args.n))
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
    from keras_gans.recipes import RECIPES

    train.add_argument(
        "variant",
        help=f"one of: {', '.join(sorted(RECIPES))}, or 'classifier' (the Fashion-MNIST evaluator)",
    )
    train.add_argument("--dataset", default="fashion_mnist", help="dataset name (default fashion_mnist)")
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
