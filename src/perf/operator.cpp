#include "kvsim/perf/operator.h"

#include <fmt/format.h>

#include "kvsim/core/registry.h"
#include "kvsim/core/suggest.h"
#include "kvsim/kv/precision.h"

namespace kvsim::perf {
namespace {

const auto kPos = core::IntRange::positive(int64_t{1} << 40);
const auto kNonNeg = core::IntRange::non_negative(int64_t{1} << 40);

template <class T>
T choice(const core::CsvReader& csv, std::string_view column,
         std::optional<T> (*parse)(std::string_view), const std::vector<std::string>& names) {
  const std::string_view v = csv.text(column);
  if (auto parsed = parse(v)) return *parsed;
  csv.fail(column, fmt::format("unknown value '{}'{} (expected {})", v,
                               core::did_you_mean(v, names), core::join(names)));
}

GemmOp gemm(const core::CsvReader& csv) {
  GemmOp op;
  op.m = csv.integer("m", kPos);
  op.n = csv.integer("n", kPos);
  op.k = csv.integer("k", kPos);
  op.dtype =
      choice<GemmDtype>(csv, "dtype", parse_gemm_dtype, {"bf16", "fp16", "fp8", "fp8_block"});
  if (csv.cell("act_quant")) {
    op.act_quant =
        choice<ActQuant>(csv, "act_quant", parse_act_quant, {"none", "per_tensor", "per_block"});
  }
  return op;
}

std::string kv_dtype(const core::CsvReader& csv) {
  std::string d(csv.text("kv_dtype"));
  const auto names = core::Registry<kv::Precision>::instance().names();
  if (!core::Registry<kv::Precision>::instance().find(d)) {
    csv.fail("kv_dtype", fmt::format("unknown KV dtype '{}'{} (expected {})", d,
                                     core::did_you_mean(d, names), core::join(names)));
  }
  return d;
}

DecodeAttentionOp decode(const core::CsvReader& csv) {
  DecodeAttentionOp op;
  op.batch = csv.integer("batch", kPos);
  op.kv_len = csv.integer("kv_len", kPos);
  op.q_heads = csv.integer("q_heads", kPos);
  op.kv_heads = csv.integer("kv_heads", kPos);
  op.head_dim = csv.integer("head_dim", kPos);
  op.kv_dtype = kv_dtype(csv);
  op.q_len = csv.maybe_integer("q_len", kPos).value_or(1);
  op.window = csv.maybe_integer("window", kNonNeg).value_or(0);
  op.block_tokens = csv.maybe_integer("block_tokens", kNonNeg).value_or(0);
  op.latent_dim = csv.maybe_integer("latent_dim", kNonNeg).value_or(0);
  op.rope_dim = csv.maybe_integer("rope_dim", kNonNeg).value_or(0);
  if (op.q_heads % op.kv_heads != 0 && !op.is_mla()) {
    csv.fail("kv_heads", fmt::format("{} does not divide q_heads {}", op.kv_heads, op.q_heads));
  }
  return op;
}

PrefillAttentionOp prefill(const core::CsvReader& csv) {
  PrefillAttentionOp op;
  op.batch = csv.integer("batch", kPos);
  op.q_len = csv.integer("q_len", kPos);
  op.kv_len = csv.integer("kv_len", kPos);
  op.q_heads = csv.integer("q_heads", kPos);
  op.kv_heads = csv.integer("kv_heads", kPos);
  op.head_dim = csv.integer("head_dim", kPos);
  op.dtype = choice<GemmDtype>(csv, "dtype", parse_gemm_dtype, {"bf16", "fp16", "fp8"});
  op.causal = csv.maybe_integer("causal", core::IntRange{0, 1}).value_or(1) == 1;
  if (op.kv_len < op.q_len)
    csv.fail("kv_len", fmt::format("{} is shorter than q_len {}", op.kv_len, op.q_len));
  if (op.q_heads % op.kv_heads != 0) {
    csv.fail("kv_heads", fmt::format("{} does not divide q_heads {}", op.kv_heads, op.q_heads));
  }
  return op;
}

std::optional<LinkKind> parse_link(std::string_view s) {
  if (s == "nvlink" || s == "scale_up" || s == "infinity_fabric" || s == "xgmi")
    return LinkKind::scale_up;
  if (s == "pcie") return LinkKind::pcie;
  return std::nullopt;
}

CollectiveOp collective(const core::CsvReader& csv, CollectiveKind kind) {
  CollectiveOp op;
  op.kind = kind;
  op.bytes = csv.number("bytes", core::Range::non_negative());
  op.gpus = csv.integer("gpus", core::IntRange{1, 1 << 20});
  if (csv.cell("link"))
    op.link = choice<LinkKind>(csv, "link", parse_link, {"nvlink", "scale_up", "pcie"});
  return op;
}

MemcpyOp memcpy_op(const core::CsvReader& csv) {
  MemcpyOp op;
  op.bytes = csv.number("bytes", core::Range::non_negative());
  op.direction =
      choice<CopyDirection>(csv, "direction", parse_copy_direction, {"h2d", "d2h", "d2d"});
  return op;
}

StreamOp stream(const core::CsvReader& csv) {
  StreamOp op;
  op.bytes = csv.number("bytes", core::Range::positive());
  op.flops = csv.maybe_number("flops", core::Range::non_negative()).value_or(0);
  op.working_set_bytes =
      csv.maybe_number("working_set_bytes", core::Range::non_negative()).value_or(0);
  if (op.working_set_bytes > op.bytes) {
    csv.fail("working_set_bytes",
             fmt::format("{} is more than the bytes moved ({})", op.working_set_bytes, op.bytes));
  }
  return op;
}

std::optional<bool> parse_launch_method(std::string_view s) {
  if (s == "stream") return false;
  if (s == "graph") return true;
  return std::nullopt;
}

LaunchOp launch(const core::CsvReader& csv) {
  LaunchOp op;
  op.kernels = csv.integer("kernels", core::IntRange{1, 1 << 24});
  if (csv.cell("method"))
    op.graph = choice<bool>(csv, "method", parse_launch_method, {"stream", "graph"});
  return op;
}

KvAppendOp kv_append(const core::CsvReader& csv) {
  KvAppendOp op;
  op.tokens = csv.integer("tokens", kPos);
  op.kv_heads = csv.integer("kv_heads", kPos);
  op.head_dim = csv.integer("head_dim", kPos);
  op.kv_dtype = kv_dtype(csv);
  op.latent_dim = csv.maybe_integer("latent_dim", kNonNeg).value_or(0);
  op.rope_dim = csv.maybe_integer("rope_dim", kNonNeg).value_or(0);
  return op;
}

}  // namespace

const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = {
      "gemm",           "decode_attention", "prefill_attention", "all_reduce", "all_gather",
      "reduce_scatter", "all_to_all",       "send_recv",         "memcpy",     "stream",
      "launch",         "kv_append"};
  return names;
}

