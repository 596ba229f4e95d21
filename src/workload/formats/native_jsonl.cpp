// `native_jsonl`: kvsim's own JSON-lines trace format (documented in scenarios/traces/README.md),
// one object per line with the keys of native_csv:
//   {"arrival_s": 0.5, "input_tokens": 1200, "output_tokens": 80, "session": 3,
//    "hash_ids": [11, 12, 13], "hash_block_tokens": 512}
// arrival_s (s, >= 0), input_tokens and output_tokens (>= 1) are required; session (>= 0),
// hash_ids (a list of unsigned integers) and hash_block_tokens (>= 1, required with a non-empty
// hash_ids) are optional. Any other key is an error.

#include <fmt/format.h>

#include <limits>

#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

class NativeJsonlFormat final : public TraceFormat {
 public:
  int detect(std::string_view first_line) const override {
    const std::optional<core::Doc> obj = json_object(first_line);
    return obj && obj->find("arrival_s") ? 10 : 0;
  }

  void read(std::istream& in, const std::string& file, RequestSet& out) const override {
    const JsonlSchema schema{
        "native_jsonl",
        {"arrival_s", "input_tokens", "output_tokens"},
        {"arrival_s", "input_tokens", "output_tokens", "session", "hash_ids", "hash_block_tokens"}};
    std::vector<uint64_t> hashes;
    for_each_jsonl_row(in, file, schema, out, [&](const JsonRow& obj, int line) {
      Request r;
      r.arrival_s = json_number(obj, "arrival_s", core::Range::non_negative());
      r.input_tokens =
          json_integer(obj, "input_tokens", core::IntRange::positive(kMaxRequestTokens));
      r.output_tokens =
          json_integer(obj, "output_tokens", core::IntRange::positive(kMaxRequestTokens));
      if (obj.find("session")) {
        r.session = json_integer(obj, "session", core::IntRange::non_negative());
      }
      hashes.clear();
      if (const JsonValue* h = obj.find("hash_ids")) json_hashes(obj, *h, "hash_ids", hashes);
      int64_t block = 0;
      if (obj.find("hash_block_tokens")) {
        block = json_integer(obj, "hash_block_tokens",
                             core::IntRange::positive(std::numeric_limits<int32_t>::max()));
      }
      if (!hashes.empty()) {
        if (block == 0) {
          core::fail_at(obj.loc(obj.top()),
                        "missing key 'hash_block_tokens' (required with hash_ids)");
        }
        r.hash_block_tokens = static_cast<int32_t>(block);
      }
      r.line = line;
      out.add(r, hashes);
    });
  }
};

KVSIM_REGISTER(TraceFormat, "native_jsonl",
               "kvsim JSON lines: arrival_s, input_tokens, output_tokens[, session, hash_ids, "
               "hash_block_tokens]",
               [](core::MapReader&) { return std::make_unique<NativeJsonlFormat>(); });

}  // namespace
}  // namespace kvsim::workload
