#include "kvsim/perf/work.h"

namespace kvsim::perf {

const char* to_string(Level l) {
  switch (l) {
    case Level::hbm:
      return "hbm";
    case Level::l2:
      return "l2";
    case Level::smem:
      return "smem";
    case Level::host:
      return "host";
  }
  return "?";
}

const char* to_string(LinkKind l) {
  return l == LinkKind::scale_up ? "scale_up" : "pcie";
}

double Work::total_flops() const {
  double t = 0;
  for (const auto& engine : flops) {
    for (double f : engine)
      t += f;
  }
  return t;
}

Work& Work::operator+=(const Work& o) {
  for (size_t e = 0; e < flops.size(); ++e) {
    for (size_t d = 0; d < flops[e].size(); ++d)
      flops[e][d] += o.flops[e][d];
  }
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] += o.bytes[i];
  for (size_t i = 0; i < link_bytes.size(); ++i)
    link_bytes[i] += o.link_bytes[i];
  link_latency_hops += o.link_latency_hops;
  launches += o.launches;
  return *this;
}

Work Work::operator*(double scale) const {
  Work w = *this;
  for (auto& engine : w.flops) {
    for (double& f : engine)
      f *= scale;
  }
  for (double& b : w.bytes)
    b *= scale;
  for (double& b : w.link_bytes)
    b *= scale;
  w.link_latency_hops *= scale;
  w.launches *= scale;
  return w;
}

}  // namespace kvsim::perf
