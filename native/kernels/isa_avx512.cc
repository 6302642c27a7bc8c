// The row kernels (norm_rows.inc, batch_norm_rows.inc) compiled for one instruction set (avx512);
// setup compiles this file with that set's flags (see scripts/setup/normlab-kernels.sh) and
// norm_kernels.cc picks one at run time.
#include "norm_rows.inc"
#include "batch_norm_rows.inc"

namespace normlab {
extern const RowKernels kAvx512Kernels = {"avx512", ForwardRows, BackwardRows, kBatchKernels};
}  // namespace normlab
