"""keras.layers: the Layer base class and the built-in layers (one per module)."""
from .input_spec import InputSpec  # noqa: F401
from .layer import Layer  # noqa: F401
from .attention.additive_attention import AdditiveAttention  # noqa: F401
from .attention.attention import Attention  # noqa: F401
from .attention.multi_head_attention import MultiHeadAttention  # noqa: F401
from .core.activation import Activation  # noqa: F401
from .core.dense import Dense  # noqa: F401
from .core.embedding import Embedding  # noqa: F401
from .core.identity import Identity  # noqa: F401
from .core.input_layer import Input, InputLayer  # noqa: F401
from .core.lambda_layer import Lambda  # noqa: F401
from .core.masking import Masking  # noqa: F401
from .core.tf_op_layer import TFOpLambda  # noqa: F401
from .activations.elu import ELU  # noqa: F401
from .activations.leaky_relu import LeakyReLU  # noqa: F401
from .activations.prelu import PReLU  # noqa: F401
from .activations.relu import ReLU  # noqa: F401
from .activations.softmax import Softmax  # noqa: F401
from .activations.thresholded_relu import ThresholdedReLU  # noqa: F401
from .convolutional.conv1d import Conv1D, Convolution1D  # noqa: F401
from .convolutional.conv2d import Conv2D, Convolution2D  # noqa: F401
from .convolutional.conv3d import Conv3D, Convolution3D  # noqa: F401
from .convolutional.conv1d_transpose import (  # noqa: F401
    Conv1DTranspose, Convolution1DTranspose)
from .convolutional.conv2d_transpose import (  # noqa: F401
    Conv2DTranspose, Convolution2DTranspose)
from .convolutional.conv3d_transpose import (  # noqa: F401
    Conv3DTranspose, Convolution3DTranspose)
from .convolutional.depthwise_conv1d import DepthwiseConv1D  # noqa: F401
from .convolutional.depthwise_conv2d import DepthwiseConv2D  # noqa: F401
from .convolutional.separable_conv1d import (  # noqa: F401
    SeparableConv1D, SeparableConvolution1D)
from .convolutional.separable_conv2d import (  # noqa: F401
    SeparableConv2D, SeparableConvolution2D)
from .pooling.average_pooling import (  # noqa: F401
    AveragePooling1D, AveragePooling2D, AveragePooling3D, AvgPool1D, AvgPool2D, AvgPool3D)
from .pooling.global_average_pooling import (  # noqa: F401
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalAvgPool1D,
    GlobalAvgPool2D, GlobalAvgPool3D)
from .pooling.global_max_pooling import (  # noqa: F401
    GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D, GlobalMaxPooling1D, GlobalMaxPooling2D,
    GlobalMaxPooling3D)
from .pooling.max_pooling import (  # noqa: F401
    MaxPool1D, MaxPool2D, MaxPool3D, MaxPooling1D, MaxPooling2D, MaxPooling3D)
