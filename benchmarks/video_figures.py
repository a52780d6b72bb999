"""The next-frame prediction comparison on Moving Fashion-MNIST: a figure,
an animation and the "Next-frame video prediction" section of RESULTS.md.

- `benchmarks/figures/video_next_frame.png`: for two test sequences, rows
  ground truth | copy-last | MSE | MSE + GDL | adversarial | adversarial
  trained one epoch more, columns the 10 frames each predictor rolls out
  recursively from the 10 past frames.
- `benchmarks/figures/video_next_frame.gif`: four test sequences, columns
  as the figure's rows; the 10 past
  frames (truth in every column), then the 10 predicted ones.
- The section between `<!-- video:begin -->` and `<!-- video:end -->` of
  `benchmarks/RESULTS.md`: the per-frame metrics recorded in the preset
  cards by `keras-gans export` (never typed by hand), and which targets
  they meet.

Run (about a minute on CPU, from the shipped presets):

```
KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/video_figures.py
```
"""

import os

import numpy as np

from keras_gans import zoo
from keras_gans.core import presets
from keras_gans.datasets import moving
from keras_gans.images import save_gif, save_grid
from keras_gans.metrics import video

import results_sections

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = os.path.join(HERE, "figures")
RESULTS = os.path.join(HERE, "RESULTS.md")
BEGIN, END = "<!-- video:begin -->", "<!-- video:end -->"
# (label, preset); a missing preset is left out.
PREDICTORS = (
    ("MSE", "video_mse_fashion"),
    ("MSE + GDL", "video_gdl_fashion"),
    ("adversarial (MSE + GDL + adv)", "video_next_frame_fashion"),
    ("adversarial, one more epoch", "video_adversarial_2epochs_fashion"),
)
ADVERSARIAL = ("video_next_frame_fashion", "video_adversarial_2epochs_fashion")
METRICS = ("mse", "psnr", "ssim", "sharpness")
# Published, not measured here: OpenSTL's benchmark (Tan et al., 2023),
# ConvLSTM on Moving Fashion-MNIST, 200 epochs on a GPU, mean over 10 frames.
OPENSTL_CONVLSTM = {"mse": 28.87, "ssim": 0.879}


def _available():
    names = set(presets.names())
    return [(label, name) for label, name in PREDICTORS if name in names]


def _rollouts(models, num):
    sequences = moving.moving_fashion_mnist("test", num)
    past, future = moving.split_frames(sequences)
    rows = [future, video.copy_last(past, future.shape[1])]
    rows += [model.rollout(past, future.shape[1]) for model in models]
    return past, rows


def figure(models, path):
    _, rows = _rollouts(models, 2)
    grid = np.concatenate([np.stack([row[i] for row in rows]) for i in range(2)])
    return save_grid(grid.reshape((-1, 64, 64, 1)), path, columns=grid.shape[1], scale=2)


def animation(models, path, num=4):
    past, rows = _rollouts(models, num)
    past = np.moveaxis(past, -1, 1)[..., None]  # (n, 10, 64, 64, 1)
    frames = [np.stack([past[:, t]] * len(rows), axis=1).reshape((-1, 64, 64, 1))
              for t in range(past.shape[1])]
    frames += [np.stack([row[:, t] for row in rows], axis=1).reshape((-1, 64, 64, 1))
               for t in range(rows[0].shape[1])]
    return save_gif(frames, path, columns=len(rows), scale=2, duration_ms=250)


