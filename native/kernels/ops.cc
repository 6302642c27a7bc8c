// normlab's normalization ops, registered with TensorFlow through its C API (tensorflow/c/ops.h,
// kernels.h): the op definitions, their CPU kernels, and the checks of their inputs.
//
//   NormlabGroupNorm(x, gamma, beta) -> (y, mean, inv_std)        group, instance and layer norm
//   NormlabGroupNormGrad(dy, x, gamma, beta, mean, inv_std) -> (dx, dgamma, dbeta)
//   NormlabRmsNorm(x, gamma, beta) -> (y, inv_rms)                 RMS norm
//   NormlabRmsNormGrad(dy, x, gamma, beta, inv_rms) -> (dx, dgamma, dbeta)
//   NormlabBatchNorm(x, gamma, beta, running_mean, running_variance)
//     -> (y, mean, inv_std, variance, new_running_mean, new_running_variance,
//         new_running_variance_biased)                                   batch norm, training
//   NormlabBatchNormGrad(dy, x, gamma, beta, mean, inv_std) -> (dx, dgamma, dbeta)
//
// For the group and RMS ops, x is float32 of any shape whose last axis holds the channels, seen
// as [rows, spatial, channels] with `spatial` an attribute (see NormShape in norm_kernels.h for
// how each kind maps onto it); gamma and beta, of any shape, hold `channels` values, or
// spatial*channels with per_element_affine. Every output with an input's role has that input's
// shape (y and dx are shaped like x, dgamma and dbeta like gamma and beta), so a caller never
// reshapes around the op: on tfjs-node each reshape is an op call of its own. Attributes: groups
// (group ops only), spatial, epsilon, relu, per_element_affine. For the batch-norm ops, x is
// float32 of any rank >= 2 with the channels last, seen as [rows, channels]; statistics per
// channel over all rows (see RegisterOps).
#include "ops.h"

#include <algorithm>
#include <cmath>
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

// ---- Batch norm (training): statistics per channel over all rows of [rows, channels] ----

struct BatchAttrs {
  bool backward = false;
  float epsilon = 1e-3f;
  float factor = 1.0f;  // exponential_avg_factor: the weight of the batch in the running blend
  bool relu = false;
};

template <bool kBackward>
void* CreateBatch(TF_OpKernelConstruction* ctx) {
  auto* attrs = new BatchAttrs();
  attrs->backward = kBackward;
  Status status;
  if (!kBackward) {
    TF_OpKernelConstruction_GetAttrFloat(ctx, "epsilon", &attrs->epsilon, status.get());
    if (status.ok()) {
      TF_OpKernelConstruction_GetAttrFloat(ctx, "exponential_avg_factor", &attrs->factor, status.get());
    }
  }
  TF_Bool flag = 0;
  if (status.ok()) TF_OpKernelConstruction_GetAttrBool(ctx, "relu", &flag, status.get());
  attrs->relu = flag != 0;
  if (!status.ok()) TF_OpKernelConstruction_Failure(ctx, status.get());
  return attrs;
}

void DeleteBatch(void* kernel) { delete static_cast<BatchAttrs*>(kernel); }

// The passes of a batch-norm call, each one RunTasks over all rows.
enum class BatchPhase { kSum, kSquares, kNormalize, kGradSums, kGradInput };

// Rows [i*rows_per_task, (i+1)*rows_per_task) are task i: the split depends on the shape only,
// never on the thread count, and the tasks' partial sums are added in task order, so the results
// are the same bit for bit whatever the number of threads.
struct BatchJob {
  BatchNormArgs args;
  BatchPhase phase = BatchPhase::kSum;
  int64_t rows = 0;
  int64_t rows_per_task = 1;
  int tasks = 0;
  std::vector<double> partial;  // per task: 2 * channels sums
  std::vector<float> block;     // per task: 2 * channels floats of scratch
};