std::string family_of(const Operator& op) {
  struct Visitor {
    std::string operator()(const GemmOp&) const { return "gemm"; }
    std::string operator()(const DecodeAttentionOp&) const { return "decode_attention"; }
    std::string operator()(const PrefillAttentionOp&) const { return "prefill_attention"; }
    std::string operator()(const CollectiveOp& c) const { return to_string(c.kind); }
    std::string operator()(const MemcpyOp&) const { return "memcpy"; }
    std::string operator()(const StreamOp&) const { return "stream"; }
    std::string operator()(const LaunchOp&) const { return "launch"; }
    std::string operator()(const KvAppendOp&) const { return "kv_append"; }
  };
  return std::visit(Visitor{}, op);
}

std::string describe(const Operator& op) {
  struct Visitor {
    std::string operator()(const GemmOp& o) const {
      return fmt::format(
          "m={} n={} k={} {}{}", o.m, o.n, o.k, to_string(o.dtype),
          o.act_quant == ActQuant::none ? "" : std::string(" ") + to_string(o.act_quant));
    }
    std::string operator()(const DecodeAttentionOp& o) const {
      std::string s = fmt::format("b={} kv={} heads={}/{} d={} {}", o.batch, o.kv_len, o.q_heads,
                                  o.is_mla() ? 1 : o.kv_heads, o.head_dim, o.kv_dtype);
      if (o.is_mla()) s += fmt::format(" mla={}+{}", o.latent_dim, o.rope_dim);
      if (o.q_len > 1) s += fmt::format(" q={}", o.q_len);
      if (o.window > 0) s += fmt::format(" window={}", o.window);
      if (o.block_tokens > 0) s += fmt::format(" block={}", o.block_tokens);
      return s;
    }
    std::string operator()(const PrefillAttentionOp& o) const {
      return fmt::format("b={} q={} kv={} heads={}/{} d={} {}{}", o.batch, o.q_len, o.kv_len,
                         o.q_heads, o.kv_heads, o.head_dim, to_string(o.dtype),
                         o.causal ? "" : " non-causal");
    }
    std::string operator()(const CollectiveOp& o) const {
      return fmt::format("{:.0f} B x {} GPUs", o.bytes, o.gpus);
    }
    std::string operator()(const MemcpyOp& o) const {
      return fmt::format("{:.0f} B {}", o.bytes, to_string(o.direction));
    }
    std::string operator()(const StreamOp& o) const {
      return o.working_set_bytes > 0
                 ? fmt::format("{:.0f} B over {:.0f} B", o.bytes, o.working_set_bytes)
                 : fmt::format("{:.0f} B", o.bytes);
    }
    std::string operator()(const LaunchOp& o) const {
      return fmt::format("{} kernels, {}", o.kernels, o.graph ? "graph" : "stream");
    }
    std::string operator()(const KvAppendOp& o) const {
      return o.is_mla()
                 ? fmt::format("t={} mla={}+{} {}", o.tokens, o.latent_dim, o.rope_dim, o.kv_dtype)
                 : fmt::format("t={} heads={} d={} {}", o.tokens, o.kv_heads, o.head_dim,
                               o.kv_dtype);
    }
  };
  return std::visit(Visitor{}, op);
}

