// The operators of one transformer layer kind within a step (per GPU): those whose cost depends
// only on the step's token count, and attention over the cache.

#include <algorithm>
#include <cmath>

#include "kvsim/perf/collective.h"
#include "kvsim/perf/decode_attention.h"
#include "kvsim/perf/elementwise.h"
#include "kvsim/perf/gemm.h"
#include "kvsim/perf/prefill_attention.h"
#include "kvsim/perf/step.h"

namespace kvsim::perf {
namespace {

// A GEMM whose weight B is stored in `f`: block-scaled fp8 runs as fp8_block (activations quantised
// per 1x128 block); weight-only formats (int4, mxfp4, nvfp4) stream their bits and compute in bf16.
GemmOp gemm_for(int64_t m, int64_t n, int64_t k, const model::WeightFormat& f) {
  GemmOp op{m, std::max<int64_t>(n, 1), std::max<int64_t>(k, 1), GemmDtype::bf16};
  if (f.name == "fp16") {
    op.dtype = GemmDtype::fp16;
  } else if (f.name == "fp8") {
    op.dtype = GemmDtype::fp8;
  } else if (f.name == "fp8_block128") {
    op.dtype = GemmDtype::fp8_block;
    op.act_quant = ActQuant::per_block;
  } else if (f.name != "bf16" && f.name != "fp32") {
    op.b_bits = f.bits_per_param;
  }
  return op;
}

int64_t ceil_i(double v) {
  return static_cast<int64_t>(std::ceil(v));
}

}  // namespace

void StepModel::layer_token_ops(const LayerKind& kind, int64_t t, const Emit& emit) const {
  const model::ModelSpec& m = *model_;
  const hw::HardwareProfile& hw = *hw_;
  const double n = static_cast<double>(kind.count);
  const int64_t tp = par_.tp;
  const model::AttentionSpec& a = kind.attention;
  const int64_t hq = a.q_heads / tp;
  const bool mla = a.kind == model::AttentionKind::mla;
  const model::WeightFormat& wf = m.weights;

  if (mla) {
    const int64_t nope = a.head_dim - a.rope_dim;
    if (a.q_lora_rank > 0) {
      emit("q_a_proj", n, gemm_cost(gemm_for(t, a.q_lora_rank, m.hidden, wf), hw));
      emit("q_b_proj", n, gemm_cost(gemm_for(t, hq * a.head_dim, a.q_lora_rank, wf), hw));
    } else {
      emit("q_proj", n, gemm_cost(gemm_for(t, hq * a.head_dim, m.hidden, wf), hw));
    }
    emit("kv_a_proj", n, gemm_cost(gemm_for(t, a.latent_dim + a.rope_dim, m.hidden, wf), hw));
    // Absorbed decode path: per head, q_nope -> latent and latent -> v through kv_b's halves.
    emit("kv_b_absorb", n, gemm_cost(gemm_for(t, hq * a.latent_dim, nope, wf), hw));
    emit("v_absorb", n, gemm_cost(gemm_for(t, hq * a.v_head_dim, a.latent_dim, wf), hw));
  } else {
    const int64_t n_qkv = hq * a.head_dim + kind.values.heads_gpu * (a.head_dim + a.v_head_dim);
    emit("qkv_proj", n, gemm_cost(gemm_for(t, n_qkv, m.hidden, wf), hw));
  }
  emit("o_proj", n, gemm_cost(gemm_for(t, m.hidden, hq * a.v_head_dim, wf), hw));
  emit("rotary", n,
       elementwise_cost(
           rotary_op(t, (hq + kind.values.heads_gpu) * (mla ? a.rope_dim : a.head_dim)), hw));
  if (kind.stores_kv) {
    emit("kv_append", n,
         elementwise_cost(kv_append_op(t, kind.values.per_token_gpu, kind.kv_bytes_per_token,
                                       policy_.precision->dequant_flops_per_value()),
                          hw));
  }
  // Norms, residual adds and the tensor-parallel all-reduces after attention and after the MLP.
  emit("norm", n * static_cast<double>(kind.norm_vectors),
       elementwise_cost(rmsnorm_op(t, m.hidden), hw));
  emit("residual_add", 2 * n, elementwise_cost(residual_op(t, m.hidden), hw));
  if (tp > 1) {
    const CollectiveOp ar{CollectiveKind::all_reduce, static_cast<double>(t * m.hidden) * 2, tp,
                          LinkKind::scale_up};
    emit("tp_all_reduce", 2 * n, collective_cost(ar, hw));
  }

  const model::MlpSpec& mlp = kind.mlp;
  const int64_t up_width = mlp.gated ? 2 : 1;
  if (!mlp.is_moe()) {
    const int64_t inter = (mlp.intermediate + tp - 1) / tp;
    emit("mlp_up", n, gemm_cost(gemm_for(t, up_width * inter, m.hidden, wf), hw));
    emit("mlp_act", n, elementwise_cost(gated_activation_op(t, inter), hw));
    emit("mlp_down", n, gemm_cost(gemm_for(t, m.hidden, inter, wf), hw));
    return;
  }
  emit("moe_router", n, gemm_cost(GemmOp{t, mlp.experts, m.hidden, GemmDtype::bf16}, hw));
  const double k = static_cast<double>(mlp.experts_per_token);
  const double touched =
      expected_experts_touched(static_cast<double>(t), k, static_cast<double>(mlp.experts));
  const double per_expert_tokens = static_cast<double>(t) * k / std::max(touched, 1.0);
  // EP over the TP group: each rank runs whole experts (touched / ep of them); otherwise every rank
  // runs a 1/tp column slice of every touched expert.
  const bool ep = par_.ep > 1;
  const double experts_here = ep ? touched / static_cast<double>(par_.ep) : touched;
  const int64_t inter = ep ? mlp.intermediate : (mlp.intermediate + tp - 1) / tp;
  const int64_t me = std::max<int64_t>(1, ceil_i(per_expert_tokens));
  const model::WeightFormat& ef = m.expert_weights;
  emit("moe_expert_up", n * experts_here,
       gemm_cost(gemm_for(me, up_width * inter, m.hidden, ef), hw));
  emit("moe_expert_down", n * experts_here, gemm_cost(gemm_for(me, m.hidden, inter, ef), hw));
  const int64_t routed = ceil_i(static_cast<double>(t) * k / static_cast<double>(ep ? par_.ep : 1));
  emit("moe_act", n, elementwise_cost(gated_activation_op(routed, inter), hw));
  if (mlp.shared_experts > 0) {
    const int64_t shared = (mlp.shared_experts * mlp.intermediate + tp - 1) / tp;
    emit("moe_shared_up", n, gemm_cost(gemm_for(t, up_width * shared, m.hidden, wf), hw));
    emit("moe_shared_down", n, gemm_cost(gemm_for(t, m.hidden, shared, wf), hw));
  }
}

int64_t StepModel::mean_kv_len(const LayerKind& kind, const StepBatch& b) {
  return std::max<int64_t>(
      1, ceil_i(b.decode_attended[kind.rule] / static_cast<double>(b.decode_seqs)));
}

DecodeAttentionOp StepModel::decode_op(const LayerKind& kind, const StepBatch& b) const {
  const model::AttentionSpec& a = kind.attention;
  const bool mla = a.kind == model::AttentionKind::mla;
  DecodeAttentionOp d;
  d.batch = b.decode_seqs;
  d.kv_len = mean_kv_len(kind, b);
  d.q_heads = a.q_heads / par_.tp;
  d.kv_heads = mla ? 1 : kind.values.heads_gpu;
  d.head_dim = a.head_dim;
  d.kv_dtype = policy_.precision->name();
  d.q_len = b.decode_q;
  d.block_tokens = policy_.allocation->block_tokens();
  if (mla) {
    d.latent_dim = a.latent_dim;
    d.rope_dim = a.rope_dim;
  }
  return d;
}

void StepModel::add_decode_time(size_t kind_index, const LayerKind& kind, const StepBatch& b,
                                StepTime& out) const {
  const int64_t kv_len = mean_kv_len(kind, b);
  const auto k = static_cast<int64_t>(kind_index);
  uint64_t h = static_cast<uint64_t>(b.decode_seqs) * 0x9E3779B97F4A7C15ull ^
               static_cast<uint64_t>(kv_len) * 0xC2B2AE3D27D4EB4Full ^
               static_cast<uint64_t>(k * 131 + b.decode_q) * 0x165667B19E3779F9ull;
  h ^= h >> 29;
  if (decode_memo_.empty()) decode_memo_.resize(kDecodeMemoSize);
  DecodeMemo& e = decode_memo_[h & (kDecodeMemoSize - 1)];
  if (e.kind != k || e.batch != b.decode_seqs || e.kv_len != kv_len || e.q_len != b.decode_q) {
    const OpCost c = decode_attention_cost(decode_op(kind, b), *hw_);
    e = DecodeMemo{k,
                   b.decode_seqs,
                   kv_len,
                   b.decode_q,
                   c.seconds,
                   c.work.level(Level::hbm),
                   c.work.total_flops(),
                   c.bound};
  }
  const double n = static_cast<double>(kind.count);
  out.seconds += n * e.seconds;
  out.hbm_bytes += n * e.hbm_bytes;
  out.flops += n * e.flops;
  out.bound_seconds[static_cast<size_t>(e.bound)] += n * e.seconds;
}

void StepModel::layer_attention_ops(const LayerKind& kind, const StepBatch& b, const Emit& emit,
                                    bool decodes) const {
  const hw::HardwareProfile& hw = *hw_;
  const double n = static_cast<double>(kind.count);
  const model::AttentionSpec& a = kind.attention;
  const int64_t hq = a.q_heads / par_.tp;
  const bool mla = a.kind == model::AttentionKind::mla;
  if (decodes && b.decode_seqs > 0)
    emit(decode_names_[kind.rule], n, decode_attention_cost(decode_op(kind, b), hw));
  if (b.prefill_seqs > 0 && b.prefill_tokens > 0) {
    const double seqs = static_cast<double>(b.prefill_seqs);
    const double q = b.prefill_tokens / seqs;
    PrefillAttentionOp p;
    p.batch = b.prefill_seqs;
    p.q_len = std::max<int64_t>(1, ceil_i(q));
    // The per-sequence prefix that reproduces the summed causal pairs.
    const double prefix = std::max(0.0, (b.prefill_pairs[kind.rule] / seqs - q * (q + 1) / 2) / q);
    p.kv_len = p.q_len + ceil_i(prefix);
    p.q_heads = hq;
    p.kv_heads = mla ? hq : std::max<int64_t>(1, kind.values.heads_gpu);
    p.head_dim = a.head_dim;
    emit(prefill_names_[kind.rule], n, prefill_attention_cost(p, hw));
  }
}

}  // namespace kvsim::perf