void RunBatchTask(int i, void* context) {
  BatchJob& job = *static_cast<BatchJob*>(context);
  const int64_t C = job.args.channels;
  const int64_t r0 = i * job.rows_per_task;
  const int64_t r1 = std::min(job.rows, r0 + job.rows_per_task);
  double* sums = job.partial.data() + 2 * C * i;
  float* block = job.block.data() + 2 * C * i;
  const BatchKernels& k = SelectedKernels().batch;
  switch (job.phase) {
    case BatchPhase::kSum:
      k.sum(job.args, r0, r1, block, sums);
      break;
    case BatchPhase::kSquares:
      k.squares(job.args, r0, r1, block, sums);
      break;
    case BatchPhase::kNormalize:
      k.normalize(job.args, r0, r1);
      break;
    case BatchPhase::kGradSums:
      k.grad_sums(job.args, r0, r1, block, sums);
      break;
    case BatchPhase::kGradInput:
      k.grad_input(job.args, r0, r1);
      break;
  }
}

// Runs `phase` over all rows and returns its per-channel sums (`width` * channels of them, 0 for
// the phases that only write), the tasks' partial sums added in task order.
std::vector<double> RunBatchPhase(BatchJob& job, BatchPhase phase, int width) {
  job.phase = phase;
  std::fill(job.partial.begin(), job.partial.end(), 0.0);
  RunTasks(job.tasks, RunBatchTask, &job);
  const int64_t C = job.args.channels;
  std::vector<double> total(width * C, 0.0);
  for (int i = 0; i < job.tasks; ++i) {
    const double* part = job.partial.data() + 2 * C * i;
    for (int64_t k = 0; k < width * C; ++k) total[k] += part[k];
  }
  return total;
}

// Input i as float32 with `count` values, or null after reporting the failure.
TF_Tensor* VectorInput(TF_OpKernelContext* ctx, int i, int64_t count, const char* what, Tensors& owned) {
  TF_Tensor* t = Input(ctx, i, owned);
  if (t != nullptr && TF_TensorElementCount(t) != count) {
    Fail(ctx, std::string(what) + " must hold one value per channel (" + std::to_string(count) + ")");
    return nullptr;
  }
  return t;
}