Operator parse_operator(const core::CsvReader& csv) {
  const std::string_view name = csv.text("op");
  if (name == "gemm") return gemm(csv);
  if (name == "decode_attention") return decode(csv);
  if (name == "prefill_attention") return prefill(csv);
  if (name == "memcpy") return memcpy_op(csv);
  if (name == "stream") return stream(csv);
  if (name == "launch") return launch(csv);
  if (name == "kv_append") return kv_append(csv);
  if (auto kind = parse_collective(name)) return collective(csv, *kind);
  csv.fail("op",
           fmt::format("unknown op '{}'{} (expected {})", name,
                       core::did_you_mean(name, operator_names()), core::join(operator_names())));
}

OpCost operator_cost(const Operator& op, const hw::HardwareProfile& hw) {
  struct Visitor {
    const hw::HardwareProfile& hw;
    OpCost operator()(const GemmOp& o) const { return gemm_cost(o, hw); }
    OpCost operator()(const DecodeAttentionOp& o) const { return decode_attention_cost(o, hw); }
    OpCost operator()(const PrefillAttentionOp& o) const { return prefill_attention_cost(o, hw); }
    OpCost operator()(const CollectiveOp& o) const { return collective_cost(o, hw); }
    OpCost operator()(const MemcpyOp& o) const { return memcpy_cost(o, hw); }
    OpCost operator()(const StreamOp& o) const { return stream_cost(o, hw); }
    OpCost operator()(const LaunchOp& o) const { return launch_cost(o, hw); }
    OpCost operator()(const KvAppendOp& o) const { return kv_append_cost(o, hw); }
  };
  return std::visit(Visitor{hw}, op);
}

}  // namespace kvsim::perf
