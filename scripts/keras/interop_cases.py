"""Keras <-> normlab through the real tfjs converter, both ways, in one Python process.

Usage, in .venv-keras (scripts/setup/keras-env.sh), as test/norm/interop/keras-converter.test.ts
runs it:
    python scripts/keras/interop_cases.py OUT_DIR [EXPORTED_DIR]

Keras in: every case of KERAS_IN is built in tf_keras, trained a few steps where it has running
statistics, saved as HDF5 and converted with `tensorflowjs_converter --input_format=keras` into
OUT_DIR/keras-in/CASE/ (model.json and weights), beside expected.json: the input x and what
tf_keras predicted (inference mode).

Keras out: every EXPORTED_DIR/CASE/ holds a model written by normlab's saveForKeras (model.json,
weights) and input.json (x and its shape). Each is converted with `tensorflowjs_converter
--input_format=tfjs_layers_model --output_format=keras` to an HDF5 file, loaded with
tf_keras.models.load_model and run on x; OUT_DIR/keras-out/CASE.json gets the prediction and the
loaded layers' Keras class names and configs, or the error.
"""

import json
import os
import sys
import tempfile
import traceback
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from tfjs_converter import install_stand_ins  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
install_stand_ins()

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402
from tensorflowjs.converters import converter  # noqa: E402


def addons(base, name, **fixed):
    """A class registered as tensorflow-addons registered it (`Addons>Name`), built on tf_keras'."""

    class Addon(base):
        def __init__(self, **kwargs):
            kwargs.update(fixed)
            super().__init__(**kwargs)

    Addon.__name__ = name
    return keras.saving.register_keras_serializable(package="Addons", name=name)(Addon)


AddonsGroupNormalization = addons(keras.layers.GroupNormalization, "GroupNormalization")
# tensorflow-addons' InstanceNormalization was its GroupNormalization with groups fixed to -1.
AddonsInstanceNormalization = addons(keras.layers.GroupNormalization, "InstanceNormalization", groups=-1)

L = keras.layers

# name: (input shape without the batch axis, the normalization layer, train before predicting?)
KERAS_IN = {
    "batch-norm-trained": ((4, 4, 6), lambda: L.BatchNormalization(momentum=0.8), True),
    "batch-renorm-clipped": (
        (4, 4, 6),
        lambda: L.BatchNormalization(
            renorm=True,
            renorm_clipping={"rmax": 2.0, "rmin": 0.5, "dmax": 1.5},
            renorm_momentum=0.9,
            momentum=0.8,
        ),
        True,
    ),
    "batch-renorm-unclipped-axis1": (
        (5, 7),
        lambda: L.BatchNormalization(axis=1, renorm=True, momentum=0.7, epsilon=1e-5),
        True,
    ),
    "batch-renorm-rmax-only": (
        (6,),
        lambda: L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1.5}, center=False),
        True,
    ),
    "unit-norm-last": ((5,), lambda: L.UnitNormalization(), False),
    "unit-norm-axes-1-2": ((3, 4, 2), lambda: L.UnitNormalization(axis=[1, 2]), False),
    "group-norm-2": ((4, 4, 6), lambda: L.GroupNormalization(groups=2), False),
    "group-norm-1-no-affine": ((4, 4, 6), lambda: L.GroupNormalization(groups=1, center=False, scale=False), False),
    "group-norm-per-channel": ((4, 4, 6), lambda: L.GroupNormalization(groups=6, epsilon=1e-5), False),
    "layer-norm-last": ((3, 6), lambda: L.LayerNormalization(), False),
    "layer-norm-1-2-3": ((4, 4, 6), lambda: L.LayerNormalization(axis=[1, 2, 3]), False),
    "addons-group-norm": ((4, 4, 6), lambda: AddonsGroupNormalization(groups=3), False),
    "addons-instance-norm": ((4, 4, 6), lambda: AddonsInstanceNormalization(), False),
    # A whole Sequential CNN (a list of layers; the one named "norm" is the one the test inspects).
    "sequential-cnn": (
        (6, 6, 2),
        lambda: [
            L.Conv2D(4, 3, use_bias=False),
            L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 3.0, "dmax": 5.0}, name="norm"),
            L.ReLU(),
            L.GroupNormalization(groups=2),
            L.UnitNormalization(),
            L.Flatten(),
            L.Dense(3),
        ],
        True,
    ),
}


