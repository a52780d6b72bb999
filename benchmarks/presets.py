"""Writes the "Zoo presets" section of benchmarks/RESULTS.md from the
preset cards, so every figure there is the one `keras-gans export` measured
and recorded (never typed by hand).

The section has the generators' tables (sample quality, what each variant
is for) and, for the image-to-image presets that exist, one table each for
Pix2Pix vs its L1-only U-Net, super-resolution (bicubic, SRResNet, SRGAN;
one table per scale) and CycleGAN. A table whose presets are missing is
left out.

Usage:

```
.venv/bin/python benchmarks/presets.py
```
"""

import os

from keras_gans.core import presets

import results_sections

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
BEGIN, END = "<!-- presets:begin -->", "<!-- presets:end -->"

QUALITY = ("fid", "kid", "precision", "recall", "density", "coverage", "inception_score")
PURPOSE = (
    "conditional_accuracy", "real_accuracy", "relative_conditional_accuracy",
    "discriminator_test_accuracy",
    "clustering_accuracy", "code_class_accuracy",
    "test_accuracy", "supervised_only_test_accuracy", "num_labeled",
)
# Metrics only image-to-image cards have: a card with any of them is not a
# generator's, though paired translation cards also hold an "fid".
TRANSLATION_MARKERS = ("l1", "psnr", "ssim", "a2b_target_class_rate")
PIX2PIX = ("l1", "psnr", "ssim", "fid", "sharpness", "real_sharpness")
SUPER_RESOLUTION = ("psnr", "ssim", "fid", "sharpness")
CYCLEGAN = (
    "a2b_target_class_rate", "b2a_target_class_rate", "a_real_class_rate", "b_real_class_rate",
    "a2b_cycle_l1", "b2a_cycle_l1", "identity_weight", "cycle_weight",
)


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"
    return "" if value is None else str(value)


