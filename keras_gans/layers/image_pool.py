"""`ImagePool`: a history of generated images for the discriminator
(Shrivastava et al., 2017; used by CycleGAN)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """Keeps the last `size` generated images and mixes them into D's batches.

    `query(images, seed)` returns a batch of the same shape: until the pool
    is full, the fresh images (which fill it); afterwards each image is, with
    probability 1/2, swapped for a random stored one (which it replaces in
    the pool), else passed through. The pool and its fill count are
    non-trainable variables, so they are saved with the model and threaded
    through the JAX trainer like BatchNorm statistics.

    Args:
        size: how many images the pool holds. Defaults to `50` (Zhu et al.).
        image_shape: `(height, width, channels)` of the images.

    Example:

    ```python
    pool = ImagePool(50, (28, 28, 1))
    mixed = pool.query(fake_images, seed=keras.random.SeedGenerator(0))
    ```
    """

    def __init__(self, size=50, image_shape=(28, 28, 1), **kwargs):
        super().__init__(**kwargs)
        if int(size) < 0:
            raise ValueError(f"`size` must be >= 0; received {size}.")
        self.size = int(size)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.images = self.add_weight(
            shape=(max(self.size, 1),) + self.image_shape, initializer="zeros",
            trainable=False, name="images",
        )
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32",
                                     trainable=False, name="count")
        self.built = True

    def query(self, images, seed=None):
        """Returns the batch D should see, and updates the pool."""
        if self.size == 0:
            return images
        n = ops.shape(images)[0]
        images = ops.stop_gradient(ops.cast(images, self.images.dtype))
        full = self.count >= self.size
        random_slots = keras.random.randint((n,), 0, self.size, seed=seed, dtype="int32")
        fill_slots = ops.mod(self.count + ops.arange(n, dtype="int32"), self.size)
        slots = ops.where(full, random_slots, fill_slots)
        stored = ops.take(self.images, slots, axis=0)
        swap = ops.logical_and(full, keras.random.uniform((n,), seed=seed) < 0.5)
        swap_images = ops.reshape(swap, (-1, 1, 1, 1))
        # Swapped images go into the pool and the stored ones come out;
        # while filling, every image goes in and comes out unchanged.
        write = ops.logical_or(swap, ops.logical_not(full))
        updates = ops.where(ops.reshape(write, (-1, 1, 1, 1)), images, stored)
        self.images.assign(ops.scatter_update(self.images, ops.expand_dims(slots, 1), updates))
        self.count.assign(ops.minimum(self.count + n, self.size))
        return ops.where(swap_images, stored, images)

    def call(self, images):
        return images

    def get_config(self):
        return {**super().get_config(), "size": self.size, "image_shape": self.image_shape}
