"""Per-frame scores of predicted video frames against the true frames.

MSE follows OpenSTL: for each predicted frame, the squared error summed
over the pixels (on the [0, 1] scale), averaged over the sequences (so
OpenSTL's reported MSE is the mean of these over the predicted frames).
PSNR, SSIM and sharpness are those of `keras_gans.metrics.image_quality`,
per frame, averaged over the sequences.

Example:

```python
scores = frame_scores(model.rollout(past, 10), future)   # future: (n, 10, 64, 64, 1)
scores["psnr"]          # 10 values, one per predicted frame
copy = frame_scores(copy_last(past, 10), future)
```
"""

import numpy as np

from keras_gans.metrics import image_quality

FRAME_METRICS = ("mse", "psnr", "ssim", "sharpness")


def _check_frames(frames, name):
    frames = np.asarray(frames)
    if frames.ndim != 5:
        raise ValueError(
            f"`{name}` must be frames of shape (sequences, frames, h, w, c); received {frames.shape}."
        )
    return frames


def frame_mse(predicted, targets):
    """OpenSTL's MSE of each frame: per-frame sum of squared errors over
    the pixels on the [0, 1] scale, averaged over the sequences."""
    predicted, targets = _check_frames(predicted, "predicted"), _check_frames(targets, "targets")
    if predicted.shape != targets.shape:
        raise ValueError(
            f"`predicted` and `targets` must have the same shape; received {predicted.shape} "
            f"and {targets.shape}."
        )
    error = (np.asarray(predicted, "float64") - np.asarray(targets, "float64")) / 2.0
    return (error**2).sum(axis=(2, 3, 4)).mean(axis=0)


def frame_scores(predicted, targets):
    """MSE, PSNR, SSIM and sharpness of every predicted frame.

    Args:
        predicted: float `(n, t, h, w, c)` in [-1, 1].
        targets: the true frames, same shape.

    Returns:
        dict of lists of `t` floats: `mse` (OpenSTL's), `psnr` (dB), `ssim`,
        `sharpness` (of the predictions) and `real_sharpness` (the targets').
    """
    mse = frame_mse(predicted, targets)
    scores = {"mse": [float(v) for v in mse], "psnr": [], "ssim": [], "sharpness": [], "real_sharpness": []}
    for t in range(predicted.shape[1]):
        out, true = np.asarray(predicted[:, t]), np.asarray(targets[:, t])
        scores["psnr"].append(image_quality.psnr(out, true))
        scores["ssim"].append(image_quality.ssim(out, true))
        scores["sharpness"].append(image_quality.sharpness(out))
        scores["real_sharpness"].append(image_quality.sharpness(true))
    return scores


def copy_last(past_frames, steps, channels=1):
    """The copy-the-last-frame baseline: the last past frame, `steps` times.

    Args:
        past_frames: `(n, h, w, frames * channels)`, oldest frame first.
        steps: predicted frames.
        channels: channels per frame. Defaults to 1.

    Returns:
        `(n, steps, h, w, channels)`.
    """
    past_frames = np.asarray(past_frames)
    last = past_frames[..., -int(channels):]
    return np.repeat(last[:, None], int(steps), axis=1)
