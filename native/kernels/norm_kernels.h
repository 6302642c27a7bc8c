// The normalization kernels' shared declarations: the shape every kind is mapped onto, the per-ISA
// row kernels, and the work split. No TensorFlow or Node.js types here: the math is plain C++ and
// the TensorFlow glue (ops.cc) and the Node.js module (addon.cc) sit on top of it.
#ifndef NORMLAB_NORM_KERNELS_H_
#define NORMLAB_NORM_KERNELS_H_

#include <cstdint>
#include <vector>

namespace normlab {

// Every kind is computed on a float32 tensor seen as [rows, spatial, channels]: statistics per
// (row, group) over `spatial` x the `channels / groups` consecutive channels of the group.
//   group / instance norm of NHWC x:  rows = N, spatial = H*W, groups = G (instance: G = C)
//   group norm of dense [N, C]:       rows = N, spatial = 1
//   layer / RMS norm over all features of NHWC x: rows = N, spatial = H*W, groups = 1, with
//     gamma and beta per element ([spatial*channels]) instead of per channel
//   layer / RMS norm over the last axis of [N, ..., F]: rows = N*..., spatial = 1, channels = F
struct NormShape {
  int64_t rows = 0;
  int64_t spatial = 0;
  int64_t channels = 0;
  int64_t groups = 1;
  bool per_element_affine = false;  // gamma/beta hold spatial*channels values, not channels
  bool center = true;               // subtract the mean (false: RMS norm, mean taken as 0)
  bool relu = false;                // y = max(0, gamma*xhat + beta); the backward masks dy
  float epsilon = 1e-5f;

  int64_t affine_size() const { return per_element_affine ? spatial * channels : channels; }
};

// Per-task scratch: per-channel accumulators and the per-channel copies of the statistics.
struct Workspace {
  std::vector<double> acc;       // 2 * channels
  std::vector<float> stats;      // 4 * channels
  std::vector<float> block;      // 4 * channels: one block's float sums
  std::vector<double> dgamma;    // channels (backward, per-channel affine)
  std::vector<double> dbeta;     // channels (backward, per-channel affine)
  std::vector<float> dgamma_f;   // spatial * channels (backward, per-element affine)
  std::vector<float> dbeta_f;    // spatial * channels (backward, per-element affine)
  void prepare(const NormShape& p, bool backward);
  // The task's dgamma / dbeta sum at affine index k.
  double dgamma_at(int64_t k) const { return dgamma_f.empty() ? dgamma[k] : double(dgamma_f[k]); }
  double dbeta_at(int64_t k) const { return dbeta_f.empty() ? dbeta[k] : double(dbeta_f[k]); }
};

struct ForwardArgs {
  const float* x;
  const float* gamma;
  const float* beta;
  float* y;
  float* mean;     // [rows, groups]
  float* inv_std;  // [rows, groups]
};

struct BackwardArgs {
  const float* dy;
  const float* x;
  const float* gamma;
  const float* beta;
  const float* mean;
  const float* inv_std;
  float* dx;
};

// Batch norm sees its float32 input as [rows, channels] (rows: every axis but the last, the
// channels last and contiguous) with statistics per channel over all rows. Each kernel below
// handles rows [r0, r1); what it needs of these fields is said at the kernel.
struct BatchNormArgs {
  int64_t channels = 0;
  bool relu = false;            // y = max(0, gamma*xhat + beta); the backward masks dy
  const float* x = nullptr;     // [rows, channels]
  const float* dy = nullptr;    // [rows, channels] (backward)
  const float* gamma = nullptr;
  const float* beta = nullptr;
  const float* mean = nullptr;     // [channels], the float mean the normalization subtracts
  const float* inv_std = nullptr;  // [channels], 1/sqrt(var + eps)
  const float* scale = nullptr;    // [channels], inv_std * gamma (backward)
  const float* m1 = nullptr;       // [channels], mean of the (masked) dy (backward)
  const float* m2 = nullptr;       // [channels], mean of the (masked) dy * xhat (backward)
  float* out = nullptr;            // y (forward) or dx (backward), [rows, channels]
};

// Batch norm's per-ISA kernels. The reducing ones add their rows' per-channel sums to `sums`
// (double), summing in float over blocks of 64 rows in `block` (scratch of 2 * channels floats)
// and in double across blocks.
struct BatchKernels {
  // sums[c] += sum of x[r][c].
  void (*sum)(const BatchNormArgs&, int64_t r0, int64_t r1, float* block, double* sums);
  // sums[c] += sum of (x[r][c] - mean[c])^2.
  void (*squares)(const BatchNormArgs&, int64_t r0, int64_t r1, float* block, double* sums);
  // out = gamma*xhat + beta (then the ReLU), xhat = (x - mean) * inv_std.
  void (*normalize)(const BatchNormArgs&, int64_t r0, int64_t r1);
  // sums[c] += sum of d, sums[channels + c] += sum of d*xhat, d = dy masked by the ReLU.
  void (*grad_sums)(const BatchNormArgs&, int64_t r0, int64_t r1, float* block, double* sums);
  // out = dx = scale * (d - m1 - xhat*m2).
  void (*grad_input)(const BatchNormArgs&, int64_t r0, int64_t r1);
};

// Rows per batch-norm task: a multiple of the 64-row float blocks, about 32k values per task,
// a function of the channel count only. The tasks' partial sums are added in task order, so the
// results do not depend on the thread count.
int64_t BatchRowsPerTask(int64_t channels);

// One instruction set's compiled row kernels (rows [r0, r1)).
struct RowKernels {
  const char* isa;
  void (*forward)(const NormShape&, const ForwardArgs&, int64_t r0, int64_t r1, Workspace&);
  void (*backward)(const NormShape&, const BackwardArgs&, int64_t r0, int64_t r1, Workspace&);
  BatchKernels batch;
};

// Defined in one translation unit per instruction set (isa_*.cc), each compiled with its flags.
extern const RowKernels kBaselineKernels;
extern const RowKernels kAvx2Kernels;
extern const RowKernels kAvx512Kernels;

// The kernels for this CPU: the widest of AVX-512, AVX2+FMA and baseline x86-64 it supports,
// or a narrower one named by NORMLAB_KERNEL_ISA (baseline | avx2 | avx512).
const RowKernels& SelectedKernels();

// The number of threads the kernels split rows over: TF_NUM_INTRAOP_THREADS when set (the
// variable TensorFlow's own intra-op pool reads), else the CPUs this process may run on (what
// TensorFlow sizes that pool by when the variable is unset).
int KernelThreads();

// Runs task(i, workspace_i) for i in [0, tasks) on the pool (the caller takes part); returns
// when all are done. Calls from several threads at once are serialized.
void RunTasks(int tasks, void (*task)(int, void*), void* context);

}  // namespace normlab

#endif  // NORMLAB_NORM_KERNELS_H_
