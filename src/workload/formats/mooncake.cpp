// `mooncake`: Mooncake traces (kvcache-ai/Mooncake, FAST'25), JSON lines
// {"timestamp": ms, "input_length": tokens, "output_length": tokens, "hash_ids": [...]}.
// Each hash id names one 512-token block of the prompt together with every block before it; ids
// are global across the trace, so they become the request's prefix hashes as given. A row whose
// hash count is not ceil(input_length / 512) is kept and counted in one note.

#include <fmt/format.h>

#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

constexpr int32_t kBlockTokens = 512;

class MooncakeFormat final : public TraceFormat {
 public:
  int detect(std::string_view first_line) const override {
    const std::optional<core::Doc> obj = json_object(first_line);
    if (!obj || obj->find("chat_id")) return 0;
    return obj->find("timestamp") && obj->find("input_length") && obj->find("hash_ids") ? 10 : 0;
  }

  void read(std::istream& in, const std::string& file, RequestSet& out) const override {
    HashCountCheck hash_check(kBlockTokens, "hash_ids", "input_length");
    std::vector<uint64_t> hashes;
    for_each_jsonl_row(
        in, file, {"mooncake", {"timestamp", "input_length", "output_length", "hash_ids"}, {}}, out,
        [&](const JsonRow& obj, int line) {
          Request r;
          r.arrival_s = json_number(obj, "timestamp", core::Range::non_negative()) / 1000.0;
          r.input_tokens =
              json_integer(obj, "input_length", core::IntRange::positive(kMaxRequestTokens));
          r.output_tokens =
              json_integer(obj, "output_length", core::IntRange::positive(kMaxRequestTokens));
          hashes.clear();
          json_hashes(obj, require_key(obj, "hash_ids"), "hash_ids", hashes);
          r.hash_block_tokens = hashes.empty() ? 0 : kBlockTokens;
          r.line = line;
          hash_check.check(r.input_tokens, hashes.size(), line);
          out.add(r, hashes);
        });
    hash_check.note(out);
  }
};

KVSIM_REGISTER(TraceFormat, "mooncake",
               "Mooncake (FAST'25) JSON lines: timestamp (ms), input_length, output_length, "
               "hash_ids over 512-token blocks",
               [](core::MapReader&) { return std::make_unique<MooncakeFormat>(); });

}  // namespace
}  // namespace kvsim::workload