def _table(header, rows):
    return [
        "| " + " | ".join(header) + " |",
        "|---" * len(header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _is_translation(card):
    return any(key in card.get("metrics", {}) for key in TRANSLATION_MARKERS)


def _config(card):
    return card.get("model", {}).get("config", {})


def _adversarial(card):
    """False for the regression-only recipes (`adversarial_weight=0`)."""
    return float(_config(card).get("adversarial_weight", 1.0)) > 0


def _provenance(card):
    """`preset`, epochs and command cells of a card."""
    recipe = card.get("recipe", {})
    return [f"`{card['name']}`", str(recipe.get("epochs", "")), f"`{recipe.get('command', '')}`"]


def _protocols(cards):
    """The cards' own evaluation protocols, each once."""
    seen = []
    for card in cards:
        text = card.get("evaluation")
        if text and text not in seen:
            seen.append(text)
    return [f"Measured on {text}." for text in seen]


def _pix2pix_lines(cards):
    chosen = sorted(
        (c for c in cards if c.get("class_name") == "Pix2Pix" and "l1" in c.get("metrics", {})),
        key=lambda c: (not _adversarial(c), c["name"]),
    )
    if not chosen:
        return []
    rows = [
        [("Pix2Pix" if _adversarial(c) else "U-Net, L1 only")] + _provenance(c)
        + [_fmt(c["metrics"].get(k)) for k in PIX2PIX]
        for c in chosen
    ]
    return [
        "### Pix2Pix vs the L1-only U-Net",
        "",
        "Edges -> image. Pix2Pix is the U-Net with a PatchGAN discriminator and",
        "`adversarial + l1_weight * L1`; the L1-only U-Net is the same generator with",
        "`adversarial_weight=0` (the `pix2pix_l1` recipe). l1 (on [-1, 1]), psnr (dB),",
        "ssim and fid compare the outputs with their targets (lower l1 / fid, higher",
        "psnr / ssim are closer); sharpness is the mean gradient magnitude of the",
        "outputs, next to the targets' own (real_sharpness): L1 alone gives blurry means.",
        *_protocols(chosen),
        "",
        *_table(["model", "preset", "epochs", "command", *PIX2PIX], rows),
        "",
    ]


def _super_resolution_lines(cards):
    chosen = [c for c in cards if c.get("class_name") == "SRGAN" and "psnr" in c.get("metrics", {})]
    by_scale = {}
    for card in chosen:
        by_scale.setdefault(int(_config(card).get("scale", 4)), []).append(card)
    lines = []
    for scale, group in sorted(by_scale.items(), reverse=True):
        group.sort(key=lambda c: (_adversarial(c), c["name"]))  # SRResNet first, as trained
        baselines = []  # distinct bicubic measurements, with the card that holds them
        for card in group:
            values = tuple(card["metrics"].get(f"bicubic_{k}") for k in SUPER_RESOLUTION)
            if any(v is not None for v in values) and values not in [b for b, _ in baselines]:
                baselines.append((values, card))
        rows = [
            ["bicubic" if len(baselines) == 1 else f"bicubic (from `{card['name']}`)", "", "", ""]
            + [_fmt(v) for v in values]
            for values, card in baselines
        ]
        rows += [
            [("SRGAN" if _adversarial(c) else "SRResNet")] + _provenance(c)
            + [_fmt(c["metrics"].get(k)) for k in SUPER_RESOLUTION]
            for c in group
        ]
        gains = [
            f"{'SRGAN' if _adversarial(c) else 'SRResNet'} (`{c['name']}`) "
            f"{c['metrics']['psnr_gain_over_bicubic']:+.3g} dB"
            for c in group
            if isinstance(c["metrics"].get("psnr_gain_over_bicubic"), (int, float))
        ]
        shape = _config(group[0]).get("image_shape", (28, 28, 1))
        low = f"{shape[0] // scale}x{shape[1] // scale}"
        real = sorted({c["metrics"]["real_sharpness"] for c in group if "real_sharpness" in c["metrics"]})
        lines += [
            f"### Super-resolution x{scale}",
            "",
            f"{low} -> {shape[0]}x{shape[1]}. SRResNet is the generator trained on MSE alone",
            "(`adversarial_weight=0`); SRGAN is fine-tuned from it with the content loss",
            "(the classifier's features) and the adversarial term",
            "(`keras-gans train srgan --from-preset <srresnet preset>`). Bicubic is",
            '`keras.ops.image.resize(..., interpolation="bicubic", antialias=False)` from',
            f"the {low} average-pooled input, clipped to [-1, 1]. psnr (dB), ssim and fid",
            "compare the outputs with the real images; sharpness is their mean gradient",
            "magnitude"
            + (f" (the real images': {', '.join(_fmt(v) for v in real)})." if real else "."),
            *_protocols(group),
            "",
            *_table(["model", "preset", "epochs", "command", *SUPER_RESOLUTION], rows),
            "",
        ]
        if gains:
            lines += ["PSNR gain over bicubic: " + ", ".join(gains) + ".", ""]
    return lines


def _cyclegan_lines(cards):
    chosen = sorted(
        (c for c in cards if "a2b_target_class_rate" in c.get("metrics", {})), key=lambda c: c["name"]
    )
    if not chosen:
        return []
    rows = [
        _provenance(c) + [str(c.get("dataset", ""))] + [_fmt(c["metrics"].get(k)) for k in CYCLEGAN]
        for c in chosen
    ]
    return [
        "### CycleGAN",
        "",
        "Unpaired translation between two Fashion-MNIST classes (domain a -> b and",
        "b -> a). Target class rate: the share of translations the",
        "`fashion_mnist_classifier` assigns to the other domain's class; real class",
        "rate: its rate on the real images of each domain (the ceiling). Cycle L1:",
        "mean `|G_BA(G_AB(a)) - a|` (a2b) and `|G_AB(G_BA(b)) - b|` (b2a) on [-1, 1] images.",
        *_protocols(chosen),
        "",
        *_table(["preset", "epochs", "command", "dataset", *CYCLEGAN], rows),
        "",
    ]


def section():
    cards = [presets.read_card(presets.resolve(name)) for name in presets.names()]
    generators = [
        card for card in cards if "fid" in card.get("metrics", {}) and not _is_translation(card)
    ]
    quality = [
        _provenance(card) + [_fmt(card["metrics"].get(k)) for k in QUALITY]
        for card in generators
    ]
    purpose = [
        [f"`{card['name']}`"] + [_fmt(card["metrics"].get(k)) for k in PURPOSE]
        for card in generators
        if any(k in card["metrics"] for k in PURPOSE)
    ]
    lines = [
        BEGIN,
        "",
        "Generated by `python benchmarks/presets.py` from the preset cards",
        "(`zoo/*/preset.json`); each card records the command that",
        "trained the preset and `keras-gans export RUN --name NAME` measured it.",
        "Sample quality: 10,000 samples vs the 10,000 Fashion-MNIST test images in",
        "the 128-d feature space of `fashion_mnist_classifier` (lower FID/KID is",
        "better; FID between 10,000 real training images and the test set is 0.44).",
        "",
        *_table(["preset", "epochs", "command", *QUALITY], quality),
        "",
        "What each variant is for (conditional accuracy: the evaluator classifies a",
        "sample as its requested class; relative: divided by the evaluator's accuracy",
        "on real test images, target >= 0.95. Clustering accuracy: InfoGAN's",
        "categorical code on real test images (Q head) and on generated images",
        "(evaluator), best one-to-one map to classes. Semi-supervised: the",
        "discriminator's test accuracy next to the same network trained on the same",
        "labelled images alone):",
        "",
        *_table(["preset", *PURPOSE], purpose),
        "",
        *_pix2pix_lines(cards),
        *_super_resolution_lines(cards),
        *_cyclegan_lines(cards),
        END,
    ]
    return "\n".join(lines)


def main():
    new = section()
    results_sections.write_section(BEGIN, END, "Zoo presets", new, RESULTS)
    print(new)


if __name__ == "__main__":
    main()
