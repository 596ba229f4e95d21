#include "kvsim/hw/hardware_profile.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "kvsim/core/reader.h"
#include "kvsim/core/resources.h"
#include "kvsim/core/suggest.h"
#include "kvsim/core/units.h"

namespace kvsim::hw {

const char* to_string(Dtype d) {
  switch (d) {
    case Dtype::fp32:
      return "fp32";
    case Dtype::bf16:
      return "bf16";
    case Dtype::fp16:
      return "fp16";
    case Dtype::fp8:
      return "fp8";
    case Dtype::int8:
      return "int8";
  }
  return "?";
}

std::optional<Dtype> parse_dtype(std::string_view name) {
  for (Dtype d : kAllDtypes) {
    if (name == to_string(d)) return d;
  }
  return std::nullopt;
}

const char* to_string(Engine e) {
  return e == Engine::tensor ? "tensor" : "cuda_core";
}

double HardwareProfile::peak_flops(Engine engine, Dtype dtype) const {
  const auto& table = engine == Engine::tensor ? tensor_flops : cuda_core_flops;
  auto it = table.find(dtype);
  return it == table.end() ? 0.0 : it->second;
}

namespace {

class ProfileReader {
 public:
  explicit ProfileReader(HardwareProfile& p) : p_(p) {}

  // A figure under `key`: a bare number or {value, source, note, date, alternatives}.
  std::optional<Figure> maybe_figure(core::MapReader& parent, std::string_view key,
                                     core::Range range) {
    const core::Doc* node = parent.find(key);
    if (!node || node->is_null()) return std::nullopt;
    Figure f;
    f.loc = node->loc;
    const std::string path = parent.key_path(key);
    if (node->is_scalar()) {
      f.value = core::read_number(*node, path, range);
    } else {
      core::MapReader m(*node, path);
      f.value = m.number("value", range);
      f.source = source_tag(m);
      f.note = m.maybe_string("note").value_or("");
      f.date = m.maybe_string("date").value_or("");
      if (const core::Doc* alts = m.find("alternatives")) {
        if (!alts->is_sequence()) core::fail_at(alts->loc, path + ".alternatives: expected a list");
        for (const core::Doc& a : alts->items) {
          core::MapReader am(a, path + ".alternatives[]");
          Figure::Alternative alt;
          alt.value = am.number("value", core::Range::any());
          alt.source = source_tag(am);
          alt.note = am.maybe_string("note").value_or("");
          am.finish();
          f.alternatives.push_back(std::move(alt));
        }
      }
      m.finish();
    }
    p_.figures[path] = f;
    return f;
  }

  Figure figure(core::MapReader& parent, std::string_view key, core::Range range) {
    std::optional<Figure> f = maybe_figure(parent, key, range);
    if (!f) parent.require(key);  // reports the missing key
    return *f;
  }

  // A figure that counts things (SMs, GPUs, lanes): a whole number in `range`.
  std::optional<int64_t> maybe_count(core::MapReader& parent, std::string_view key,
                                     core::Range range) {
    std::optional<Figure> f = maybe_figure(parent, key, range);
    if (!f) return std::nullopt;
    if (f->value != std::floor(f->value)) {
      core::fail_at(f->loc, fmt::format("{}: expected a whole number, got {}", parent.key_path(key),
                                        f->value));
    }
    return static_cast<int64_t>(f->value);
  }

  // Exactly one of two unit spellings of a capacity; returns bytes, at least 1 and at most
  // kMaxMemoryBytes (so byte counts derived from it stay far from 64-bit overflow).
  std::optional<int64_t> maybe_capacity(core::MapReader& m, std::string_view binary_key,
                                        double binary_unit, std::string_view decimal_key,
                                        double decimal_unit) {
    constexpr double kMaxMemoryBytes = 0x1p50;  // 1 PiB
    std::optional<Figure> b =
        maybe_figure(m, binary_key, core::Range{0, kMaxMemoryBytes / binary_unit, true});
    std::optional<Figure> d =
        decimal_key.empty()
            ? std::nullopt
            : maybe_figure(m, decimal_key, core::Range{0, kMaxMemoryBytes / decimal_unit, true});
    if (b && d) {
      m.fail(decimal_key,
             fmt::format("give either '{}' or '{}', not both", binary_key, decimal_key));
    }
    if (!b && !d) return std::nullopt;
    const double bytes = std::round(b ? b->value * binary_unit : d->value * decimal_unit);
    if (bytes < 1) {
      core::fail_at(b ? b->loc : d->loc, fmt::format("{}: less than one byte",
                                                     m.key_path(b ? binary_key : decimal_key)));
    }
    return static_cast<int64_t>(bytes);
  }

