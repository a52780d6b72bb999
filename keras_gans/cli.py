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
    )
    print(f"Run written to {args.out}")


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
    train.set_defaults(func=_train)
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