void ComputeBatch(void* kernel, TF_OpKernelContext* ctx) {
  const BatchAttrs& attrs = *static_cast<BatchAttrs*>(kernel);
  Tensors owned;
  const int first = attrs.backward ? 1 : 0;  // the backward's inputs start with dy
  TF_Tensor* x = Input(ctx, first, owned);
  if (x == nullptr) return;
  const int rank = TF_NumDims(x);
  if (rank < 2) {
    Fail(ctx, "batch norm takes x of rank >= 2, channels last; got rank " + std::to_string(rank));
    return;
  }
  std::vector<int64_t> x_dims(rank);
  for (int d = 0; d < rank; ++d) x_dims[d] = TF_Dim(x, d);
  const int64_t C = x_dims[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; ++d) rows *= x_dims[d];
  TF_Tensor* gamma = VectorInput(ctx, first + 1, C, "gamma", owned);
  if (gamma == nullptr) return;
  TF_Tensor* beta = VectorInput(ctx, first + 2, C, "beta", owned);
  if (beta == nullptr) return;

  BatchJob job;
  job.args.channels = C;
  job.args.relu = attrs.relu;
  job.args.x = Data(x);
  job.args.gamma = Data(gamma);
  job.args.beta = Data(beta);
  job.rows = rows;
  job.rows_per_task = BatchRowsPerTask(C);
  job.tasks = C == 0 ? 0 : static_cast<int>((rows + job.rows_per_task - 1) / job.rows_per_task);
  job.partial.resize(2 * C * job.tasks);
  job.block.resize(2 * C * job.tasks);
  const double n = static_cast<double>(rows);
  const std::vector<int64_t> c_dims = {C};

  if (!attrs.backward) {
    TF_Tensor* running_mean = VectorInput(ctx, 3, C, "running_mean", owned);
    if (running_mean == nullptr) return;
    TF_Tensor* running_var = VectorInput(ctx, 4, C, "running_variance", owned);
    if (running_var == nullptr) return;
    TF_Tensor* out[7] = {};
    out[0] = Output(ctx, 0, x_dims, owned);
    for (int i = 1; i < 7 && out[i - 1] != nullptr; ++i) out[i] = Output(ctx, i, c_dims, owned);
    if (out[0] == nullptr || out[6] == nullptr) return;
    float* mean = Data(out[1]);
    float* inv_std = Data(out[2]);
    float* variance = Data(out[3]);
    // Two passes: the mean, then the biased variance about the float mean the output subtracts.
    std::vector<double> mean_d = RunBatchPhase(job, BatchPhase::kSum, 1);
    for (int64_t c = 0; c < C; ++c) {
      mean_d[c] /= n;
      mean[c] = static_cast<float>(mean_d[c]);
    }
    job.args.mean = mean;
    std::vector<double> var_d = RunBatchPhase(job, BatchPhase::kSquares, 1);
    for (int64_t c = 0; c < C; ++c) {
      var_d[c] /= n;
      variance[c] = static_cast<float>(var_d[c]);
      inv_std[c] = static_cast<float>(1.0 / std::sqrt(var_d[c] + double(attrs.epsilon)));
    }
    job.args.inv_std = inv_std;
    job.args.out = Data(out[0]);
    RunBatchPhase(job, BatchPhase::kNormalize, 0);
    // The running blend, running <- (1 - f)*running + f*batch, with the unbiased batch variance
    // (times n/(n - 1); one row leaves it as is) and with the biased one. f = 1: the batch's.
    const double f = attrs.factor;
    const double unbias = rows > 1 ? n / (n - 1) : 1.0;
    const float* old_mean = Data(running_mean);
    const float* old_var = Data(running_var);
    float* new_mean = Data(out[4]);
    float* new_var = Data(out[5]);
    float* new_var_biased = Data(out[6]);
    for (int64_t c = 0; c < C; ++c) {
      const double keep = 1.0 - f;
      const bool replace = f == 1.0;
      new_mean[c] = static_cast<float>(replace ? mean_d[c] : keep * old_mean[c] + f * mean_d[c]);
      new_var[c] = static_cast<float>(replace ? var_d[c] * unbias : keep * old_var[c] + f * var_d[c] * unbias);
      new_var_biased[c] = static_cast<float>(replace ? var_d[c] : keep * old_var[c] + f * var_d[c]);
    }
    return;
  }

  TF_Tensor* dy = Input(ctx, 0, owned);
  if (dy == nullptr) return;
  if (TF_TensorElementCount(dy) != rows * C) {
    Fail(ctx, "dy must have x's shape");
    return;
  }
  TF_Tensor* mean = VectorInput(ctx, 4, C, "mean", owned);
  if (mean == nullptr) return;
  TF_Tensor* inv_std = VectorInput(ctx, 5, C, "inv_std", owned);
  if (inv_std == nullptr) return;
  TF_Tensor* dx = Output(ctx, 0, x_dims, owned);
  TF_Tensor* dgamma = dx ? Output(ctx, 1, c_dims, owned) : nullptr;
  TF_Tensor* dbeta = dgamma ? Output(ctx, 2, c_dims, owned) : nullptr;
  if (dbeta == nullptr) return;
  std::vector<float> scale(C), m1(C), m2(C);
  const float* g = Data(gamma);
  const float* r = Data(inv_std);
  for (int64_t c = 0; c < C; ++c) scale[c] = r[c] * g[c];
  job.args.dy = Data(dy);
  job.args.mean = Data(mean);
  job.args.inv_std = r;
  job.args.scale = scale.data();
  // Pass 1: per channel, the sums of d (= dbeta) and d*xhat (= dgamma), d the masked dy.
  const std::vector<double> sums = RunBatchPhase(job, BatchPhase::kGradSums, 2);
  float* db = Data(dbeta);
  float* dg = Data(dgamma);
  for (int64_t c = 0; c < C; ++c) {
    db[c] = static_cast<float>(sums[c]);
    dg[c] = static_cast<float>(sums[C + c]);
    m1[c] = static_cast<float>(sums[c] / n);
    m2[c] = static_cast<float>(sums[C + c] / n);
  }
  // Pass 2: dx = inv_std*gamma*(d - mean(d) - xhat*mean(d*xhat)).
  job.args.m1 = m1.data();
  job.args.m2 = m2.data();
  job.args.out = Data(dx);
  RunBatchPhase(job, BatchPhase::kGradInput, 0);
}

