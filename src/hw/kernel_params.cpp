#include "kvsim/hw/kernel_params.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "kvsim/core/json.h"
#include "kvsim/core/reader.h"

namespace kvsim::hw {
namespace {

// One numeric field: YAML key (unit in the name), where it lives, and the factor from the YAML
// unit to the stored SI unit.
struct Field {
  const char* key;
  double* value;
  double scale;
  core::Range range;
};

const core::Range kPositive = core::Range::positive();
const core::Range kFraction = core::Range::fraction();
const core::Range kOverlap{1.0, 64.0, false};

std::vector<Field> fields(GemmKernelParams& g) {
  return {{"floor_us", &g.floor_s, 1e-6, kPositive},
          {"unit_overhead_us", &g.unit_overhead_s, 1e-6, core::Range::non_negative()},
          {"unit_bandwidth_gb_s", &g.unit_bandwidth, 1e9, kPositive},
          {"overlap", &g.overlap, 1, kOverlap},
          {"split_k_min_k", &g.split_k_min_k, 1, kPositive},
          {"hbm", &g.hbm, 1, kFraction},
          {"l2", &g.l2, 1, kFraction},
          {"tensor", &g.tensor, 1, kFraction},
          {"fp8_tensor", &g.fp8_tensor, 1, kFraction},
          {"fp8_block_tensor", &g.fp8_block_tensor, 1, kFraction},
          {"l2_cluster", &g.l2_cluster, 1, core::Range{1, 16, false}},
          {"act_quant_tensor_us", &g.act_quant_tensor_s, 1e-6, core::Range::non_negative()},
          {"act_quant_block_us", &g.act_quant_block_s, 1e-6, core::Range::non_negative()},
          {"block_kstep_ns", &g.block_kstep_s, 1e-9, core::Range::non_negative()},
          {"block_epilogue_exposed", &g.block_epilogue_exposed, 1, core::Range{0, 1, false}},
          {"block_weight_reread", &g.block_weight_reread, 1, core::Range{0, 1, false}},
          {"split_k_reduce_us", &g.split_k_reduce_s, 1e-6, core::Range::non_negative()},
          {"block_oob_row_kstep_ns", &g.block_oob_row_kstep_s, 1e-9, core::Range::non_negative()}};
}

std::vector<Field> fields(ElementwiseKernelParams& e) {
  return {{"floor_us", &e.floor_s, 1e-6, kPositive}, {"hbm", &e.hbm, 1, kFraction}};
}

std::vector<Field> fields(AttentionPathParams& a) {
  return {
      {"floor_us", &a.floor_s, 1e-6, kPositive},
      {"fp8_floor_us", &a.fp8_floor_s, 1e-6, kPositive},
      {"overhead_base_ns", &a.overhead_base_s, 1e-9, core::Range::non_negative()},
      {"overhead_per_head_dim_ns", &a.overhead_per_head_dim_s, 1e-9, core::Range::non_negative()},
      {"overhead_per_group_dim_ns", &a.overhead_per_group_dim_s, 1e-9, core::Range::non_negative()},
      {"fp8_overhead_scale", &a.fp8_overhead_scale, 1, kPositive},
      {"saturating_units", &a.saturating_units, 1, kPositive},
      {"fill_units", &a.fill_units, 1, kPositive},
      {"min_split_tokens", &a.min_split_tokens, 1, kPositive},
      {"split_sqrt_factor", &a.split_sqrt_factor, 1, core::Range::non_negative()},
      {"kv_tile_tokens", &a.kv_tile_tokens, 1, core::Range{1, 4096, false}},
      {"hbm", &a.hbm, 1, kFraction},
      {"compute", &a.compute, 1, kFraction},
      {"overlap", &a.overlap, 1, kOverlap},
      {"combine_us", &a.combine_s, 1e-6, core::Range::non_negative()},
      {"dequant_flops_per_value", &a.dequant_flops_per_value, 1, core::Range::non_negative()},
      {"window_split_tokens", &a.window_split_tokens, 1, core::Range::non_negative()},
      {"fp8_window_split_tokens", &a.fp8_window_split_tokens, 1, core::Range::non_negative()},
      {"cta_row_ns", &a.cta_row_s, 1e-9, core::Range::non_negative()},
      {"combine_per_split_ns", &a.combine_per_split_s, 1e-9, core::Range::non_negative()},
      {"split_ref_head_dim", &a.split_ref_head_dim, 1, core::Range::non_negative()},
      {"wave_blocks_per_sm", &a.wave_blocks_per_sm, 1, core::Range::non_negative()},
      {"extra_wave_us", &a.extra_wave_s, 1e-6, core::Range::non_negative()},
      {"unsplit_blocks_per_sm", &a.unsplit_blocks_per_sm, 1, core::Range::non_negative()},
      {"resident_ctas_per_sm", &a.resident_ctas_per_sm, 1, core::Range::non_negative()},
      {"tile_latency_ns", &a.tile_latency_s, 1e-9, core::Range::non_negative()},
      {"tile_latency_per_row_ns", &a.tile_latency_per_row_s, 1e-9, core::Range::non_negative()},
      {"fp8_overlap", &a.fp8_overlap, 1, core::Range::non_negative()},
      {"idle_split_overhead", &a.idle_split_overhead, 1, core::Range{0, 1, false}},
      {"fp8_idle_split_overhead", &a.fp8_idle_split_overhead, 1, core::Range{0, 1, false}},
      {"cta_latency_us", &a.cta_latency_s, 1e-6, core::Range::non_negative()}};
}

std::vector<Field> fields(PrefillAttentionParams& p) {
  return {{"floor_us", &p.floor_s, 1e-6, kPositive},
          {"tensor", &p.tensor, 1, kFraction},
          {"q_tile", &p.q_tile, 1, core::Range{1, 4096, false}},
          {"kv_tile", &p.kv_tile, 1, core::Range{1, 4096, false}}};
}

std::vector<Field> fields(CollectiveParams& c) {
  return {{"floor_us", &c.floor_s, 1e-6, kPositive},
          {"step_latency_us", &c.step_latency_s, 1e-6, core::Range::non_negative()}};
}

template <class T>
void read_section(core::MapReader& parent, const char* key, T& target) {
  auto m = parent.maybe_map(key);
  if (!m) return;
  for (const Field& f : fields(target)) {
    if (auto v = m->maybe_number(f.key, f.range)) *f.value = *v * f.scale;
  }
  if constexpr (std::is_same_v<T, GemmKernelParams>) {
    if (auto b = m->maybe_boolean("fp8_block_split_k")) target.fp8_block_split_k = *b;
  }
  if constexpr (std::is_same_v<T, AttentionPathParams>) {
    if (auto b = m->maybe_boolean("overhead_per_cta")) target.overhead_per_cta = *b;
  }
  m->finish();
}

template <class T>
std::string write_section(const T& source, const std::string& indent) {
  T copy = source;
  std::string out;
  for (const Field& f : fields(copy)) {
    // A fit drives an unneeded term towards 0 without reaching it (1e-301 ns): below 1e-12 of
    // its unit a value changes no prediction, and 0 says plainly that the term is off.
    const double v = *f.value / f.scale;
    out += fmt::format("{}{}: {:.6g}\n", indent, f.key, std::abs(v) < 1e-12 ? 0.0 : v);
  }
  if constexpr (std::is_same_v<T, GemmKernelParams>) {
    out += fmt::format("{}fp8_block_split_k: {}\n", indent, source.fp8_block_split_k);
  }
  if constexpr (std::is_same_v<T, AttentionPathParams>) {
    out += fmt::format("{}overhead_per_cta: {}\n", indent, source.overhead_per_cta);
  }
  return out;
}

}  // namespace

KernelParams parse_kernel_params(const core::Doc& node, const std::string& path) {
  KernelParams k;
  core::MapReader m(node, path);
  k.calibrated = m.maybe_boolean("calibrated").value_or(false);
  k.inherit = m.maybe_string("inherit").value_or("");
  k.note = m.maybe_string("note").value_or("");
  read_section(m, "gemm", k.gemm);
  read_section(m, "elementwise", k.elementwise);
  if (auto d = m.maybe_map("decode_attention")) {
    if (auto g = d->maybe_number("max_tensor_group", core::Range{1, 1024, false})) {
      k.decode_attention.max_tensor_group = *g;
    }
    if (auto b = d->maybe_boolean("window_full_grid")) k.decode_attention.window_full_grid = *b;
    const core::Range limit{0, 1e6, false};
    if (auto v = d->maybe_number("fp8_min_head_dim", limit)) {
      k.decode_attention.fp8_min_head_dim = *v;
    }
    if (auto v = d->maybe_number("fp8_max_group_dim", limit)) {
      k.decode_attention.fp8_max_group_dim = *v;
    }
    if (auto v = d->maybe_number("tensor_min_block_factor", limit)) {
      k.decode_attention.tensor_min_block_factor = *v;
    }
    read_section(*d, "tensor", k.decode_attention.tensor);
    read_section(*d, "cuda_core", k.decode_attention.cuda_core);
    d->finish();
  }
  read_section(m, "prefill_attention", k.prefill_attention);
  read_section(m, "collective", k.collective);
  m.finish();
  if (!k.inherit.empty() && node.entries.size() > (k.note.empty() ? 1u : 2u)) {
    m.fail("inherit", "a profile that inherits its kernel parameters may not also set them");
  }
  return k;
}

std::string kernel_params_yaml(const KernelParams& k) {
  std::string out = fmt::format("  calibrated: {}\n", k.calibrated);
  if (!k.note.empty()) out += fmt::format("  note: {}\n", core::json_quote(k.note));
  out += "  gemm:\n" + write_section(k.gemm, "    ");
  out += "  elementwise:\n" + write_section(k.elementwise, "    ");
  out += "  decode_attention:\n";
  out += fmt::format("    max_tensor_group: {:.6g}\n", k.decode_attention.max_tensor_group);
  out += fmt::format("    window_full_grid: {}\n", k.decode_attention.window_full_grid);
  out += fmt::format("    fp8_min_head_dim: {:.6g}\n", k.decode_attention.fp8_min_head_dim);
  out += fmt::format("    fp8_max_group_dim: {:.6g}\n", k.decode_attention.fp8_max_group_dim);
  out += fmt::format("    tensor_min_block_factor: {:.6g}\n",
                     k.decode_attention.tensor_min_block_factor);
  out += "    tensor:\n" + write_section(k.decode_attention.tensor, "      ");
  out += "    cuda_core:\n" + write_section(k.decode_attention.cuda_core, "      ");
  out += "  prefill_attention:\n" + write_section(k.prefill_attention, "    ");
  out += "  collective:\n" + write_section(k.collective, "    ");
  return out;
}

}  // namespace kvsim::hw