def _fmt(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _table(header, rows):
    return ["| " + " | ".join(header) + " |", "|---" * len(header) + "|",
            *("| " + " | ".join(row) + " |" for row in rows)]


def _targets(cards):
    """Lines saying, from the cards' numbers, which targets are met."""
    lines = []
    mse_only = cards.get("video_mse_fashion")
    for name in ADVERSARIAL:
        if name not in cards:
            continue
        m = cards[name]["metrics"]
        for metric, better in (("psnr", np.greater), ("mse", np.less)):
            ours, copy = np.array(m[f"{metric}_per_frame"]), np.array(m[f"copy_last_{metric}_per_frame"])
            wins = [str(i + 1) for i in np.flatnonzero(better(ours, copy))]
            lines.append(
                f"- `{name}` vs copy-last, {metric.upper()}: better at frame(s) "
                f"{', '.join(wins) if wins else 'none'} of 10 (frame 1: {ours[0]:.4g} vs {copy[0]:.4g}; "
                f"mean {ours.mean():.4g} vs {copy.mean():.4g})."
            )
        if mse_only:
            b = mse_only["metrics"]
            cost = b["psnr_mean"] - m["psnr_mean"]
            sharper = np.array(m["sharpness_per_frame"]) > np.array(b["sharpness_per_frame"])
            lines.append(
                f"- `{name}` vs MSE only: sharpness {m['sharpness_mean']:.4g} vs {b['sharpness_mean']:.4g} "
                f"(true frames {m['real_sharpness']:.4g}); PSNR cost {cost:+.3g} dB (mean over 10 frames; "
                f"frame 1: {b['psnr_frame_1'] - m['psnr_frame_1']:+.3g} dB). Target, sharper at <= 1 dB "
                "(means over the 10 frames): "
                + ("met." if m["sharpness_mean"] > b["sharpness_mean"] and cost <= 1.0 else "missed.")
                + " Sharper than MSE only at frame(s) "
                + (", ".join(str(i + 1) for i in np.flatnonzero(sharper)) or "none") + " of 10."
            )
    return lines


def section():
    cards = {name: presets.read_card(presets.resolve(name)) for _, name in _available()}
    labelled = [(label, cards[name]) for label, name in _available()]
    if not labelled:
        return "\n".join([BEGIN, "", "No video presets are installed.", "", END])
    first = cards.get("video_next_frame_fashion", labelled[-1][1])
    rows = [["copy-last frame", "", "", "", ""] + [
        _fmt(first["metrics"][f"copy_last_{k}_{at}"]) for k in METRICS for at in ("frame_1", "mean")]]
    for label, card in labelled:
        recipe = card["recipe"]
        rows.append([label, f"`{card['name']}`", str(recipe.get("epochs", "")), _fmt(recipe.get("train_seconds", "")),
                     f"`{recipe.get('command', '')}`"]
                    + [_fmt(card["metrics"][f"{k}_{at}"]) for k in METRICS for at in ("frame_1", "mean")])
    reference = ["ConvLSTM, OpenSTL (published, 200 GPU epochs)", "", "", "", ""]
    for k in METRICS:
        reference += ["", _fmt(OPENSTL_CONVLSTM[k]) if k in OPENSTL_CONVLSTM else ""]
    rows.append(reference)
    header = ["predictor", "preset", "epochs", "train s", "command"] + [
        f"{k} {at}" for k in METRICS for at in ("f1", "mean")]
    per_frame = []
    for metric in ("mse", "psnr", "ssim", "sharpness"):
        frame_rows = [["copy-last frame"] + [_fmt(v) for v in first["metrics"][f"copy_last_{metric}_per_frame"]]]
        frame_rows += [[label] + [_fmt(v) for v in card["metrics"][f"{metric}_per_frame"]] for label, card in labelled]
        per_frame += [f"{metric.upper()} per predicted frame:", "",
                      *_table(["predictor"] + [str(t) for t in range(1, 11)], frame_rows), ""]
    lines = [
        BEGIN,
        "",
        "Generated by `KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/video_figures.py` from",
        "the preset cards; the presets are trained and exported by",
        "`bash scripts/train_video_presets.sh` (TensorFlow backend, CPU).",
        "",
        "Moving Fashion-MNIST (OpenSTL's Moving-MNIST protocol with Fashion-MNIST items:",
        "64x64 canvas, two 28x28 items, step length 0.1, bouncing; items of the test split,",
        "test sequences from seed 1). Each predictor sees 10 past frames and predicts the",
        "next; 10 frames are rolled out recursively. MSE is OpenSTL's (per frame, sum over",
        "the 4,096 pixels of the squared error on [0, 1], mean over sequences); PSNR (dB) and",
        "SSIM on [0, 1]; sharpness is the mean gradient magnitude. f1: the first predicted",
        "frame; mean: over the 10. " + f"Measured on {first.get('evaluation', '')}.",
        "",
        *_table(header, rows),
        "",
        f"The true frames' sharpness is {_fmt(first['metrics']['real_sharpness'])}. The OpenSTL row is",
        "the published result of OpenSTL's benchmark (ConvLSTM, 200 epochs on a GPU, 10-frame",
        "mean), a reference ceiling; it was not measured here.",
        "",
        "Each epoch is 300 steps of 32 pairs (the recipes' batch size), each pair from its own",
        "sequence; train s is the card's training wall-clock on a 2-core CPU shared with other",
        "trainings. The MSE run (first started with `--epochs 4`) was stopped early in its",
        "second epoch and resumed from its epoch-1 checkpoint to 2 epochs (hence `--resume`;",
        "train s counts the two completed epochs). The adversarial predictor is fine-tuned",
        "from the MSE + GDL preset (`--from-preset`, as SRGAN is from SRResNet), so it has had",
        "that preset's 600 steps plus its own; its train s counts its own epochs only.",
        "`video_adversarial_2epochs_fashion` is the same adversarial run resumed for a second",
        "epoch (300 more steps): sharper, but its recursive rollouts drift (objects swell into",
        "bright blobs, see the figure), so the `video_next_frame_fashion` preset keeps the first.",
        "",
        "Targets:",
        "",
        *_targets(cards),
        "",
        *per_frame,
        "Rows: ground truth | copy-last | MSE | MSE + GDL | adversarial | adversarial one more",
        "epoch, for two test sequences;",
        "columns: the 10 predicted frames.",
        "",
        "![next-frame prediction](figures/video_next_frame.png)",
        "",
        "Animated: [video_next_frame.gif](figures/video_next_frame.gif) (10 past frames, then",
        "the 10 predicted; columns as the rows above).",
        "",
        END,
    ]
    return "\n".join(lines)


def write_section(text):
    results_sections.write_section(BEGIN, END, "Next-frame video prediction", text, RESULTS)


if __name__ == "__main__":
    os.makedirs(FIGURES, exist_ok=True)
    models = [zoo.load(name) for _, name in _available()]
    print(figure(models, os.path.join(FIGURES, "video_next_frame.png")))
    print(animation(models, os.path.join(FIGURES, "video_next_frame.gif")))
    text = section()
    write_section(text)
    print(text)