void UnknownShapes(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

// The attributes of the group and RMS ops.
std::vector<const char*> NormAttrs(bool groups) {
  std::vector<const char*> attrs = {"spatial: int >= 1", "epsilon: float", "relu: bool = false",
                                    "per_element_affine: bool = false"};
  if (groups) attrs.insert(attrs.begin(), "groups: int >= 1");
  return attrs;
}

std::string Define(const char* name, const std::vector<const char*>& inputs,
                   const std::vector<const char*>& outputs, const std::vector<const char*>& attrs) {
  TF_OpDefinitionBuilder* b = TF_NewOpDefinitionBuilder(name);
  for (const char* spec : inputs) TF_OpDefinitionBuilderAddInput(b, spec);
  for (const char* spec : outputs) TF_OpDefinitionBuilderAddOutput(b, spec);
  for (const char* spec : attrs) TF_OpDefinitionBuilderAddAttr(b, spec);
  TF_OpDefinitionBuilderSetShapeInferenceFunction(b, UnknownShapes);
  Status status;
  TF_RegisterOpDefinition(b, status.get());
  if (!status.ok()) return std::string(name) + ": " + TF_Message(status.get());
  return "";
}

std::string Kernel(const char* name, void* (*create)(TF_OpKernelConstruction*),
                   void (*compute)(void*, TF_OpKernelContext*) = Compute, void (*destroy)(void*) = Delete) {
  TF_KernelBuilder* b = TF_NewKernelBuilder(name, "CPU", create, compute, destroy);
  Status status;
  TF_RegisterKernelBuilder(name, b, status.get());
  if (!status.ok()) return std::string(name) + " kernel: " + TF_Message(status.get());
  return "";
}

// Batch norm in training mode. NormlabBatchNorm: y = gamma*(x - mean)/sqrt(variance + epsilon)
// + beta (then max(0, y) with relu), the mean and biased variance per channel over all rows;
// outputs y (x's shape) and, per channel, the mean, inv_std = 1/sqrt(variance + epsilon) (what
// the gradient reads), the variance, and the running statistics blended with the batch's,
// running <- (1 - exponential_avg_factor)*running + exponential_avg_factor*batch: the mean, the
// variance unbiased by n/(n - 1) (n the rows; 1 row: as is), and the biased variance.
// NormlabBatchNormGrad: dx, dgamma, dbeta from dy and the forward's x, gamma, beta (for the ReLU
// mask), mean and inv_std.
std::string DefineBatchNorm() {
  std::string errors;
  errors += Define("NormlabBatchNorm",
                   {"x: float", "gamma: float", "beta: float", "running_mean: float", "running_variance: float"},
                   {"y: float", "mean: float", "inv_std: float", "variance: float", "new_running_mean: float",
                    "new_running_variance: float", "new_running_variance_biased: float"},
                   {"epsilon: float", "exponential_avg_factor: float = 1.0", "relu: bool = false"});
  errors += Define("NormlabBatchNormGrad",
                   {"dy: float", "x: float", "gamma: float", "beta: float", "mean: float", "inv_std: float"},
                   {"dx: float", "dgamma: float", "dbeta: float"}, {"relu: bool = false"});
  return errors;
}

}  // namespace

std::string RegisterOps() {
  const std::vector<const char*> fwd_in = {"x: float", "gamma: float", "beta: float"};
  std::string errors;
  errors += Define("NormlabGroupNorm", fwd_in, {"y: float", "mean: float", "inv_std: float"}, NormAttrs(true));
  errors += Define("NormlabGroupNormGrad",
                   {"dy: float", "x: float", "gamma: float", "beta: float", "mean: float", "inv_std: float"},
                   {"dx: float", "dgamma: float", "dbeta: float"}, NormAttrs(true));
  errors += Define("NormlabRmsNorm", fwd_in, {"y: float", "inv_rms: float"}, NormAttrs(false));
  errors += Define("NormlabRmsNormGrad", {"dy: float", "x: float", "gamma: float", "beta: float", "inv_rms: float"},
                   {"dx: float", "dgamma: float", "dbeta: float"}, NormAttrs(false));
  errors += DefineBatchNorm();
  if (!errors.empty()) return errors;
  errors += Kernel("NormlabGroupNorm", Create<true, false>);
  errors += Kernel("NormlabGroupNormGrad", Create<true, true>);
  errors += Kernel("NormlabRmsNorm", Create<false, false>);
  errors += Kernel("NormlabRmsNormGrad", Create<false, true>);
  errors += Kernel("NormlabBatchNorm", CreateBatch<false>, ComputeBatch, DeleteBatch);
  errors += Kernel("NormlabBatchNormGrad", CreateBatch<true>, ComputeBatch, DeleteBatch);
  return errors;
}

}  // namespace normlab
