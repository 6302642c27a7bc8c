// normlab's normalization ops, registered with TensorFlow through its C API (tensorflow/c/ops.h,
// kernels.h): the op definitions, their CPU kernels, and the checks of their inputs.
//
//   NormlabGroupNorm(x, gamma, beta) -> (y, mean, inv_std)        group, instance and layer norm
//   NormlabGroupNormGrad(dy, x, gamma, beta, mean, inv_std) -> (dx, dgamma, dbeta)
//   NormlabRmsNorm(x, gamma, beta) -> (y, inv_rms)                 RMS norm
//   NormlabRmsNormGrad(dy, x, gamma, beta, inv_rms) -> (dx, dgamma, dbeta)
//
// x is float32 of any shape whose last axis holds the channels, seen as [rows, spatial, channels]
// with `spatial` an attribute (see NormShape in norm_kernels.h for how each kind maps onto it);
// gamma and beta, of any shape, hold `channels` values, or spatial*channels with
// per_element_affine. Every output with an input's role has that input's shape (y and dx are
// shaped like x, dgamma and dbeta like gamma and beta), so a caller never reshapes around the op:
// on tfjs-node each reshape is an op call of its own. Attributes: groups (group ops only),
// spatial, epsilon, relu, per_element_affine.
#include "ops.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "norm_kernels.h"
#include "tensorflow/c/kernels.h"
#include "tensorflow/c/ops.h"
#include "tensorflow/c/tf_status.h"
#include "tensorflow/c/tf_tensor.h"

namespace normlab {
namespace {

// Below this many elements the kernels run on the calling thread: waking the pool costs more.
constexpr int64_t kMinElementsPerTask = 1 << 14;

struct Attrs {
  NormShape shape;  // the attribute part; the sizes are filled from the inputs
  bool backward = false;
};

// Owns the TF_Tensors a compute call gets or allocates.
struct Tensors {
  std::vector<TF_Tensor*> all;
  TF_Tensor* keep(TF_Tensor* t) {
    all.push_back(t);
    return t;
  }
  ~Tensors() {
    for (TF_Tensor* t : all) {
      if (t != nullptr) TF_DeleteTensor(t);
    }
  }
};

class Status {
 public:
  Status() : s_(TF_NewStatus()) {}
  ~Status() { TF_DeleteStatus(s_); }
  TF_Status* get() { return s_; }
  bool ok() const { return TF_GetCode(s_) == TF_OK; }

