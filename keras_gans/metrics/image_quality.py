"""Full-reference image metrics (PSNR, SSIM, L1) and a no-reference one
(sharpness), on NumPy batches of images in [-1, 1].

PSNR and SSIM follow their usual definitions on the [0, 1] scale (data range
1); SSIM uses an 11x11 Gaussian window with sigma 1.5 and K1 = 0.01,
K2 = 0.03 (Wang et al., 2004), with 'valid' filtering (no padding).

Example:

```python
psnr(outputs, targets)      # mean over images, in dB
ssim(outputs, targets)      # mean over images, in [-1, 1]
sharpness(outputs), sharpness(targets)
```
"""

import numpy as np
from scipy import ndimage


def _unit(images):
    images = np.asarray(images, dtype="float64")
    if images.ndim != 4:
        raise ValueError(f"Expected images of shape (n, h, w, c); received {images.shape}.")
    return (images + 1.0) / 2.0


def _check_pair(a, b):
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"The two image batches must have the same shape; received {np.shape(a)} and {np.shape(b)}."
        )


def psnr_per_image(outputs, targets):
    """PSNR of each image in dB (data range 1 on the [0, 1] scale)."""
    _check_pair(outputs, targets)
    mse = ((_unit(outputs) - _unit(targets)) ** 2).mean(axis=(1, 2, 3))
    return 10.0 * np.log10(1.0 / np.maximum(mse, 1e-12))


def psnr(outputs, targets):
    """Mean PSNR over the images, in dB."""
    return float(psnr_per_image(outputs, targets).mean())


def ssim_per_image(outputs, targets, sigma=1.5, truncate=3.5):
    """SSIM of each image (channels averaged), Gaussian window."""
    _check_pair(outputs, targets)
    x, y = _unit(outputs), _unit(targets)
    c1, c2 = 0.01**2, 0.03**2
    radius = int(truncate * sigma + 0.5)

    def blur(z):
        out = ndimage.gaussian_filter(z, sigma=(0, sigma, sigma, 0), truncate=truncate, mode="constant")
        return out[:, radius:-radius, radius:-radius, :]

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x**2
    var_y = blur(y * y) - mu_y**2
    cov = blur(x * y) - mu_x * mu_y
    ssim_map = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    return ssim_map.mean(axis=(1, 2, 3))


def ssim(outputs, targets):
    """Mean SSIM over the images."""
    return float(ssim_per_image(outputs, targets).mean())


def mean_absolute_error(outputs, targets):
    """Mean L1 distance on the [-1, 1] scale."""
    _check_pair(outputs, targets)
    return float(np.abs(np.asarray(outputs, "float64") - np.asarray(targets, "float64")).mean())


def sharpness(images):
    """Mean gradient magnitude (finite differences on the [0, 1] scale).

    Blurry images score low; compare with the real images' score.
    """
    x = _unit(images)
    dy = np.diff(x, axis=1)[:, :, :-1, :]
    dx = np.diff(x, axis=2)[:, :-1, :, :]
    return float(np.sqrt(dx**2 + dy**2).mean())
