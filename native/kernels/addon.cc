// The Node.js module (N-API) that carries the kernels into a tfjs-node process: requiring it
// registers the ops with the TensorFlow library tfjs-node already loaded (the module links the
// same libtensorflow_framework.so.2, which the loader shares), after which tfjs-node's backend
// runs them by name. Its exports say what was chosen: { isa, threads, ops }.
#include <node_api.h>

#include <mutex>
#include <string>

#include "norm_kernels.h"
#include "ops.h"

namespace {

napi_value Init(napi_env env, napi_value exports) {
  // Register once per process, however many times (or from however many workers) it is loaded.
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] { error = normlab::RegisterOps(); });
  if (!error.empty()) {
    napi_throw_error(env, nullptr, ("normlab kernels: " + error).c_str());
    return nullptr;
  }
  napi_value isa, threads, ops;
  const char* isa_name = normlab::SelectedKernels().isa;
  napi_create_string_utf8(env, isa_name, NAPI_AUTO_LENGTH, &isa);
  napi_create_int32(env, normlab::KernelThreads(), &threads);
  const char* names[] = {"NormlabGroupNorm", "NormlabGroupNormGrad", "NormlabRmsNorm",
                         "NormlabRmsNormGrad", "NormlabBatchNorm", "NormlabBatchNormGrad"};
  const uint32_t count = sizeof(names) / sizeof(names[0]);
  napi_create_array_with_length(env, count, &ops);
  for (uint32_t i = 0; i < count; ++i) {
    napi_value name;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, ops, i, name);
  }
  napi_set_named_property(env, exports, "isa", isa);
  napi_set_named_property(env, exports, "threads", threads);
  napi_set_named_property(env, exports, "ops", ops);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