from .locally_connected.locally_connected1d import LocallyConnected1D  # noqa: F401
from .locally_connected.locally_connected2d import LocallyConnected2D  # noqa: F401
from .merging.add import Add, add  # noqa: F401
from .merging.average import Average, average  # noqa: F401
from .merging.concatenate import Concatenate, concatenate  # noqa: F401
from .merging.dot import Dot, dot  # noqa: F401
from .merging.maximum import Maximum, maximum  # noqa: F401
from .merging.minimum import Minimum, minimum  # noqa: F401
from .merging.multiply import Multiply, multiply  # noqa: F401
from .merging.subtract import Subtract, subtract  # noqa: F401
from .normalization.batch_normalization import BatchNormalization  # noqa: F401
from .normalization.layer_normalization import LayerNormalization  # noqa: F401
from .normalization.unit_normalization import UnitNormalization  # noqa: F401
from .preprocessing.category_encoding import CategoryEncoding  # noqa: F401
from .preprocessing.discretization import Discretization  # noqa: F401
from .preprocessing.hashing import Hashing  # noqa: F401
from .preprocessing.integer_lookup import IntegerLookup  # noqa: F401
from .preprocessing.normalization import Normalization  # noqa: F401
from .preprocessing.string_lookup import StringLookup  # noqa: F401
from .preprocessing.text_vectorization import TextVectorization  # noqa: F401
from .preprocessing.center_crop import CenterCrop  # noqa: F401
from .preprocessing.random_brightness import RandomBrightness  # noqa: F401
from .preprocessing.random_contrast import RandomContrast  # noqa: F401
from .preprocessing.random_crop import RandomCrop  # noqa: F401
from .preprocessing.random_flip import RandomFlip  # noqa: F401
from .preprocessing.random_height import RandomHeight  # noqa: F401
from .preprocessing.random_rotation import RandomRotation  # noqa: F401
from .preprocessing.random_translation import RandomTranslation  # noqa: F401
from .preprocessing.random_width import RandomWidth  # noqa: F401
from .preprocessing.random_zoom import RandomZoom  # noqa: F401
from .preprocessing.rescaling import Rescaling  # noqa: F401
from .preprocessing.resizing import Resizing  # noqa: F401
from .regularization.activity_regularization import ActivityRegularization  # noqa: F401
from .regularization.alpha_dropout import AlphaDropout  # noqa: F401
from .regularization.dropout import Dropout  # noqa: F401
from .regularization.gaussian_dropout import GaussianDropout  # noqa: F401
from .regularization.gaussian_noise import GaussianNoise  # noqa: F401
from .regularization.spatial_dropout import (  # noqa: F401
    SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from .rnn.abstract_rnn_cell import AbstractRNNCell  # noqa: F401
from .rnn.bidirectional import Bidirectional  # noqa: F401
from .rnn.conv_lstm1d import ConvLSTM1D  # noqa: F401
from .rnn.conv_lstm2d import ConvLSTM2D  # noqa: F401
from .rnn.conv_lstm3d import ConvLSTM3D  # noqa: F401
from .rnn.gru import GRU  # noqa: F401
from .rnn.gru_cell import GRUCell  # noqa: F401
from .rnn.lstm import LSTM  # noqa: F401
from .rnn.lstm_cell import LSTMCell  # noqa: F401
from .rnn.rnn import RNN  # noqa: F401
from .rnn.simple_rnn import SimpleRNN  # noqa: F401
from .rnn.simple_rnn_cell import SimpleRNNCell  # noqa: F401
from .rnn.stacked_rnn_cells import StackedRNNCells  # noqa: F401
from .rnn.time_distributed import TimeDistributed  # noqa: F401
from .reshaping.flatten import Flatten  # noqa: F401
from .reshaping.permute import Permute  # noqa: F401
from .reshaping.repeat_vector import RepeatVector  # noqa: F401
from .reshaping.reshape import Reshape  # noqa: F401
from .reshaping.cropping1d import Cropping1D  # noqa: F401
from .reshaping.cropping2d import Cropping2D  # noqa: F401
from .reshaping.cropping3d import Cropping3D  # noqa: F401
from .reshaping.up_sampling1d import UpSampling1D  # noqa: F401
from .reshaping.up_sampling2d import UpSampling2D  # noqa: F401
from .reshaping.up_sampling3d import UpSampling3D  # noqa: F401
from .reshaping.zero_padding1d import ZeroPadding1D  # noqa: F401
from .reshaping.zero_padding2d import ZeroPadding2D  # noqa: F401
from .reshaping.zero_padding3d import ZeroPadding3D  # noqa: F401
from . import experimental  # noqa: F401,E402 - keras.layers.experimental(.preprocessing)

import sys as _sys  # noqa: E402

from .serialization import deserialize, serialize  # noqa: E402,F401


def __dir__():
    # tf.keras.layers's names: layer classes and functions; of the subpackages only
    # `experimental` is TF API (core, merging, ... are where the layers are implemented).
    return sorted(n for n, v in globals().items() if not n.startswith("_")
                  and (not isinstance(v, type(_sys)) or n == "experimental"))
