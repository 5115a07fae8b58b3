"""The module cases of modules.json: a spec (torch_specs.py), the mode, an input maker, optional buffer settings."""
import torch


def randn(*shape):
    return lambda: torch.randn(*shape)


def conv(i, o, k, **kw):
    return {"type": "Conv2d", "in": i, "out": o, "kernel": k, **kw}


def seq(*children):
    return {"type": "Sequential", "children": list(children)}


# Eval-mode BatchNorm needs running statistics that are not the defaults (0 and 1).
RUNNING_STATS = {
    "running_mean": lambda b: torch.randn_like(b),
    "running_var": lambda b: torch.rand_like(b) + 0.5,
}


def case(name, spec, shape, training=True, set_buffers=None):
    return {"name": name, "spec": spec, "input": randn(*shape), "training": training, "set_buffers": set_buffers or {}}


MODULE_CASES = [
    case("linear", {"type": "Linear", "in": 5, "out": 3}, (4, 5)),
    case("linear_no_bias", {"type": "Linear", "in": 6, "out": 2, "bias": False}, (3, 6)),
    case("linear_batch_1", {"type": "Linear", "in": 7, "out": 4}, (1, 7)),
    case("conv_k3", conv(2, 3, 3), (2, 2, 7, 7)),
    case("conv_k3_s2_p1", conv(3, 4, 3, stride=2, padding=1), (2, 3, 8, 8)),
    case("conv_k5_p2_no_bias", conv(1, 2, 5, padding=2, bias=False), (3, 1, 6, 6)),
    case("conv_k1", conv(4, 2, 1), (2, 4, 5, 5)),
    case("conv_k2_s2_odd_input", conv(2, 2, 2, stride=2), (1, 2, 7, 7)),
    case("conv_k3_s3_p2", conv(2, 5, 3, stride=3, padding=2), (2, 2, 9, 10)),
    case("maxpool_2", {"type": "MaxPool2d", "kernel": 2}, (2, 3, 6, 6)),
    case("maxpool_3_s2", {"type": "MaxPool2d", "kernel": 3, "stride": 2}, (2, 2, 7, 7)),
    case("maxpool_2_odd_input", {"type": "MaxPool2d", "kernel": 2}, (1, 2, 5, 7)),
    case("avgpool_2", {"type": "AvgPool2d", "kernel": 2}, (2, 3, 6, 6)),
    case("avgpool_3_s2", {"type": "AvgPool2d", "kernel": 3, "stride": 2}, (2, 2, 7, 8)),
    case("batchnorm1d_train", {"type": "BatchNorm1d", "features": 4}, (6, 4)),
    case("batchnorm1d_train_momentum", {"type": "BatchNorm1d", "features": 3, "momentum": 0.3, "eps": 1e-3}, (5, 3)),
    case("batchnorm1d_eval", {"type": "BatchNorm1d", "features": 4}, (6, 4), False, RUNNING_STATS),
    case("batchnorm2d_train", {"type": "BatchNorm2d", "features": 3}, (2, 3, 4, 5)),
    case("batchnorm2d_train_momentum", {"type": "BatchNorm2d", "features": 2, "momentum": 0.5}, (3, 2, 3, 3)),
    case("batchnorm2d_eval", {"type": "BatchNorm2d", "features": 3}, (2, 3, 4, 5), False, RUNNING_STATS),
    case("dropout_eval", {"type": "Dropout", "p": 0.5}, (4, 6), False),
    case("dropout_train_p0", {"type": "Dropout", "p": 0.0}, (4, 6)),
    case("relu", {"type": "ReLU"}, (3, 2, 4, 4)),
    case("leaky_relu", {"type": "LeakyReLU"}, (4, 5)),
    case("leaky_relu_0.2", {"type": "LeakyReLU", "slope": 0.2}, (4, 5)),
    case("tanh", {"type": "Tanh"}, (4, 5)),
    case("sigmoid", {"type": "Sigmoid"}, (4, 5)),
    case("flatten", {"type": "Flatten"}, (2, 3, 2, 2)),
    case("softmax", {"type": "Softmax"}, (4, 5)),
    case("log_softmax", {"type": "LogSoftmax"}, (4, 5)),
    case("sequential", seq(conv(1, 3, 3), {"type": "ReLU"}, {"type": "MaxPool2d", "kernel": 2}, {"type": "Flatten"},
                           {"type": "Linear", "in": 27, "out": 4}, {"type": "Tanh"}), (2, 1, 8, 8)),
    case("residual_identity",
         {"type": "Residual",
          "body": seq(conv(3, 3, 3, padding=1), {"type": "BatchNorm2d", "features": 3}, {"type": "ReLU"},
                      conv(3, 3, 3, padding=1), {"type": "BatchNorm2d", "features": 3}),
          "after": {"type": "ReLU"}},
         (2, 3, 5, 5)),
    case("residual_projection",
         {"type": "Residual", "body": seq(conv(2, 4, 3, padding=1), {"type": "LeakyReLU"}),
          "shortcut": conv(2, 4, 1)},
         (2, 2, 4, 4)),
    case("pair_shared",
         {"type": "PairShared",
          "branch": seq(conv(1, 4, 3), {"type": "BatchNorm2d", "features": 4}, {"type": "ReLU"},
                        {"type": "MaxPool2d", "kernel": 2}, {"type": "Flatten"}, {"type": "Linear", "in": 36, "out": 5})},
         (3, 2, 8, 8)),
    case("pair_shared_eval",
         {"type": "PairShared",
          "branch": seq(conv(1, 2, 3, stride=2), {"type": "Sigmoid"}, {"type": "Flatten"},
                        {"type": "Linear", "in": 18, "out": 3})},
         (2, 2, 7, 7), False),
]
