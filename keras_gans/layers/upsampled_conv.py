"""A "same" convolution of nearest-neighbour upsampled inputs, computed at
the inputs' resolution.

Upsampling by `s` repeats each input pixel over an `s x s` block, so the
kernel taps of a `k x k` convolution that land on the same input pixel
simply add up. At each of the `s * s` output phases `(a, b)` (an output
pixel's position inside its block) the upsampled convolution is therefore an
ordinary convolution of the *original* inputs with a smaller kernel, whose
taps are sums of the original's: for `k = 3, s = 2`, in one dimension,

    y[2i]     = K[0] x[i - 1] + (K[1] + K[2]) x[i]
    y[2i + 1] = (K[0] + K[1]) x[i] + K[2] x[i + 1]

`upsampled_conv` computes all phases as one convolution of the inputs to
`s * s * filters` channels (a `2 x 2` kernel for `k = 3, s = 2`: 16
multiply-adds per input pixel and channel pair where `UpSampling2D` then a
`3 x 3` convolution takes 36), then interleaves them with
`depth_to_space`. The result equals `UpSampling2D(s)` followed by the
convolution, up to floating-point rounding, and so does its gradient; the
kernel is the same variable, so weights trained either way load into the
other.
"""

import numpy as np
from keras import ops

from keras_gans.core import backend


def phase_taps(kernel_size, factor):
    """How each output phase's kernel is made from the original's taps,
    along one spatial axis.

    Args:
        kernel_size: the original kernel's size `k` ("same" padding).
        factor: the upsampling factor `s`.

    Returns:
        `(taps, starts)`: `taps` is a `(factor, phase_size, kernel_size)` 0/1
        array, `taps[a, j, d] = 1` where phase `a`'s tap `j` sums the
        original tap `d`; `starts[a]` is the input offset of phase `a`'s
        first tap (relative to the output pixel's block).

    Example:

    >>> taps, starts = phase_taps(3, 2)
    >>> taps[0].tolist(), taps[1].tolist(), starts
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [-1, 0])
    """
    before = (kernel_size - 1) // 2  # "same" padding's leading zeros
    offsets = [[(a + d - before) // factor for d in range(kernel_size)] for a in range(factor)]
    starts = [min(row) for row in offsets]
    phase_size = max(max(row) - min(row) + 1 for row in offsets)
    taps = np.zeros((factor, phase_size, kernel_size), "float32")
    for a, row in enumerate(offsets):
        for d, offset in enumerate(row):
            taps[a, offset - starts[a], d] = 1.0
    return taps, starts


def upsampled_conv(inputs, kernel, factor):
    """`UpSampling2D(factor)` (nearest) then a stride-1 "same" convolution
    with `kernel`, computed at the inputs' resolution (see the module's
    docstring).

    Args:
        inputs: `(batch, height, width, channels)`.
        kernel: `(k, k, channels, filters)`.
        factor: the upsampling factor.

    Returns:
        `(batch, factor * height, factor * width, filters)`.

    Example:

    ```python
    x = keras.random.normal((2, 7, 7, 16))
    kernel = keras.random.normal((3, 3, 16, 8))
    y = upsampled_conv(x, kernel, 2)
    # equals backend.conv(keras.layers.UpSampling2D(2)(x), kernel, padding="same")
    ```
    """
    kernel_size, _, channels, filters = kernel.shape
    taps, starts = phase_taps(kernel_size, factor)
    phase_size = taps.shape[1]
    # Phase (a, b)'s kernel, in float32 (mixed precision's float16 would
    # round the sums), as output channels (a, b, filter): depth_to_space's
    # order.
    phase_kernels = ops.einsum("apr,bqt,rtio->pqiabo", taps, taps, ops.cast(kernel, "float32"))
    phase_kernels = ops.cast(
        ops.reshape(phase_kernels, (phase_size, phase_size, channels, factor * factor * filters)), kernel.dtype
    )
    # One "valid" convolution covers every phase's window: phase a's output
    # i reads inputs i + starts[a] ... i + starts[a] + phase_size - 1.
    first, last = min(starts), max(starts)
    padded = ops.pad(inputs, [[0, 0], [-first, last + phase_size - 1], [-first, last + phase_size - 1], [0, 0]])
    outputs = backend.conv(padded, phase_kernels, padding="valid")
    height, width = ops.shape(inputs)[1], ops.shape(inputs)[2]
    phases = []
    for a in range(factor):
        for b in range(factor):
            row, column, channel = starts[a] - first, starts[b] - first, (a * factor + b) * filters
            phases.append(outputs[:, row : row + height, column : column + width, channel : channel + filters])
    return ops.depth_to_space(ops.concatenate(phases, axis=-1), factor, data_format="channels_last")
