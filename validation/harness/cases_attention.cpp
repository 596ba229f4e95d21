// The attention and KV-append cases of the suite.

#include <algorithm>

#include "cases_builder.h"

namespace kvbench {

int64_t paged_pool_blocks(const DecodeShape& s) {
  const int64_t needed = static_cast<int64_t>(s.batch) * ceil_div(s.kv_len, s.block_tokens);
  const KvGeom k{s.dtype, s.dk()}, v{s.dtype, s.dv()};
  const int64_t block_bytes = static_cast<int64_t>(s.block_tokens) * s.cache_heads() *
                              (k.row_bytes() + (s.mla() ? 0 : v.row_bytes()));
  return std::max(4 * needed, ceil_div(int64_t{1} << 30, block_bytes));
}

double decode_device_bytes(const DecodeShape& s) {
  const KvGeom k{s.dtype, s.dk()}, v{s.dtype, s.dv()};
  const int64_t slots = s.block_tokens > 0 ? paged_pool_blocks(s) * s.block_tokens
                                           : static_cast<int64_t>(s.batch) * s.kv_len;
  const double pool = static_cast<double>(slots) * s.cache_heads() *
                      static_cast<double>(k.row_bytes() + (s.mla() ? 0 : v.row_bytes()));
  const double rows = static_cast<double>(s.batch) * s.q_heads;
  const double partial_rows = std::min(rows * static_cast<double>(s.attended() / 256 + 1), 16384.0);
  return pool + rows * (s.dk() + s.dv()) * 2 + partial_rows * (s.dv() + 2) * 4;
}

namespace detail {
namespace {

struct Layout {
  const char* name;
  int32_t q_heads, kv_heads, head_dim, latent, rope;
};

constexpr Layout kDecodeLayouts[] = {
    {"mha", 32, 32, 128, 0, 0},     {"gqa2", 16, 8, 128, 0, 0},
    {"gqa4", 32, 8, 128, 0, 0},     {"gqa8", 64, 8, 128, 0, 0},
    {"gqa16", 128, 8, 128, 0, 0},   {"mqa", 32, 1, 128, 0, 0},
    {"gqa8_d64", 64, 8, 64, 0, 0},  {"gqa2_d256", 16, 8, 256, 0, 0},
    {"mla16", 16, 1, 576, 512, 64}, {"mla128", 128, 1, 576, 512, 64}};

constexpr KvDtype kDtypes[] = {KvDtype::bf16, KvDtype::fp8, KvDtype::int4};

DecodeShape decode_shape(const Layout& l, KvDtype dt, int32_t batch, int32_t kv_len) {
  DecodeShape s;
  s.batch = batch;
  s.kv_len = kv_len;
  s.q_heads = l.q_heads;
  s.kv_heads = l.kv_heads;
  s.head_dim = l.head_dim;
  s.latent_dim = l.latent;
  s.rope_dim = l.rope;
  s.dtype = dt;
  return s;
}

Fields decode_fields(const DecodeShape& s) {
  Fields f = {{"op", "decode_attention"},
              {"batch", std::to_string(s.batch)},
              {"kv_len", std::to_string(s.kv_len)},
              {"q_heads", std::to_string(s.q_heads)},
              {"kv_heads", std::to_string(s.cache_heads())},
              {"head_dim", std::to_string(s.dk())},
              {"kv_dtype", to_string(s.dtype)}};
  if (s.window > 0) f.push_back({"window", std::to_string(s.window)});
  if (s.block_tokens > 0) {
    f.push_back({"block_tokens", std::to_string(s.block_tokens)});
    f.push_back({"placement", s.random_blocks ? "random" : "contiguous"});
  }
  if (s.mla()) {
    f.push_back({"latent_dim", std::to_string(s.latent_dim)});
    f.push_back({"rope_dim", std::to_string(s.rope_dim)});
  }
  return f;
}

void add_decode(Builder& b, Family fam, const DecodeShape& s, const std::string& group) {
  b.add(fam, s.block_tokens > 0 ? "decode_paged_wmma" : "decode_wmma", s, decode_fields(s), group,
        decode_device_bytes(s));
}

}  // namespace

void decode_cases(Builder& b) {
  using Size = std::pair<int32_t, int32_t>;  // batch, kv_len
  const std::vector<Size> sizes =
      b.opt.quick ? std::vector<Size>{{1, 4096}, {32, 4096}}
                  : std::vector<Size>{{1, 1024},  {1, 8192},  {1, 32768}, {1, 131072}, {8, 2048},
                                      {8, 32768}, {32, 8192}, {64, 4096}, {128, 1024}};
  for (const Layout& l : kDecodeLayouts)
    for (KvDtype dt : kDtypes) {
      const std::string group = fmt::format("{}/{}", l.name, to_string(dt));
      for (const auto& [batch, len] : sizes)
        add_decode(b, Family::decode, decode_shape(l, dt, batch, len), group);
      if (b.opt.quick || (std::string(l.name) != "gqa4" && std::string(l.name) != "gqa8")) continue;
      for (int32_t batch : {1, 8}) {
        DecodeShape s = decode_shape(l, dt, batch, 32768);
        s.window = 4096;
        add_decode(b, Family::decode, s, group + "/window");
      }
    }
}

void paged_cases(Builder& b) {
  using Size = std::pair<int32_t, int32_t>;
  const std::vector<Size> sizes =
      b.opt.quick ? std::vector<Size>{{8, 8192}} : std::vector<Size>{{8, 8192}, {32, 32768}};
  const std::vector<int32_t> blocks =
      b.opt.quick ? std::vector<int32_t>{1, 16, 256} : std::vector<int32_t>{1, 4, 16, 64, 256};
  const Layout& gqa8 = kDecodeLayouts[3];
  const Layout& mla = kDecodeLayouts[8];
  const std::pair<const Layout*, KvDtype> combos[] = {
      {&gqa8, KvDtype::bf16}, {&gqa8, KvDtype::fp8}, {&gqa8, KvDtype::int4}, {&mla, KvDtype::bf16}};
  for (const auto& [l, dt] : combos)
    for (int32_t block : blocks)
      for (bool random : {false, true})
        for (const auto& [batch, len] : sizes) {
          DecodeShape s = decode_shape(*l, dt, batch, len);
          s.block_tokens = block;
          s.random_blocks = random;
          add_decode(b, Family::paged_decode, s,
                     fmt::format("{}/{}/{}", l->name, to_string(dt), block));
        }
}

void prefill_cases(Builder& b) {
  struct Size {
    int32_t batch, q_len, kv_len;
    bool causal;
  };
  const std::vector<Size> sizes =
      b.opt.quick ? std::vector<Size>{{1, 2048, 2048, true}, {1, 2048, 8192, true}}
                  : std::vector<Size>{
                        {1, 512, 512, true},     {1, 2048, 2048, true}, {1, 8192, 8192, true},
                        {1, 16384, 16384, true}, {4, 2048, 2048, true}, {1, 2048, 8192, true},
                        {1, 2048, 32768, true},  {1, 512, 65536, true}, {1, 4096, 4096, false}};
  const Layout layouts[] = {{"gqa4", 32, 8, 128, 0, 0},    {"gqa8", 64, 8, 128, 0, 0},
                            {"mha", 32, 32, 128, 0, 0},    {"mqa", 32, 1, 128, 0, 0},
                            {"mha_d64", 32, 32, 64, 0, 0}, {"gqa2_d256", 16, 8, 256, 0, 0}};
  for (const Layout& l : layouts)
    for (const Size& z : sizes) {
      PrefillShape s;
      s.batch = z.batch;
      s.q_len = z.q_len;
      s.kv_len = z.kv_len;
      s.q_heads = l.q_heads;
      s.kv_heads = l.kv_heads;
      s.head_dim = l.head_dim;
      s.causal = z.causal;
      const double q_bytes = static_cast<double>(s.batch) * s.q_len * s.q_heads * s.head_dim * 2;
      const double kv_bytes = static_cast<double>(s.batch) * s.kv_len * s.kv_heads * s.head_dim * 4;
      b.add(Family::prefill, "prefill_wmma", s,
            {{"op", "prefill_attention"},
             {"batch", std::to_string(s.batch)},
             {"q_len", std::to_string(s.q_len)},
             {"kv_len", std::to_string(s.kv_len)},
             {"q_heads", std::to_string(s.q_heads)},
             {"kv_heads", std::to_string(s.kv_heads)},
             {"head_dim", std::to_string(s.head_dim)},
             {"dtype", "bf16"},
             {"causal", s.causal ? "1" : "0"}},
            fmt::format("{}/{}", l.name, s.q_len), 2 * q_bytes + kv_bytes);
    }
}

void append_cases(Builder& b) {
  const Layout layouts[] = {{"gqa8", 64, 8, 128, 0, 0},
                            {"mqa", 32, 1, 128, 0, 0},
                            {"gqa8_d64", 64, 8, 64, 0, 0},
                            {"mla", 128, 1, 576, 512, 64}};
  const std::vector<int32_t> tokens = b.opt.quick ? std::vector<int32_t>{1, 256, 32768}
                                                  : std::vector<int32_t>{1, 16, 256, 4096, 32768};
  for (const Layout& l : layouts)
    for (KvDtype dt : kDtypes)
      for (int32_t t : tokens) {
        AppendShape s;
        s.tokens = t;
        s.kv_heads = l.kv_heads;
        s.head_dim = l.latent > 0 ? l.latent + l.rope : l.head_dim;
        s.latent_dim = l.latent;
        s.rope_dim = l.rope;
        s.dtype = dt;
        Fields f = {{"op", "kv_append"},
                    {"tokens", std::to_string(t)},
                    {"kv_heads", std::to_string(s.cache_heads())},
                    {"head_dim", std::to_string(s.k_dim())},
                    {"kv_dtype", to_string(dt)},
                    {"block_tokens", std::to_string(s.block_tokens)}};
        if (s.mla()) {
          f.push_back({"latent_dim", std::to_string(s.latent_dim)});
          f.push_back({"rope_dim", std::to_string(s.rope_dim)});
        }
        const Counts c = count(s);
        b.add(Family::kv_append, "kv_append_warp", s, f,
              fmt::format("{}/{}", l.name, to_string(dt)), 3 * c.hbm_bytes);
      }
}

}  // namespace detail
}  // namespace kvbench
