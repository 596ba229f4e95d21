// Loading profiles by name or path, and carrying kernel parameters from one profile to another
// (`kernels: {inherit: OTHER}`).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "kvsim/core/doc_ops.h"
#include "kvsim/core/resources.h"
#include "kvsim/hw/hardware_profile.h"

namespace kvsim::hw {

namespace {

double ratio_capped(double value, double to, double from) {
  return std::min(1.0, value * (from > 0 ? to / from : 1.0));
}

double tensor_efficiency(const Efficiency& e, Dtype d) {
  auto it = e.tensor.find(d);
  return it == e.tensor.end() ? 1.0 : it->second;
}

HardwareProfile load_hardware_chain(const std::string& name_or_path, const core::SourceLoc& where,
                                    const std::string& label, std::vector<std::string>& chain,
                                    const core::Doc* overrides) {
  core::Doc doc =
      core::load_named_document(name_or_path, "hardware_profiles", "hardware", where, label);
  if (overrides) doc = core::merge_docs(doc, *overrides);
  // Built-in profiles are named after their file; a user's copy may carry any name.
  const std::string& file = doc.loc.file_name();
  const bool builtin = file.rfind("<builtin>/", 0) == 0;
  HardwareProfile p =
      parse_hardware_profile(doc, builtin ? std::filesystem::path(file).stem().string() : "");
  if (!p.kernels.inherit.empty()) {
    const core::Doc* k = doc.find("kernels");
    const core::SourceLoc at = k && k->find("inherit") ? k->find("inherit")->loc : doc.loc;
    chain.push_back(p.name);
    if (std::find(chain.begin(), chain.end(), p.kernels.inherit) != chain.end()) {
      core::fail_at(at, fmt::format("kernels.inherit: '{}' inherits from itself through {}",
                                    p.kernels.inherit, fmt::join(chain, " -> ")));
    }
    const HardwareProfile source =
        load_hardware_chain(p.kernels.inherit, at, "kernels.inherit", chain, nullptr);
    const std::string inherit = p.kernels.inherit;
    const std::string note = p.kernels.note;
    p.kernels = scale_kernel_params(source.kernels, source, p);
    p.kernels.inherit = inherit;
    p.kernels.note = note;
  }
  return p;
}

}  // namespace

KernelParams scale_kernel_params(const KernelParams& source, const HardwareProfile& from,
                                 const HardwareProfile& to) {
  KernelParams k = source;
  k.calibrated = false;
  const double sm_ratio = static_cast<double>(to.sm_count) / static_cast<double>(from.sm_count);
  const double bw_per_sm_ratio = (to.hbm.bandwidth_bytes_s / static_cast<double>(to.sm_count)) /
                                 (from.hbm.bandwidth_bytes_s / static_cast<double>(from.sm_count));
  const Efficiency& ef = from.efficiency;
  const Efficiency& et = to.efficiency;
  const double bf16_ratio_to = tensor_efficiency(et, Dtype::bf16);
  const double bf16_ratio_from = tensor_efficiency(ef, Dtype::bf16);
  k.gemm.unit_bandwidth *= bw_per_sm_ratio;
  k.gemm.hbm = ratio_capped(k.gemm.hbm, et.hbm, ef.hbm);
  k.gemm.l2 = ratio_capped(k.gemm.l2, et.l2, ef.l2);
  k.gemm.tensor = ratio_capped(k.gemm.tensor, bf16_ratio_to, bf16_ratio_from);
  k.gemm.fp8_tensor = ratio_capped(k.gemm.fp8_tensor, tensor_efficiency(et, Dtype::fp8),
                                   tensor_efficiency(ef, Dtype::fp8));
  k.gemm.fp8_block_tensor = ratio_capped(k.gemm.fp8_block_tensor, tensor_efficiency(et, Dtype::fp8),
                                         tensor_efficiency(ef, Dtype::fp8));
  k.elementwise.hbm = ratio_capped(k.elementwise.hbm, et.hbm, ef.hbm);
  for (AttentionPathParams* a : {&k.decode_attention.tensor, &k.decode_attention.cuda_core}) {
    a->saturating_units *= sm_ratio;
    a->fill_units *= sm_ratio;
    a->hbm = ratio_capped(a->hbm, et.hbm, ef.hbm);
  }
  k.prefill_attention.tensor =
      ratio_capped(k.prefill_attention.tensor, bf16_ratio_to, bf16_ratio_from);
  // XQA's launch bounds give 2 resident CTAs per SM only in its sm90 build, 1 in every other one
  // (XQA-MHA in h100-sxm.yaml).
  if (from.architecture == "hopper" && to.architecture != "hopper") {
    double& resident = k.decode_attention.tensor.resident_ctas_per_sm;
    resident = std::min(resident, 1.0);
  }
  return k;
}

HardwareProfile load_hardware(const std::string& name_or_path, const core::SourceLoc& where,
                              const std::string& label, const core::Doc* overrides) {
  std::vector<std::string> chain;
  HardwareProfile p = load_hardware_chain(name_or_path, where, label, chain, overrides);
  if (overrides && !overrides->entries.empty()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : overrides->entries)
      keys.push_back(k.text);
    p.notes.push_back(
        fmt::format("overridden by {}: {}", overrides->loc.str(), fmt::join(keys, ", ")));
  }
  return p;
}

}  // namespace kvsim::hw
