"""The official `tensorflowjs_converter` (tensorflowjs 4.22), run without its heavy extras.

Usage, in .venv-keras (scripts/setup/keras-env.sh):
    python scripts/keras/tfjs_converter.py ARGS...   # the converter's own command line
    python scripts/keras/tfjs_converter.py --check   # imports only: is the environment usable?

Why a wrapper: tensorflowjs is installed with --no-deps (see requirements-keras.txt), and the
package's import chain loads two of its modules whose own imports are heavy extras:
`converters.jax_conversion` (jax) and `converters.tf_saved_model_conversion_v2`
(tensorflow_decision_forests, tensorflow_hub), for JAX and SavedModel-to-graph conversion. The
Keras paths (`--input_format=keras` to a tfjs layers model, `--input_format=tfjs_layers_model` to
`keras` or `keras_saved_model`) never call them. This file registers stand-ins for those two
modules whose functions raise, then runs the converter's own entry point unchanged. (Stand-ins for
jax itself would not do: Keras 3, which TensorFlow imports, takes an importable `jax` for the real
one.)

Also importable: `install_stand_ins()` then `from tensorflowjs.converters import converter`.
"""

import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

# tensorflowjs modules that import heavy extras, and the names the package imports from them.
STAND_INS = {
    "tensorflowjs.converters.jax_conversion": ["convert_jax"],
    "tensorflowjs.converters.tf_saved_model_conversion_v2": [
        "convert_tf_saved_model",
        "convert_keras_model_to_graph_model",
        "convert_tf_frozen_model",
        "convert_tf_hub_module",
    ],
}


def _unavailable(module, name):
    def refuse(*args, **kwargs):
        raise RuntimeError(
            f"{module}.{name} is not available in .venv-keras: it needs tensorflowjs' heavy "
            "extras (jax, tensorflow_decision_forests, tensorflow_hub), which normlab's Keras "
            "interop does not install"
        )

    return refuse


def install_stand_ins():
    """Register the STAND_INS modules, unless their extras are installed."""
    import importlib.util

    extras = ("jax", "tensorflow_decision_forests", "tensorflow_hub")
    if all(importlib.util.find_spec(name) is not None for name in extras):
        return
    for module, names in STAND_INS.items():
        if module in sys.modules:
            continue
        stand_in = types.ModuleType(module)
        stand_in.__doc__ = "normlab stand-in: needs extras not installed, unused by the Keras conversions"
        for name in names:
            setattr(stand_in, name, _unavailable(module, name))
        sys.modules[module] = stand_in


def main(argv):
    install_stand_ins()
    from tensorflowjs.converters import converter

    if argv == ["--check"]:
        import tf_keras

        print(f"[keras-env] ok: tensorflowjs converter, tf_keras {tf_keras.__version__}")
        return 0
    converter.convert(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
