// The row kernels compiled for one instruction set (avx512); setup compiles this file with that
// set's flags (see scripts/setup/normlab-kernels.sh) and norm_kernels.cc picks one at run time.
#include "norm_rows.inc"

namespace normlab {
extern const RowKernels kAvx512Kernels = {"avx512", ForwardRows, BackwardRows};
}  // namespace normlab
