"""The convolutional hyperparameters every image variant shares.

DCGAN, WGAN-GP, cGAN, AC-GAN, InfoGAN and the semi-supervised GAN build
their networks from the same generator and discriminator bodies
(`keras_gans.layers.blocks`). `ImageNetworks` holds, validates and
serializes the options of those bodies once, so each variant's file only
adds what makes it different (its inputs and heads).
"""

from keras_gans.layers.blocks import UPSAMPLING_MODES, dense_head, discriminator_body, generator_body

NORMALIZATIONS = ("batch", "layer", None)
DISCRIMINATOR_ACTIVATIONS = ("leaky_relu", "relu")

# The options and their defaults (a variant may change a default).
IMAGE_NETWORK_OPTIONS = {
    "image_shape": (28, 28, 1),
    "generator_filters": (128, 64, 32),
    "discriminator_filters": (64, 128),
    "kernel_size": 3,
    # "subpixel" steps faster on every backend (benchmarks/RESULTS.md,
    # "Upsampling layers") but learned more slowly per step in the short runs
    # measured there, so nearest stays the default until a full-length run
    # settles which reaches a given FID sooner.
    "upsampling": "nearest",
    "dropout": 0.0,
    "normalization": "batch",
    "spectral_normalization": False,
    # LeakyReLU(0.2) is the DCGAN recipe; "relu" is the ablation of the
    # training-tricks experiment (examples/dcgan_tricks.py).
    "discriminator_activation": "leaky_relu",
}

class ImageNetworks:
    """Mixin for `AdversarialModel` subclasses built from the shared bodies.

    `configure_image_networks(kwargs)` takes the options of
    `IMAGE_NETWORK_OPTIONS` out of a constructor's `**kwargs`, checks them
    and stores them as attributes; `image_generator`,
    `image_discriminator_features` and `image_head` build with them;
    `image_networks_config` serializes them for `get_config`.
    """

    def configure_image_networks(self, kwargs, **defaults):
        """Pops the image-network options out of `kwargs` (a variant's
        `**kwargs`), with `defaults` overriding the shared defaults, and
        stores them on `self`."""
        options = {**IMAGE_NETWORK_OPTIONS, **defaults}
        for name in IMAGE_NETWORK_OPTIONS:
            if name in kwargs:
                options[name] = kwargs.pop(name)
        image_shape = tuple(int(d) for d in options["image_shape"])
        if len(image_shape) != 3:
            raise ValueError(f"`image_shape` must be (height, width, channels); received {image_shape}.")
        if options["upsampling"] not in UPSAMPLING_MODES:
            raise ValueError(
                f"`upsampling` must be one of {UPSAMPLING_MODES}; received {options['upsampling']!r}."
            )
        if options["normalization"] not in NORMALIZATIONS:
            raise ValueError(
                f"`normalization` must be one of {NORMALIZATIONS}; received {options['normalization']!r}."
            )
        if options["discriminator_activation"] not in DISCRIMINATOR_ACTIVATIONS:
            raise ValueError(
                f"`discriminator_activation` must be one of {DISCRIMINATOR_ACTIVATIONS}; "
                f"received {options['discriminator_activation']!r}."
            )
        generator_filters = tuple(int(f) for f in options["generator_filters"])
        scale = 2 ** (len(generator_filters) - 1)
        if image_shape[0] % scale or image_shape[1] % scale:
            raise ValueError(
                f"`image_shape` {image_shape[:2]} must be divisible by {scale} "
                f"for {len(generator_filters) - 1} upsampling blocks."
            )
        self.image_shape = image_shape
        self.generator_filters = generator_filters
        self.discriminator_filters = tuple(int(f) for f in options["discriminator_filters"])
        self.kernel_size = int(options["kernel_size"])
        self.upsampling = options["upsampling"]
        self.dropout = float(options["dropout"])
        self.normalization = options["normalization"]
        self.spectral_normalization = bool(options["spectral_normalization"])
        self.discriminator_activation = options["discriminator_activation"]

    def image_generator(self, x):
        """The generator body on a Keras tensor `x` (latents, maybe with codes
        or labels) -> images of `image_shape` in [-1, 1]."""
        return generator_body(x, self.image_shape, self.generator_filters, self.kernel_size, self.upsampling)

    def image_discriminator_features(self, x):
        """The discriminator body on a Keras tensor of images -> a layer
        named `features`."""
        return discriminator_body(
            x, self.discriminator_filters, self.kernel_size, self.dropout,
            self.normalization, self.spectral_normalization, self.discriminator_activation,
        )

    def image_head(self, features, units, name):
        """A linear head (spectrally normalized with the discriminator)."""
        return dense_head(features, units, name, self.spectral_normalization)

    def image_networks_config(self):
        return {
            "image_shape": self.image_shape,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "kernel_size": self.kernel_size,
            "upsampling": self.upsampling,
            "dropout": self.dropout,
            "normalization": self.normalization,
            "spectral_normalization": self.spectral_normalization,
            "discriminator_activation": self.discriminator_activation,
        }