  MemoryLevel memory_level(core::MapReader& mem, std::string_view key) {
    MemoryLevel level;
    auto m = mem.maybe_map(key);
    if (!m) return level;
    level.present = true;
    std::optional<int64_t> cap;
    if (key == "l2") {
      cap = maybe_capacity(*m, "capacity_mib", static_cast<double>(core::kMiB), "", 0);
    } else if (key == "smem") {
      cap = maybe_capacity(*m, "capacity_kib_per_sm", static_cast<double>(core::kKiB), "", 0);
    } else {
      cap = maybe_capacity(*m, "capacity_gib", static_cast<double>(core::kGiB), "capacity_gb",
                           core::kGB);
    }
    if (!cap) m->fail_here("missing capacity (e.g. 'capacity_gib')");
    level.capacity_bytes = *cap;
    level.bandwidth_bytes_s =
        figure(*m, "bandwidth_gb_s", core::Range::positive()).value * core::kGB;
    if (auto lat = maybe_figure(*m, "latency_ns", core::Range::positive())) {
      level.latency_s = lat->value * 1e-9;
    }
    m->finish();
    return level;
  }

  Link link(core::MapReader& links, std::string_view key) {
    Link l;
    auto m = links.maybe_map(key);
    if (!m) return l;
    l.kind = m->maybe_string("kind").value_or(std::string(key));
    if (l.kind == "none") {
      m->finish();
      return l;
    }
    l.present = true;
    l.per_direction_bytes_s =
        figure(*m, "per_direction_gb_s", core::Range::positive()).value * core::kGB;
    if (auto d = maybe_count(*m, "domain_gpus", core::Range{1, 1e6})) l.domain_gpus = *d;
    if (auto lat = maybe_figure(*m, "latency_us", core::Range::positive())) {
      l.latency_s = lat->value * 1e-6;
    }
    if (auto g = maybe_count(*m, "generation", core::Range{1, 10})) l.generation = *g;
    if (auto n = maybe_count(*m, "lanes", core::Range{1, 64})) l.lanes = *n;
    m->finish();
    return l;
  }

  std::map<Dtype, double> dtype_table(core::MapReader& m, double scale, bool figures) {
    std::map<Dtype, double> out;
    for (Dtype d : kAllDtypes) {
      if (figures) {
        if (auto f = maybe_figure(m, to_string(d), core::Range::positive()))
          out[d] = f->value * scale;
      } else if (auto v = m.maybe_number(to_string(d), core::Range::fraction())) {
        out[d] = *v;
      }
    }
    m.finish();
    return out;
  }

 private:
  std::string source_tag(core::MapReader& m) {
    std::optional<std::string> tag = m.maybe_string("source");
    if (!tag) return "";
    if (!p_.sources.count(*tag)) {
      std::vector<std::string> known;
      for (const auto& [k, v] : p_.sources)
        known.push_back(k);
      m.fail("source", fmt::format("unknown source tag '{}'{} (declare it under 'sources:')", *tag,
                                   core::did_you_mean(*tag, known)));
    }
    return *tag;
  }