def randomize_affine(layer, rng):
    """γ, β away from 1, 0, so that a layer that ignored them would not match."""
    weights = []
    for w in layer.weights:
        value = w.numpy()
        if w.name.split("/")[-1].startswith("gamma"):
            value = rng.uniform(0.5, 1.5, value.shape)
        elif w.name.split("/")[-1].startswith("beta"):
            value = rng.normal(0, 0.5, value.shape)
        weights.append(value.astype(np.float32))
    layer.set_weights(weights)


def keras_in(case, spec, out_dir, rng):
    shape, make, train = spec
    keras.utils.set_random_seed(7)
    made = make()
    if isinstance(made, list):
        model = keras.Sequential([keras.Input(shape=shape), *made], name=case.replace("-", "_"))
        layer = model.get_layer("norm")
    else:
        inputs = keras.Input(shape=shape)
        layer = made
        layer._name = "norm"
        model = keras.Model(inputs, layer(inputs), name=case.replace("-", "_"))
    for each in model.layers:
        randomize_affine(each, rng)
    # Inputs off zero mean and unit variance, so that wrong statistics show.
    x = (rng.normal(0.7, 1.8, (16, *shape))).astype(np.float32)
    if case.startswith("unit-norm"):
        x[0] = 0.0  # an all-zero vector: Keras' 1e-12 floor keeps it at zero
    if train:
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        data = rng.normal(1.5, 2.5, (48, *shape)).astype(np.float32)
        target = rng.normal(0, 1, (48, *model.output_shape[1:])).astype(np.float32)
        model.fit(data, target, batch_size=8, epochs=1, shuffle=False, verbose=0)
    y = model.predict(x, verbose=0)
    target = out_dir / "keras-in" / case
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "model.h5")
        model.save(h5)
        converter.convert(["--input_format=keras", "--output_format=tfjs_layers_model", h5, str(target)])
    expected = {
        "x": x.ravel().tolist(),
        "shape": list(x.shape),
        "y": y.ravel().tolist(),
        "weights": [w.name for w in layer.weights],
    }
    (target / "expected.json").write_text(json.dumps(expected))


def plain(value):
    """A Keras config as plain JSON values (tf_keras wraps dicts it tracks, e.g. renorm_clipping)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def keras_out(case_dir, out_dir):
    result = {}
    try:
        given = json.loads((case_dir / "input.json").read_text())
        x = np.asarray(given["x"], np.float32).reshape(given["shape"])
        with tempfile.TemporaryDirectory() as tmp:
            h5 = os.path.join(tmp, "model.h5")
            converter.convert(
                ["--input_format=tfjs_layers_model", "--output_format=keras", str(case_dir / "model.json"), h5]
            )
            model = keras.models.load_model(h5)
        result["y"] = model.predict(x, verbose=0).ravel().tolist()
        result["layers"] = [
            {
                "class_name": type(layer).__name__,
                "config": plain(layer.get_config()),
                "weights": [w.name for w in layer.weights],
            }
            for layer in model.layers
        ]
    except Exception as error:  # reported per case, so the test names the failing one
        result["error"] = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"
    (out_dir / "keras-out").mkdir(parents=True, exist_ok=True)
    (out_dir / "keras-out" / f"{case_dir.name}.json").write_text(json.dumps(result))


def main(argv):
    out_dir = Path(argv[0])
    rng = np.random.default_rng(20240601)
    for case, spec in KERAS_IN.items():
        keras_in(case, spec, out_dir, rng)
    if len(argv) > 1:
        for case_dir in sorted(Path(argv[1]).iterdir()):
            if case_dir.is_dir():
                keras_out(case_dir, out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
