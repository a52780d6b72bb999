"""The zoo's models, one per file: GAN variants (`AdversarialModel`
subclasses) and the VAE baseline, all `ZooModel`s."""

from keras_gans.core.adversarial import AdversarialModel
from keras_gans.models.acgan import ACGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN
from keras_gans.models.sgan import SGAN
from keras_gans.models.infogan import InfoGAN
from keras_gans.models.wgan_gp import MLPWGANGP, WGANGP
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.srgan import SRGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.stylegan import StyleGAN
from keras_gans.models.vae import VAE
from keras_gans.models.next_frame import NextFramePredictor
