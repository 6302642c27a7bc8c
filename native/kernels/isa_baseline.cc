// The row kernels compiled for one instruction set (baseline); setup compiles this file with that
// set's flags (see scripts/setup/normlab-kernels.sh) and norm_kernels.cc picks one at run time.
#include "norm_rows.inc"

namespace normlab {
extern const RowKernels kBaselineKernels = {"baseline", ForwardRows, BackwardRows};
}  // namespace normlab
