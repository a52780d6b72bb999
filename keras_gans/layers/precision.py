"""The dtype of output layers under mixed precision.

Networks end in layers that compute in float32 whatever the global dtype
policy: a generator's image layer and a discriminator's logits. This is
Keras' advice for mixed precision (float16 logits and images lose the
precision the losses need), and it also keeps the last, single-channel
convolution of a generator out of PyTorch's CPU half-precision convolution,
whose weight gradient fails for one output channel ("slow_conv2d:
grad_weight must be contiguous"). Under the default float32 policy it
changes nothing.

Example:

```python
logits = keras.layers.Dense(1, dtype=OUTPUT_DTYPE, name="logits")(features)
```
"""

OUTPUT_DTYPE = "float32"
