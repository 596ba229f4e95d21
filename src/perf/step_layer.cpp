// The operators of one transformer layer kind within a step (per GPU), from the batch aggregates.

#include <fmt/format.h>

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
  if (f.name == "fp16")
    op.dtype = GemmDtype::fp16;
  else if (f.name == "fp8")
    op.dtype = GemmDtype::fp8;
  else if (f.name == "fp8_block128") {
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

void StepModel::add_layer_kind_cost(const Stage& st, const LayerKind& kind, const StepBatch& b,
                                    StepCost& out) const {
  (void)st;
  const model::ModelSpec& m = *model_;
  const hw::HardwareProfile& hw = *hw_;
  const double n = static_cast<double>(kind.count);
  const int64_t tp = par_.tp;
  const int64_t t = ceil_i(b.new_tokens());
  const model::AttentionSpec& a = kind.attention;
  const int64_t hq = a.q_heads / tp;
  const bool mla = a.kind == model::AttentionKind::mla;
  const model::WeightFormat& wf = m.weights;

  // Projections.
  if (mla) {
    const int64_t nope = a.head_dim - a.rope_dim;
    if (a.q_lora_rank > 0) {
      add(out, "q_a_proj", n, gemm_cost(gemm_for(t, a.q_lora_rank, m.hidden, wf), hw));
      add(out, "q_b_proj", n, gemm_cost(gemm_for(t, hq * a.head_dim, a.q_lora_rank, wf), hw));
    } else {
      add(out, "q_proj", n, gemm_cost(gemm_for(t, hq * a.head_dim, m.hidden, wf), hw));
    }
    add(out, "kv_a_proj", n, gemm_cost(gemm_for(t, a.latent_dim + a.rope_dim, m.hidden, wf), hw));
    // Absorbed decode path: per head, q_nope -> latent and latent -> v through kv_b's halves.
    add(out, "kv_b_absorb", n, gemm_cost(gemm_for(t, hq * a.latent_dim, nope, wf), hw));
    add(out, "v_absorb", n, gemm_cost(gemm_for(t, hq * a.v_head_dim, a.latent_dim, wf), hw));
  } else {
    const int64_t n_qkv = hq * a.head_dim + kind.values.heads_gpu * (a.head_dim + a.v_head_dim);
    add(out, "qkv_proj", n, gemm_cost(gemm_for(t, n_qkv, m.hidden, wf), hw));
  }
  add(out, "o_proj", n, gemm_cost(gemm_for(t, m.hidden, hq * a.v_head_dim, wf), hw));
  add(out, "rotary", n,
      elementwise_cost(rotary_op(t, (hq + kind.values.heads_gpu) * (mla ? a.rope_dim : a.head_dim)),
                       hw));

  // Attention over the cache.
  const std::string kv_dtype = policy_.precision->name();
  const std::string rule = rules_[kind.rule].describe();
  if (b.decode_seqs > 0) {
    DecodeAttentionOp d;
    d.batch = b.decode_seqs;
    d.kv_len = std::max<int64_t>(
        1, ceil_i(b.decode_attended[kind.rule] / static_cast<double>(b.decode_seqs)));
    d.q_heads = hq;
    d.kv_heads = mla ? 1 : kind.values.heads_gpu;
    d.head_dim = a.head_dim;
    d.kv_dtype = kv_dtype;
    d.q_len = b.decode_q;
    d.block_tokens = policy_.allocation->block_tokens();
    if (mla) {
      d.latent_dim = a.latent_dim;
      d.rope_dim = a.rope_dim;
    }
    add(out, "decode_attention[" + rule + "]", n, decode_attention_cost(d, hw));
  }
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
    add(out, "prefill_attention[" + rule + "]", n, prefill_attention_cost(p, hw));
  }
  if (kind.stores_kv) {
    add(out, "kv_append", n,
        elementwise_cost(kv_append_op(t, kind.values.per_token_gpu, kind.kv_bytes_per_token,
                                      policy_.precision->dequant_flops_per_value()),
                         hw));
  }

  // Norms, residual adds and the tensor-parallel all-reduces after attention and after the MLP.
  add(out, "norm", n * static_cast<double>(kind.norm_vectors),
      elementwise_cost(rmsnorm_op(t, m.hidden), hw));
  add(out, "residual_add", 2 * n, elementwise_cost(residual_op(t, m.hidden), hw));
  if (tp > 1) {
    const CollectiveOp ar{CollectiveKind::all_reduce, static_cast<double>(t * m.hidden) * 2, tp,
                          LinkKind::scale_up};
    add(out, "tp_all_reduce", 2 * n, collective_cost(ar, hw));
  }

  // MLP or mixture of experts.
  const model::MlpSpec& mlp = kind.mlp;
  const int64_t up_width = mlp.gated ? 2 : 1;
  if (!mlp.is_moe()) {
    const int64_t inter = (mlp.intermediate + tp - 1) / tp;
    add(out, "mlp_up", n, gemm_cost(gemm_for(t, up_width * inter, m.hidden, wf), hw));
    add(out, "mlp_act", n, elementwise_cost(gated_activation_op(t, inter), hw));
    add(out, "mlp_down", n, gemm_cost(gemm_for(t, m.hidden, inter, wf), hw));
    return;
  }
  add(out, "moe_router", n, gemm_cost(GemmOp{t, mlp.experts, m.hidden, GemmDtype::bf16}, hw));
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
  add(out, "moe_expert_up", n * experts_here,
      gemm_cost(gemm_for(me, up_width * inter, m.hidden, ef), hw));
  add(out, "moe_expert_down", n * experts_here, gemm_cost(gemm_for(me, m.hidden, inter, ef), hw));
  add(out, "moe_act", n,
      elementwise_cost(
          gated_activation_op(ceil_i(static_cast<double>(t) * k / (ep ? par_.ep : 1)), inter), hw));
  if (mlp.shared_experts > 0) {
    const int64_t shared = (mlp.shared_experts * mlp.intermediate + tp - 1) / tp;
    add(out, "moe_shared_up", n, gemm_cost(gemm_for(t, up_width * shared, m.hidden, wf), hw));
    add(out, "moe_shared_down", n, gemm_cost(gemm_for(t, m.hidden, shared, wf), hw));
  }
}

}  // namespace kvsim::perf
