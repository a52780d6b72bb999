"""keras-gans: a Keras 3 model zoo of generative adversarial networks.

Example:

```python
import keras, keras_gans as kg

gan = kg.models.DCGAN(latent_dim=100, image_shape=(28, 28, 1))
gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
gan.fit(kg.datasets.load("fashion_mnist"), epochs=1,
        callbacks=[kg.callbacks.SampleGrid("runs/dcgan")])
```
"""

__version__ = "0.1.0"

from keras_gans.core import xla_cpu

# Before JAX runs its first computation: XLA reads its flags then.
xla_cpu.configure()

from keras_gans import callbacks, datasets, images, latent, layers, losses, metrics, models, transfer, zoo
