"""The `keras-gans` command: its arguments, their checks and its errors.

This package imports only the standard library, so that `keras-gans --help`
and every argument error answer at once. The commands themselves live in
`keras_gans.cli`, imported (with Keras, TensorFlow, JAX and TFDS) only once
the arguments are known to be valid.

Example:

```
keras-gans train dcgan --dataset fashion_mnist --epochs 5 --out runs/dcgan
keras-gans train dcgan --epochs 10 --out runs/dcgan --resume
keras-gans sample dcgan_fashion_mnist --n 64 --out samples.png
keras-gans translate runs/pix2pix photos/ --out translated/
```
"""

import argparse
import difflib
import os
import sys

MAX_SEED = 2**32 - 1  # the backends' seeds are unsigned 32-bit integers
COMMANDS = ("train", "list", "sample", "walk", "translate", "evaluate", "export")


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors are one line: `keras-gans: error: ...`."""

    def error(self, message):
        self.exit(2, f"keras-gans: error: {message} (see `{self.prog} --help`)\n")


def _integer(minimum, maximum=None):
    """An argparse `type` for integers in `[minimum, maximum]`."""

    def parse(text):
        expected = f"an integer >= {minimum}" if maximum is None else (
            f"an integer in [{minimum}, {maximum}]"
        )
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}; received {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"expected {expected}; received {value}")
        return value

    return parse


def _writable(path, kind):
    """Checks that `path` can be written as a `kind` ("folder" or "file")
    without importing anything; returns `path`."""
    target = os.path.abspath(path)
    existing = target
    while not os.path.exists(existing) and os.path.dirname(existing) != existing:
        existing = os.path.dirname(existing)  # the nearest folder that exists
    if existing == target:
        if kind == "folder" and not os.path.isdir(target):
            raise argparse.ArgumentTypeError(f"expected a folder; received {path!r}, an existing file")
        if kind == "file" and os.path.isdir(target):
            raise argparse.ArgumentTypeError(
                f"expected a file path; received {path!r}, an existing folder"
            )
        folder = target if kind == "folder" else os.path.dirname(target)
    elif not os.path.isdir(existing):
        raise argparse.ArgumentTypeError(
            f"expected a path in a folder; received {path!r}, inside the file {existing!r}"
        )
    else:
        folder = existing
    if not os.access(folder, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"expected a writable {kind} path; received {path!r}, but folder {folder!r} "
            "is not writable"
        )
    return path


def _out_folder(path):
    return _writable(path, "folder")


def _out_file(path):
    return _writable(path, "file")


def build_parser():
    """The `keras-gans` argument parser (imports nothing).

    Returns:
        An `argparse.ArgumentParser` whose errors are one line and exit with
        status 2.

    Example:

    ```python
    args = keras_gans_cli.build_parser().parse_args(["train", "dcgan", "--out", "runs/dcgan"])
    ```
    """
    positive, natural, seed = _integer(1), _integer(0), _integer(0, MAX_SEED)
    parser = _Parser(
        prog="keras-gans", description="Train and use GANs with Keras 3 (TensorFlow, JAX or PyTorch)."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    train = commands.add_parser(
        "train",
        help="train a variant with its default recipe",
        description="Trains VARIANT and writes samples, loss plots, metrics.csv and "
        "checkpoint.keras under --out. Set KERAS_BACKEND to choose the backend.",
    )
    train.add_argument(
        "variant",
        help="a recipe name (e.g. dcgan, wgan_gp, cgan, pix2pix, stylegan; `keras-gans list` "
        "shows the presets they trained), or 'classifier' (the Fashion-MNIST evaluator)",
    )
    train.add_argument("--dataset", default=None,
                       help="dataset name (default: the recipe's, e.g. fashion_mnist or fashion_edges)")
    train.add_argument("--epochs", type=positive, default=5, help="total epochs (default 5)")
    train.add_argument("--batch-size", type=positive, default=None, help="default: the recipe's")
    train.add_argument("--steps-per-epoch", type=positive, default=None, help="cap steps per epoch")
    train.add_argument("--limit", type=positive, default=None, help="use only the first N examples")
    train.add_argument("--seed", type=seed, default=0, help=f"model and shuffling seed, 0 to {MAX_SEED}")
    train.add_argument("--out", type=_out_folder, required=True, help="run folder")
    train.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.keras")
    train.add_argument(
        "--checkpoint-every", type=positive, default=None, metavar="STEPS",
        help="write OUT/checkpoint.keras every STEPS steps (default: about every 5 minutes of work)",
    )
    train.add_argument(
        "--evaluate-every", type=positive, default=None, metavar="EPOCHS",
        help="measure FID (and the variant's own metrics) every EPOCHS epochs on "
        "--evaluate-samples samples; keeps the best model in OUT/best.keras",
    )
    train.add_argument(
        "--evaluate-samples", type=positive, default=2000, metavar="N",
        help="samples per --evaluate-every measurement (default 2000)",
    )
    train.add_argument("--from-preset", default=None, help="fine-tune: start from this preset's weights")
    train.add_argument("--classes", type=natural, nargs="+", default=None,
                       help="train only on these labels")
    train.add_argument(
        "--freeze-d", default=None, metavar="BLOCK",
        help="Freeze-D: freeze the discriminator up to this block (e.g. block_1)",
    )
    train.add_argument(
        "--num-labeled", type=positive, default=None, metavar="N",
        help="semi-supervised variants: labelled images, balanced over classes (default: the recipe's)",
    )

    train.add_argument(
        "--devices", type=positive, default=1, metavar="N",
        help="train data-parallel on N devices, each taking an equal share of every batch "
        "(JAX: keras.distribution; TensorFlow: tf.distribute.MirroredStrategy). Default 1",
    )

    commands.add_parser("list", help="list the zoo's presets and their measured metrics")

    sample = commands.add_parser("sample", help="write a grid of samples from a preset or run folder")
    sample.add_argument("name", help="preset name, preset folder, or run folder")
    sample.add_argument("--n", type=positive, default=64, help="number of samples (default 64)")
    sample.add_argument("--seed", type=seed, default=0, help="latent seed (default 0)")
    sample.add_argument("--out", type=_out_file, default="samples.png",
                        help="PNG path (default samples.png)")
    sample.add_argument("--labels", type=natural, nargs="+", default=None,
                        help="conditional models: classes to request, cycled over the samples")

    walk = commands.add_parser(
        "walk", help="write a latent interpolation between seeds as a PNG grid or an animated GIF"
    )
    walk.add_argument("name", help="preset name, preset folder, or run folder")
    walk.add_argument("--seeds", type=seed, nargs="+", default=[0, 1, 2, 3], help="seeds to visit")
    walk.add_argument("--steps", type=positive, default=8, help="images between consecutive seeds")
    walk.add_argument("--method", choices=["slerp", "lerp"], default="slerp")
    walk.add_argument("--label", type=natural, default=None,
                      help="conditional models: the class to walk in")
    walk.add_argument("--out", type=_out_file, default="walk.gif",
                      help=".gif (animation) or .png (one row per pair)")

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
    translate.add_argument("--out", type=_out_folder, required=True, metavar="DIR",
                           help="output folder: DIR/<input stem>.png per image")
    translate.add_argument("--direction", choices=["a2b", "b2a"], default=None,
                           help="CycleGAN: the direction (default: the model's)")
    translate.add_argument("--mode", choices=["tile", "pad", "error"], default="tile",
                           help="images of another size: tile (default), pad (smaller only) or error")
    translate.add_argument("--overlap", type=natural, default=0, metavar="N",
                           help="tile mode: context pixels discarded at each tile edge (default 0)")
    translate.add_argument("--batch-size", type=positive, default=64, metavar="N",
                           help="tiles per model call (default 64)")

    evaluate = commands.add_parser(
        "evaluate",
        help="measure FID, KID, precision/recall... (GANs) or accuracy (classifiers)",
        description="Scores a preset or run folder against the Fashion-MNIST test set with "
        "the fashion_mnist_classifier preset as feature extractor.",
    )
    evaluate.add_argument("name", help="preset name, preset folder, or run folder")
    evaluate.add_argument("--n", type=positive, default=10_000, help="generated samples (default 10000)")
    evaluate.add_argument("--seed", type=seed, default=0, help="latent seed")
    evaluate.add_argument("--floor", action="store_true", help="also report FID(train, test)")

    export = commands.add_parser("export", help="measure a run folder and write it as a zoo preset")
    export.add_argument("run_dir", help="a folder written by `keras-gans train`")
    export.add_argument("--name", required=True, help="preset name, e.g. dcgan_fashion_mnist")
    export.add_argument("--dest", type=_out_folder, default=None,
                        help="presets folder (default: the package's)")
    export.add_argument("--n", type=positive, default=10_000, help="samples for the metrics")
    return parser


def _message(error):
    """One line for an error (a `KeyError`'s `str` is the quoted key)."""
    text = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
    return " ".join(str(text).split()) or type(error).__name__


def main(argv=None):
    """Runs `keras-gans` with `argv` (default `sys.argv[1:]`).

    Arguments are parsed and checked first; the command then runs with
    expected failures (`ValueError`, `KeyError`, `OSError` such as
    `FileNotFoundError`) reported as one `keras-gans: error: ...` line.

    Args:
        argv: the arguments, without the program name.

    Returns:
        The exit status: 0 on success, 2 for a bad argument or a failed
        command, 130 when interrupted.

    Example:

    ```python
    keras_gans_cli.main(["sample", "dcgan_fashion_mnist", "--n", "16", "--out", "grid.png"])
    ```
    """
    argv = sys.argv[1:] if argv is None else [str(arg) for arg in argv]
    parser = build_parser()
    try:
        if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
            close = difflib.get_close_matches(argv[0], COMMANDS, n=1, cutoff=0.7)
            parser.error(
                f"unknown command {argv[0]!r}; expected one of: {', '.join(COMMANDS)}"
                + (f"; did you mean {close[0]!r}?" if close else "")
            )
        args = parser.parse_args(argv)
        if args.command is None:
            parser.error(f"expected a command ({', '.join(COMMANDS)}); received none")
    except SystemExit as exit:  # --help, or an argument error already printed
        return int(exit.code or 0)
    args.command_line = " ".join(["keras-gans"] + argv)
    try:
        # Imported only now, once the arguments are valid: `keras_gans` loads
        # Keras, TensorFlow, JAX and TFDS (10-30 s), which `--help` and
        # argument errors must not wait for.
        from keras_gans import cli

        getattr(cli, "_" + args.command)(args)
    except KeyboardInterrupt:
        print("keras-gans: interrupted", file=sys.stderr)
        return 130
    except (ValueError, KeyError, OSError) as error:  # OSError: FileNotFoundError, PermissionError...
        print(f"keras-gans: error: {_message(error)}", file=sys.stderr)
        return 2
    return 0
