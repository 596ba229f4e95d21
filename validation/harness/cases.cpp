#include "cases.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "cases_builder.h"
#include "kvsim/model/model_spec.h"

namespace kvbench {

const char* to_string(Family f) {
  switch (f) {
    case Family::stream:
      return "stream";
    case Family::l2:
      return "l2";
    case Family::launch:
      return "launch";
    case Family::gemm:
      return "gemm";
    case Family::decode:
      return "decode";
    case Family::paged_decode:
      return "paged_decode";
    case Family::prefill:
      return "prefill";
    case Family::kv_append:
      return "kv_append";
    case Family::memcpy:
      return "memcpy";
  }
  return "?";
}

std::optional<Family> parse_family(std::string_view s) {
  for (Family f : kAllFamilies)
    if (s == to_string(f)) return f;
  return std::nullopt;
}

const char* describe(Family f) {
  switch (f) {
    case Family::stream:
      return "HBM bandwidth: read, write, copy, triad over 1 MiB-4 GiB fp32 arrays, 4- and 16-byte "
             "accesses";
    case Family::l2:
      return "L2 bandwidth and capacity: re-reading working sets of 1-256 MiB";
    case Family::launch:
      return "launch overhead: 1-1000 empty kernels, launched on a stream or as one CUDA graph";
    case Family::gemm:
      return "cuBLASLt GEMM, bf16 and fp8 (e4m3), weight shapes of the built-in models, M 1-16k";
    case Family::decode:
      return "decode attention over a contiguous KV cache: MHA/GQA/MQA/MLA, head dims 64-256, "
             "bf16/fp8/int4, windows, split-K";
    case Family::paged_decode:
      return "decode attention through a block table: blocks of 1-256 tokens, contiguous and "
             "random placement in a pool much larger than L2";
    case Family::prefill:
      return "prefill attention (tiled, causal), including a chunk attending to a cached prefix";
    case Family::kv_append:
      return "KV append through a slot mapping, quantising to bf16/fp8/int4 pages";
    case Family::memcpy:
      return "host<->device copies (pinned and pageable) and device-to-device copies";
  }
  return "?";
}

namespace detail {

void stream_cases(Builder& b) {
  const int64_t lo = 1 << 20, hi = int64_t{4} << 30;
  for (StreamKind k : {StreamKind::read, StreamKind::write, StreamKind::copy, StreamKind::triad})
    for (int32_t vec : {4, 16}) {
      if (b.opt.quick && vec == 4) continue;
      for (int64_t bytes = lo; bytes <= hi; bytes *= b.opt.quick ? 16 : 2) {
        const StreamShape s{k, bytes / 4, vec};
        const Counts c = count(s);
        Fields f = {{"op", "stream"}, {"bytes", num(c.bytes())}};
        if (c.cuda_core_flops > 0) f.push_back({"flops", num(c.cuda_core_flops)});
        f.push_back({"vector_bytes", std::to_string(vec)});
        b.add(Family::stream, fmt::format("stream_{}_v{}", to_string(k), vec), s, f,
              fmt::format("{}/{}", bytes, vec), c.hbm_bytes);
      }
    }
}

void l2_cases(Builder& b) {
  const std::vector<int64_t> mib =
      b.opt.quick ? std::vector<int64_t>{4, 32, 256}
                  : std::vector<int64_t>{1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 128, 256};
  for (int64_t m : mib) {
    const int64_t ws = m << 20;
    const int32_t passes = static_cast<int32_t>(std::max<int64_t>(4, (int64_t{4} << 30) / ws));
    const L2Shape s{ws, passes};
    b.add(Family::l2, "l2_read_v16", s,
          {{"op", "stream"},
           {"bytes", num(count(s).bytes())},
           {"working_set_bytes", num(static_cast<double>(ws))},
           {"passes", std::to_string(passes)}},
          std::to_string(m), static_cast<double>(ws));
  }
}

void launch_cases(Builder& b) {
  // 1 to 1000 kernels, log-spaced: enough rows for calibration to fit the launch overhead.
  const std::vector<int32_t> counts =
      b.opt.quick ? std::vector<int32_t>{1, 10, 100, 1000}
                  : std::vector<int32_t>{1,  2,  3,   4,   5,   7,   10,  14,  20,  28,  40,
                                         56, 80, 110, 160, 220, 320, 450, 640, 900, 1000};
  for (int32_t n : counts)
    for (bool graph : {false, true}) {
      b.add(Family::launch, graph ? "empty_graph" : "empty_stream", LaunchShape{n, graph},
            {{"op", "launch"},
             {"kernels", std::to_string(n)},
             {"method", graph ? "graph" : "stream"}},
            std::to_string(n), 0);
    }
}

void gemm_cases(Builder& b) {
  std::vector<int64_t> ms;
  for (int64_t m = 1; m <= 16384; m *= b.opt.quick ? 16 : 2)
    ms.push_back(m);
  auto shapes = model_gemm_shapes();
  if (b.opt.quick) {  // every fourth weight shape
    std::vector<std::pair<int64_t, int64_t>> few;
    for (size_t i = 0; i < shapes.size(); i += 4)
      few.push_back(shapes[i]);
    shapes = few;
  }
  for (GemmType t : {GemmType::bf16, GemmType::fp8})
    for (const auto& [n, k] : shapes)
      for (int64_t m : ms) {
        const GemmShape g{m, n, k, t};
        // At most 2^42 multiply-adds (about 10 ms on an H100): the large-M end of the biggest
        // weights adds run time, not information.
        if (static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) > 4.4e12)
          continue;
        b.add(Family::gemm, fmt::format("cublaslt_{}", to_string(t)), g,
              {{"op", "gemm"},
               {"m", std::to_string(m)},
               {"n", std::to_string(n)},
               {"k", std::to_string(k)},
               {"dtype", to_string(t)}},
              fmt::format("{}/{}", n, k), count(g).hbm_bytes + 32e6);
      }
}

void memcpy_cases(Builder& b) {
  std::vector<int64_t> sizes;
  for (int64_t s = 4096; s <= (int64_t{1} << 30); s *= b.opt.quick ? 64 : 4)
    sizes.push_back(s);
  for (int64_t s : sizes) {
    for (CopyKind k : {CopyKind::h2d, CopyKind::d2h, CopyKind::d2d})
      for (bool pinned : {true, false}) {
        if (k == CopyKind::d2d && !pinned) continue;
        const MemcpyShape m{s, k, pinned};
        const std::string host = k == CopyKind::d2d ? "device" : pinned ? "pinned" : "pageable";
        b.add(Family::memcpy, fmt::format("memcpy_{}_{}", to_string(k), host), m,
              {{"op", "memcpy"},
               {"bytes", std::to_string(s)},
               {"direction", to_string(k)},
               {"host_memory", host}},
              fmt::format("{}/{}", s, host), static_cast<double>(k == CopyKind::d2d ? 2 * s : s));
      }
  }
}

}  // namespace detail

