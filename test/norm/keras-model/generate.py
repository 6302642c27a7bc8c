"""Regenerate the Keras model that test/norm/keras-model.test.ts loads with tf.loadLayersModel.

A Keras 3 Sequential model, input -> GroupNormalization (Keras' own layer and config keys) ->
Flatten -> Dense, saved in TensorFlow.js' layers-model format: model.json
(Keras' config verbatim, except two fields TensorFlow.js 4.22 cannot read from Keras 3: the
DTypePolicy object becomes its name, and InputLayer's `batch_shape` becomes `batch_input_shape`),
weights.bin (float32, little endian) and expected.json (an input and Keras' output for it).

Run from the repository root with the reference environment (scripts/fixtures/setup-ref-venv.sh):
    .venv-ref/bin/python test/norm/keras-model/generate.py
"""

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent


def tfjs_compatible(obj):
    """Apply the two documented rewrites, recursively."""
    if isinstance(obj, dict):
        if obj.get("class_name") == "DTypePolicy":
            return obj["config"]["name"]
        out = {}
        for key, value in obj.items():
            if key == "batch_shape":
                key = "batch_input_shape"
            out[key] = tfjs_compatible(value)
        return out
    if isinstance(obj, list):
        return [tfjs_compatible(v) for v in obj]
    return obj


def main():
    rng = np.random.default_rng(4)
    model = keras.Sequential(
        [
            keras.Input((4, 4, 6), name="image"),
            keras.layers.GroupNormalization(groups=3, epsilon=1e-3, name="group_norm"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(3, name="head"),
        ],
        name="keras_group_norm",
    )
    for w in model.weights:
        w.assign(rng.normal(1.0 if w.name == "gamma" else 0.0, 0.5, w.shape).astype("float32"))
    x = rng.normal(2.0, 3.0, (2, 4, 4, 6)).astype("float32")
    y = model.predict(x, verbose=0)

    names = {"gamma": "gamma", "beta": "beta", "kernel": "kernel", "bias": "bias"}
    manifest, blobs = [], []
    for layer in model.layers:
        for w in layer.weights:
            value = np.asarray(w.numpy(), dtype="<f4")
            manifest.append({"name": f"{layer.name}/{names[w.name]}", "shape": list(value.shape), "dtype": "float32"})
            blobs.append(value.tobytes())
    (HERE / "weights.bin").write_bytes(b"".join(blobs))
    topology = {
        "class_name": "Sequential",
        "config": tfjs_compatible(model.get_config()),
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
    }
    model_json = {
        "format": "layers-model",
        "generatedBy": f"keras v{keras.__version__} (test/norm/keras-model/generate.py)",
        "convertedBy": None,
        "modelTopology": topology,
        "weightsManifest": [{"paths": ["weights.bin"], "weights": manifest}],
    }
    (HERE / "model.json").write_text(json.dumps(model_json, indent=1) + "\n")
    (HERE / "expected.json").write_text(
        json.dumps({"x": x.round(6).tolist(), "shape": list(x.shape), "y": y.tolist()}) + "\n"
    )


if __name__ == "__main__":
    main()
