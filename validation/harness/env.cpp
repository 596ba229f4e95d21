// The environment columns of kvsim-bench's CSV. Clocks and the driver version come from NVML,
// opened at run time (libnvidia-ml.so.1 ships with the driver; nothing here needs it to build).
// Only queries are made: clocks, power limits and modes are never changed.

#include <dlfcn.h>
#include <fmt/format.h>

#include <ctime>

#include "bench.h"

namespace kvbench {
namespace {

using NvmlDevice = void*;
using InitFn = int (*)();
using ByPciFn = int (*)(const char*, NvmlDevice*);
using ClockFn = int (*)(NvmlDevice, int, unsigned*);
using DriverFn = int (*)(char*, unsigned);
constexpr int kNvmlClockSm = 1, kNvmlClockMem = 2;

struct Nvml {
  bool ok = false;
  ByPciFn by_pci = nullptr;
  ClockFn clock = nullptr;
  DriverFn driver = nullptr;

  Nvml() {
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    auto init = reinterpret_cast<InitFn>(dlsym(lib, "nvmlInit_v2"));
    by_pci = reinterpret_cast<ByPciFn>(dlsym(lib, "nvmlDeviceGetHandleByPciBusId_v2"));
    clock = reinterpret_cast<ClockFn>(dlsym(lib, "nvmlDeviceGetClockInfo"));
    driver = reinterpret_cast<DriverFn>(dlsym(lib, "nvmlSystemGetDriverVersion"));
    ok = init && by_pci && clock && driver && init() == 0;
  }

  NvmlDevice device(int cuda_device) const {
    char bus[64] = {0};
    NvmlDevice d = nullptr;
    if (!ok || cudaDeviceGetPCIBusId(bus, sizeof bus, cuda_device) != cudaSuccess) return nullptr;
    return by_pci(bus, &d) == 0 ? d : nullptr;
  }
};

const Nvml& nvml() {
  static const Nvml n;
  return n;
}

std::string version(int v) {
  return fmt::format("{}.{}", v / 1000, (v % 1000) / 10);
}

}  // namespace

HostBuffer::HostBuffer(size_t bytes, bool pinned) : pinned_(pinned) {
  if (pinned) {
    KVB_CHECK(cudaMallocHost(&ptr_, bytes));
  } else {
    ptr_ = ::operator new(bytes);
  }
}

HostBuffer::~HostBuffer() {
  if (pinned_) {
    cudaFreeHost(ptr_);
  } else {
    ::operator delete(ptr_);
  }
}

std::pair<int, int> current_clocks(int device) {
  const Nvml& n = nvml();
  const NvmlDevice d = n.device(device);
  unsigned sm = 0, mem = 0;
  if (!d || n.clock(d, kNvmlClockSm, &sm) != 0 || n.clock(d, kNvmlClockMem, &mem) != 0)
    return {0, 0};
  return {static_cast<int>(sm), static_cast<int>(mem)};
}

Environment read_environment(int device, const std::string& git_revision) {
  Environment e;
  cudaDeviceProp p{};
  KVB_CHECK(cudaGetDeviceProperties(&p, device));
  e.gpu = p.name;
  e.sm_count = p.multiProcessorCount;
  e.l2_bytes = p.l2CacheSize;
  e.memory_bytes = static_cast<int64_t>(p.totalGlobalMem);
  int clock_khz = 0, mem_khz = 0;
  KVB_CHECK(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, device));
  KVB_CHECK(cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, device));
  e.max_sm_clock_mhz = clock_khz / 1000;
  e.max_mem_clock_mhz = mem_khz / 1000;
  int drv = 0, rt = 0;
  KVB_CHECK(cudaDriverGetVersion(&drv));
  KVB_CHECK(cudaRuntimeGetVersion(&rt));
  e.cuda_driver = version(drv);
  e.cuda_runtime = version(rt);
  char buf[96] = {0};
  e.driver = nvml().ok && nvml().driver(buf, sizeof buf) == 0 ? std::string(buf) : "unknown";
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &utc);
  e.timestamp = ts;
  e.git_revision = git_revision;
  return e;
}

}  // namespace kvbench
