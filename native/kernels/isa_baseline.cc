// The row kernels (norm_rows.inc, batch_norm_rows.inc) compiled for one instruction set (baseline);
// setup compiles this file with that set's flags (see scripts/setup/normlab-kernels.sh) and
// norm_kernels.cc picks one at run time.
#include "norm_rows.inc"
#include "batch_norm_rows.inc"

namespace normlab {
extern const RowKernels kBaselineKernels = {"baseline", ForwardRows, BackwardRows, kBatchKernels};
}  // namespace normlab
