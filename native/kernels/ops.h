// Registration of normlab's ops and CPU kernels with TensorFlow (ops.cc).
#ifndef NORMLAB_OPS_H_
#define NORMLAB_OPS_H_

#include <string>

namespace normlab {

// Registers the six ops and their CPU kernels; returns "" on success, else what failed.
std::string RegisterOps();

}  // namespace normlab

#endif  // NORMLAB_OPS_H_