  HardwareProfile& p_;
};

Efficiency read_efficiency(core::MapReader& top, ProfileReader& pr) {
  Efficiency e;
  auto m = top.maybe_map("efficiency");
  if (!m) return e;
  const auto frac = core::Range::fraction();
  e.calibrated = m->maybe_boolean("calibrated").value_or(false);
  e.note = m->maybe_string("note").value_or("");
  e.hbm = m->maybe_number("hbm", frac).value_or(1.0);
  e.l2 = m->maybe_number("l2", frac).value_or(1.0);
  e.smem = m->maybe_number("smem", frac).value_or(1.0);
  e.host = m->maybe_number("host", frac).value_or(1.0);
  e.scale_up = m->maybe_number("scale_up", frac).value_or(1.0);
  e.pcie = m->maybe_number("pcie", frac).value_or(1.0);
  if (auto t = m->maybe_map("tensor")) e.tensor = pr.dtype_table(*t, 1.0, false);
  if (auto c = m->maybe_map("cuda_core")) e.cuda_core = pr.dtype_table(*c, 1.0, false);
  e.launch_overhead_s =
      m->maybe_number("launch_overhead_us", core::Range::non_negative()).value_or(0.0) * 1e-6;
  m->finish();
  return e;
}

}  // namespace

HardwareProfile parse_hardware_profile(const core::Doc& doc, const std::string& expected_name) {
  HardwareProfile p;
  p.loc = doc.loc;
  core::MapReader top(doc);
  p.name = top.string("name");
  if (!expected_name.empty() && p.name != expected_name) {
    top.fail("name", fmt::format("'{}' must equal the file name '{}'", p.name, expected_name));
  }
  p.display_name = top.maybe_string("display_name").value_or(p.name);
  p.vendor = top.maybe_string("vendor").value_or("");
  if (!p.vendor.empty() && p.vendor != "nvidia" && p.vendor != "amd") {
    top.fail("vendor", fmt::format("expected 'nvidia' or 'amd', got '{}'", p.vendor));
  }
  p.architecture = top.maybe_string("architecture").value_or("");
  if (auto s = top.maybe_map("sources")) {
    for (const auto& [k, v] : s->doc().entries) {
      s->find(k.text);
      p.sources[k.text] = core::read_string(v, s->key_path(k.text));
    }
  }
  ProfileReader pr(p);

  core::MapReader compute = top.map("compute");
  const std::optional<int64_t> sms = pr.maybe_count(compute, "sm_count", core::Range{1, 1e6});
  if (!sms) compute.require("sm_count");
  p.sm_count = *sms;
  if (auto clk = pr.maybe_figure(compute, "boost_clock_mhz", core::Range::positive())) {
    p.boost_clock_hz = clk->value * 1e6;
  }
  core::MapReader tensor = compute.map("tensor");
  p.tensor_flops = pr.dtype_table(tensor, 1e12, true);
  if (p.tensor_flops.empty()) tensor.fail_here("at least one dtype ceiling is required");
  if (auto cc = compute.maybe_map("cuda_core")) p.cuda_core_flops = pr.dtype_table(*cc, 1e12, true);
  compute.finish();

  core::MapReader memory = top.map("memory");
  p.hbm = pr.memory_level(memory, "hbm");
  if (!p.hbm.present) memory.require("hbm");
  p.l2 = pr.memory_level(memory, "l2");
  p.smem = pr.memory_level(memory, "smem");
  p.host = pr.memory_level(memory, "host");
  memory.finish();

  if (auto links = top.maybe_map("links")) {
    p.scale_up = pr.link(*links, "scale_up");
    p.pcie = pr.link(*links, "pcie");
    links->finish();
  }
  if (auto power = top.maybe_map("power")) {
    p.tdp_w = pr.figure(*power, "tdp_w", core::Range::positive()).value;
    if (auto idle = pr.maybe_figure(*power, "idle_w", core::Range::positive()))
      p.idle_w = idle->value;
    power->finish();
  }
  if (auto price = top.maybe_map("price")) {
    Figure f = pr.figure(*price, "usd_per_gpu_hour", core::Range::positive());
    p.price_usd_per_gpu_hour = f.value;
    p.price_date = f.date;
    p.price_source = f.source;
    price->finish();
  }
  p.efficiency = read_efficiency(top, pr);
  if (const core::Doc* k = top.find("kernels")) p.kernels = parse_kernel_params(*k, "kernels");
  if (const core::Doc* notes = top.find("notes")) {
    if (!notes->is_sequence()) core::fail_at(notes->loc, "notes: expected a list of text lines");
    for (const core::Doc& n : notes->items)
      p.notes.push_back(core::read_string(n, "notes[]"));
  }
  top.finish();
  return p;
}

std::vector<std::string> builtin_hardware_names() {
  return core::builtin_names("hardware_profiles", ".yaml");
}

}  // namespace kvsim::hw
