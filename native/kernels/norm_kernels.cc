// The instruction-set choice, the thread count and the small thread pool the kernels share.
#include "norm_kernels.h"

#include <sched.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace normlab {

void Workspace::prepare(const NormShape& p, bool backward) {
  acc.assign(2 * p.channels, 0.0);
  stats.assign(4 * p.channels, 0.0f);
  block.assign(4 * p.channels, 0.0f);
  if (backward) {
    dgamma.assign(p.channels, 0.0);
    dbeta.assign(p.channels, 0.0);
    if (p.per_element_affine) {
      dgamma_f.assign(p.affine_size(), 0.0f);
      dbeta_f.assign(p.affine_size(), 0.0f);
    }
  }
}

namespace {

bool Supports(const char* isa) {
  if (std::strcmp(isa, "avx512") == 0) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("fma");
  }
  if (std::strcmp(isa, "avx2") == 0) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return true;
}

const RowKernels& Choose() {
  __builtin_cpu_init();
  const RowKernels* widest[] = {&kAvx512Kernels, &kAvx2Kernels, &kBaselineKernels};
  const char* wanted = std::getenv("NORMLAB_KERNEL_ISA");
  bool below = wanted == nullptr || *wanted == '\0';
  for (const RowKernels* k : widest) {
    // A named ISA caps the choice: take it, or the widest supported one below it.
    if (!below && std::strcmp(k->isa, wanted) == 0) below = true;
    if (below && Supports(k->isa)) return *k;
  }
  return kBaselineKernels;  // an unknown name: the portable baseline
}

int ThreadsFromEnvironment() {
  const char* v = std::getenv("TF_NUM_INTRAOP_THREADS");
  if (v != nullptr) {
    const int n = std::atoi(v);
    if (n > 0) return n;
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// A fixed set of worker threads that wake up for each RunTasks call. The caller runs tasks too,
// so a pool of n threads has n - 1 workers. Never destroyed: its threads sleep until the process
// exits, which avoids joining threads during Node's shutdown.
class Pool {
 public:
  explicit Pool(int threads) {
    for (int i = 1; i < threads; ++i) std::thread([this] { Work(); }).detach();
  }

  void Run(int tasks, void (*task)(int, void*), void* context) {
    std::lock_guard<std::mutex> serial(run_mutex_);
    uint64_t generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = task;
      context_ = context;
      tasks_ = tasks;
      next_ = 0;
      pending_ = tasks;
      generation = ++generation_;
    }
    wake_.notify_all();
    Drain(generation);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  // Claims and runs tasks of `generation` until none is left; a worker that wakes after its
  // generation ended claims nothing (the claim checks the generation under the lock).
  void Drain(uint64_t generation) {
    for (;;) {
      int i;
      void (*task)(int, void*);
      void* context;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (generation_ != generation || next_ >= tasks_) return;
        i = next_++;
        task = task_;
        context = context_;
      }
      task(i, context);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_all();
    }
  }

  void Work() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
      }
      Drain(seen);
    }
  }

  std::mutex run_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  void (*task_)(int, void*) = nullptr;
  void* context_ = nullptr;
  int tasks_ = 0;
  int next_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace

const RowKernels& SelectedKernels() {
  static const RowKernels& chosen = Choose();
  return chosen;
}

int KernelThreads() {
  static const int threads = ThreadsFromEnvironment();
  return threads;
}

int64_t BatchRowsPerTask(int64_t channels) {
  constexpr int64_t kTaskValues = 1 << 15;
  constexpr int64_t kRowBlock = 64;  // norm_rows.inc's kBlock: tasks start on a block boundary
  const int64_t rows = (kTaskValues + std::max<int64_t>(channels, 1) - 1) / std::max<int64_t>(channels, 1);
  return (rows + kRowBlock - 1) / kRowBlock * kRowBlock;
}

void RunTasks(int tasks, void (*task)(int, void*), void* context) {
  if (tasks <= 1) {
    for (int i = 0; i < tasks; ++i) task(i, context);
    return;
  }
  static Pool* pool = new Pool(KernelThreads());
  pool->Run(tasks, task, context);
}

}  // namespace normlab