 private:
  TF_Status* s_;
};

template <bool kCenter, bool kBackward>
void* Create(TF_OpKernelConstruction* ctx) {
  auto* attrs = new Attrs();
  attrs->backward = kBackward;
  attrs->shape.center = kCenter;
  Status status;
  if (kCenter) {
    int32_t groups = 1;
    TF_OpKernelConstruction_GetAttrInt32(ctx, "groups", &groups, status.get());
    attrs->shape.groups = groups;
  }
  int64_t spatial = 1;
  if (status.ok()) TF_OpKernelConstruction_GetAttrInt64(ctx, "spatial", &spatial, status.get());
  attrs->shape.spatial = spatial;
  if (status.ok()) TF_OpKernelConstruction_GetAttrFloat(ctx, "epsilon", &attrs->shape.epsilon, status.get());
  TF_Bool flag = 0;
  if (status.ok()) TF_OpKernelConstruction_GetAttrBool(ctx, "relu", &flag, status.get());
  attrs->shape.relu = flag != 0;
  if (status.ok()) TF_OpKernelConstruction_GetAttrBool(ctx, "per_element_affine", &flag, status.get());
  attrs->shape.per_element_affine = flag != 0;
  if (!status.ok()) TF_OpKernelConstruction_Failure(ctx, status.get());
  return attrs;
}

void Delete(void* kernel) { delete static_cast<Attrs*>(kernel); }

void Fail(TF_OpKernelContext* ctx, const std::string& message) {
  Status status;
  TF_SetStatus(status.get(), TF_INVALID_ARGUMENT, message.c_str());
  TF_OpKernelContext_Failure(ctx, status.get());
}

// Input i as a float32 tensor (owned by `owned`), or null after reporting the failure.
TF_Tensor* Input(TF_OpKernelContext* ctx, int i, Tensors& owned) {
  Status status;
  TF_Tensor* t = nullptr;
  TF_GetInput(ctx, i, &t, status.get());
  owned.keep(t);
  if (!status.ok()) {
    TF_OpKernelContext_Failure(ctx, status.get());
    return nullptr;
  }
  if (TF_TensorType(t) != TF_FLOAT) {
    Fail(ctx, "normlab kernels take float32 tensors; input " + std::to_string(i) + " is not");
    return nullptr;
  }
  return t;
}

TF_Tensor* Output(TF_OpKernelContext* ctx, int i, const std::vector<int64_t>& dims, Tensors& owned) {
  Status status;
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  TF_Tensor* t = TF_AllocateOutput(ctx, i, TF_FLOAT, dims.data(), static_cast<int>(dims.size()),
                                   sizeof(float) * n, status.get());
  owned.keep(t);
  if (!status.ok()) {
    TF_OpKernelContext_Failure(ctx, status.get());
    return nullptr;
  }
  return t;
}

float* Data(TF_Tensor* t) { return static_cast<float*>(TF_TensorData(t)); }

// The dimensions of t.
std::vector<int64_t> Dims(TF_Tensor* t) {
  std::vector<int64_t> dims(TF_NumDims(t));
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) dims[i] = TF_Dim(t, i);
  return dims;
}

// Fills rows and channels of `shape` from x (spatial is an attribute), checking x and
// gamma/beta; false after reporting.
bool Sizes(TF_OpKernelContext* ctx, TF_Tensor* x, TF_Tensor* gamma, TF_Tensor* beta, NormShape& shape) {
  if (TF_NumDims(x) < 1) {
    Fail(ctx, "normlab kernels take x with its channels on the last axis; got a scalar");
    return false;
  }
  shape.channels = TF_Dim(x, TF_NumDims(x) - 1);
  const int64_t count = TF_TensorElementCount(x);
  const int64_t per_row = shape.spatial * shape.channels;
  if (shape.spatial < 1 || (per_row > 0 && count % per_row != 0)) {
    Fail(ctx, "x's " + std::to_string(count) + " values are not rows of spatial (" + std::to_string(shape.spatial) +
                  ") x channels (" + std::to_string(shape.channels) + ")");
    return false;
  }
  shape.rows = per_row > 0 ? count / per_row : 0;
  if (shape.groups < 1 || shape.channels % shape.groups != 0) {
    Fail(ctx, "groups (" + std::to_string(shape.groups) + ") must divide the channels (" +
                  std::to_string(shape.channels) + ")");
    return false;
  }
  const int64_t want = shape.affine_size();
  if (TF_TensorElementCount(gamma) != want || TF_TensorElementCount(beta) != want) {
    Fail(ctx, "gamma and beta must hold " + std::to_string(want) + " values (" +
                  (shape.per_element_affine ? "spatial*channels" : "channels") + ")");
    return false;
  }
  return true;
}

struct Job {
  NormShape shape;
  ForwardArgs forward{};
  BackwardArgs backward{};
  std::vector<Workspace> workspaces;
  int tasks = 1;
};

void RunForwardTask(int i, void* context) {
  Job& job = *static_cast<Job*>(context);
  const int64_t r0 = job.shape.rows * i / job.tasks, r1 = job.shape.rows * (i + 1) / job.tasks;
  SelectedKernels().forward(job.shape, job.forward, r0, r1, job.workspaces[i]);
}

void RunBackwardTask(int i, void* context) {
  Job& job = *static_cast<Job*>(context);
  const int64_t r0 = job.shape.rows * i / job.tasks, r1 = job.shape.rows * (i + 1) / job.tasks;
  SelectedKernels().backward(job.shape, job.backward, r0, r1, job.workspaces[i]);
}

int TaskCount(const NormShape& shape) {
  const int64_t elements = shape.rows * shape.spatial * shape.channels;
  int64_t tasks = std::min<int64_t>(KernelThreads(), shape.rows);
  tasks = std::min<int64_t>(tasks, elements / kMinElementsPerTask);
  return static_cast<int>(std::max<int64_t>(tasks, 1));
}

void Compute(void* kernel, TF_OpKernelContext* ctx) {
  const Attrs& attrs = *static_cast<Attrs*>(kernel);
  Tensors owned;
  Job job;
  job.shape = attrs.shape;
  const int first = attrs.backward ? 1 : 0;  // the backward's inputs start with dy
  TF_Tensor* x = Input(ctx, first, owned);
  if (x == nullptr) return;
  TF_Tensor* gamma = Input(ctx, first + 1, owned);
  if (gamma == nullptr) return;
  TF_Tensor* beta = Input(ctx, first + 2, owned);
  if (beta == nullptr || !Sizes(ctx, x, gamma, beta, job.shape)) return;
  const NormShape& p = job.shape;
  const std::vector<int64_t> x_dims = Dims(x);
  const std::vector<int64_t> stat_dims = {p.rows, p.groups};
  job.tasks = TaskCount(p);
  job.workspaces.resize(job.tasks);
  for (Workspace& w : job.workspaces) w.prepare(p, attrs.backward);
  const bool empty = p.rows * p.spatial * p.channels == 0;

  if (!attrs.backward) {
    TF_Tensor* y = Output(ctx, 0, x_dims, owned);
    if (y == nullptr) return;
    // Group ops output (y, mean, inv_std); RMS ops (y, inv_rms), their mean being 0.
    TF_Tensor* mean = p.center ? Output(ctx, 1, stat_dims, owned) : nullptr;
    if (p.center && mean == nullptr) return;
    TF_Tensor* inv_std = Output(ctx, p.center ? 2 : 1, stat_dims, owned);
    if (inv_std == nullptr) return;
    std::vector<float> zero_mean(p.center ? 0 : p.rows * p.groups);
    job.forward = {Data(x), Data(gamma), Data(beta), Data(y),
                   p.center ? Data(mean) : zero_mean.data(), Data(inv_std)};
    if (!empty) RunTasks(job.tasks, RunForwardTask, &job);
    return;
  }

  TF_Tensor* dy = Input(ctx, 0, owned);
  if (dy == nullptr) return;
  TF_Tensor* mean = p.center ? Input(ctx, 4, owned) : nullptr;
  if (p.center && mean == nullptr) return;
  TF_Tensor* inv_std = Input(ctx, p.center ? 5 : 4, owned);
  if (inv_std == nullptr) return;
  if (TF_TensorElementCount(dy) != p.rows * p.spatial * p.channels ||
      TF_TensorElementCount(inv_std) != p.rows * p.groups ||
      (mean != nullptr && TF_TensorElementCount(mean) != p.rows * p.groups)) {
    Fail(ctx, "dy must have x's shape and the statistics [rows, groups]");
    return;
  }
  TF_Tensor* dx = Output(ctx, 0, x_dims, owned);
  TF_Tensor* dgamma = dx ? Output(ctx, 1, Dims(gamma), owned) : nullptr;
  TF_Tensor* dbeta = dgamma ? Output(ctx, 2, Dims(beta), owned) : nullptr;
  if (dbeta == nullptr) return;
  std::vector<float> zero_mean(p.center ? 0 : p.rows * p.groups);
  job.backward = {Data(dy), Data(x), Data(gamma), Data(beta),
                  p.center ? Data(mean) : zero_mean.data(), Data(inv_std), Data(dx)};
  if (!empty) RunTasks(job.tasks, RunBackwardTask, &job);
  // The tasks' partial affine gradients, summed in task order (the same order every call).
  float* dg = Data(dgamma);
  float* db = Data(dbeta);
  for (int64_t k = 0; k < p.affine_size(); ++k) {
    double g = 0, b = 0;
    for (const Workspace& w : job.workspaces) {
      g += w.dgamma_at(k);
      b += w.dbeta_at(k);
    }
    dg[k] = static_cast<float>(g);
    db[k] = static_cast<float>(b);
  }
}

void UnknownShapes(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

std::string Define(const char* name, const std::vector<const char*>& inputs,
                   const std::vector<const char*>& outputs, bool groups) {
  TF_OpDefinitionBuilder* b = TF_NewOpDefinitionBuilder(name);
  for (const char* spec : inputs) TF_OpDefinitionBuilderAddInput(b, spec);
  for (const char* spec : outputs) TF_OpDefinitionBuilderAddOutput(b, spec);
  if (groups) TF_OpDefinitionBuilderAddAttr(b, "groups: int >= 1");
  TF_OpDefinitionBuilderAddAttr(b, "spatial: int >= 1");
  TF_OpDefinitionBuilderAddAttr(b, "epsilon: float");
  TF_OpDefinitionBuilderAddAttr(b, "relu: bool = false");
  TF_OpDefinitionBuilderAddAttr(b, "per_element_affine: bool = false");
  TF_OpDefinitionBuilderSetShapeInferenceFunction(b, UnknownShapes);
  Status status;
  TF_RegisterOpDefinition(b, status.get());
  if (!status.ok()) return std::string(name) + ": " + TF_Message(status.get());
  return "";
}

std::string Kernel(const char* name, void* (*create)(TF_OpKernelConstruction*)) {
  TF_KernelBuilder* b = TF_NewKernelBuilder(name, "CPU", create, Compute, Delete);
  Status status;
  TF_RegisterKernelBuilder(name, b, status.get());
  if (!status.ok()) return std::string(name) + " kernel: " + TF_Message(status.get());
  return "";
}

}  // namespace

std::string RegisterOps() {
  const std::vector<const char*> fwd_in = {"x: float", "gamma: float", "beta: float"};
  std::string errors;
  errors += Define("NormlabGroupNorm", fwd_in, {"y: float", "mean: float", "inv_std: float"}, true);
  errors += Define("NormlabGroupNormGrad",
                   {"dy: float", "x: float", "gamma: float", "beta: float", "mean: float", "inv_std: float"},
                   {"dx: float", "dgamma: float", "dbeta: float"}, true);
  errors += Define("NormlabRmsNorm", fwd_in, {"y: float", "inv_rms: float"}, false);
  errors += Define("NormlabRmsNormGrad", {"dy: float", "x: float", "gamma: float", "beta: float", "inv_rms: float"},
                   {"dx: float", "dgamma: float", "dbeta: float"}, false);
  if (!errors.empty()) return errors;
  errors += Kernel("NormlabGroupNorm", Create<true, false>);
  errors += Kernel("NormlabGroupNormGrad", Create<true, true>);
  errors += Kernel("NormlabRmsNorm", Create<false, false>);
  errors += Kernel("NormlabRmsNormGrad", Create<false, true>);
  return errors;
}

}  // namespace normlab