std::vector<std::pair<int64_t, int64_t>> model_gemm_shapes() {
  std::set<std::pair<int64_t, int64_t>> s;
  for (const std::string& name : kvsim::model::builtin_model_names()) {
    const kvsim::model::ModelSpec m = kvsim::model::load_model(name);
    s.insert({m.vocab, m.hidden});  // LM head
    for (const auto& layer : m.layers) {
      const auto& a = layer.attention;
      if (a.kind == kvsim::model::AttentionKind::mla) {
        if (a.q_lora_rank > 0) {
          s.insert({a.q_lora_rank, m.hidden});
          s.insert({a.q_heads * a.head_dim, a.q_lora_rank});
        } else {
          s.insert({a.q_heads * a.head_dim, m.hidden});
        }
        s.insert({a.latent_dim + a.rope_dim, m.hidden});
      } else {
        s.insert({a.q_heads * a.head_dim + a.kv_heads * (a.head_dim + a.v_head_dim), m.hidden});
      }
      s.insert({m.hidden, a.q_heads * a.v_head_dim});
      const auto& mlp = layer.mlp;
      const int64_t up = mlp.gated ? 2 : 1;
      s.insert({up * mlp.intermediate, m.hidden});
      s.insert({m.hidden, mlp.intermediate});
      if (mlp.shared_experts > 0) {
        s.insert({up * mlp.shared_experts * mlp.intermediate, m.hidden});
        s.insert({m.hidden, mlp.shared_experts * mlp.intermediate});
      }
    }
  }
  return {s.begin(), s.end()};
}

std::vector<Case> build_suite(const SuiteOptions& options) {
  using namespace detail;
  Builder b{options, {}};
  auto want = [&](Family f) {
    return options.families.empty() ||
           std::find(options.families.begin(), options.families.end(), f) != options.families.end();
  };
  if (want(Family::stream)) stream_cases(b);
  if (want(Family::l2)) l2_cases(b);
  if (want(Family::launch)) launch_cases(b);
  if (want(Family::gemm)) gemm_cases(b);
  if (want(Family::decode)) decode_cases(b);
  if (want(Family::paged_decode)) paged_cases(b);
  if (want(Family::prefill)) prefill_cases(b);
  if (want(Family::kv_append)) append_cases(b);
  if (want(Family::memcpy)) memcpy_cases(b);
  return std::move(b.out);
}

const std::vector<std::string>& operator_columns() {
  static const std::vector<std::string> cols = {"op",
                                                "m",
                                                "n",
                                                "k",
                                                "dtype",
                                                "batch",
                                                "kv_len",
                                                "q_len",
                                                "q_heads",
                                                "kv_heads",
                                                "head_dim",
                                                "kv_dtype",
                                                "window",
                                                "block_tokens",
                                                "latent_dim",
                                                "rope_dim",
                                                "causal",
                                                "tokens",
                                                "bytes",
                                                "working_set_bytes",
                                                "flops",
                                                "direction",
                                                "kernels",
                                                "method",
                                                "kernel_family",
                                                "kernel",
                                                "placement",
                                                "host_memory",
                                                "vector_bytes",
                                                "passes",
                                                "split"};
  return cols;
}

std::string operator_csv(const std::vector<Case>& cases) {
  const auto& cols = operator_columns();
  std::string out = fmt::format("{}\n", fmt::join(cols, ","));
  for (const Case& c : cases) {
    std::vector<std::string> row(cols.size());
    for (const auto& [k, v] : c.fields) {
      const auto it = std::find(cols.begin(), cols.end(), k);
      if (it == cols.end()) throw std::logic_error("case field '" + k + "' has no column");
      row[static_cast<size_t>(it - cols.begin())] = v;
    }
    row.back() = c.split;
    out += fmt::format("{}\n", fmt::join(row, ","));
  }
  return out;
}

}  // namespace kvbench
