// `bailian`: Qwen-Bailian traces (Alibaba, ATC'25), JSON lines with chat_id, parent_chat_id
// (-1 for the first turn of a conversation), timestamp (s), input_length, output_length, type,
// turn and hash_ids over 16-token blocks (each id names a block and every block before it).
//
// Session = the chat_id of the conversation's root: a turn inherits the session of its parent.
// A turn whose parent has not appeared earlier in the file starts a session keyed by the parent's
// chat_id (so it joins its root when the parent is a root that comes later); such turns are
// counted in one note. A repeated chat_id is rejected.

#include <fmt/format.h>

#include <unordered_map>

#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

constexpr int32_t kBlockTokens = 16;

class BailianFormat final : public TraceFormat {
 public:
  int detect(std::string_view first_line) const override {
    const std::optional<core::Doc> obj = json_object(first_line);
    if (!obj || !obj->find("chat_id")) return 0;
    return obj->find("parent_chat_id") ? 20 : 10;
  }

  void read(std::istream& in, const std::string& file, RequestSet& out) const override {
    HashCountCheck hash_check(kBlockTokens, "hash_ids", "input_length");
    std::unordered_map<int64_t, int64_t> session_of;  // chat_id -> session
    int64_t orphans = 0;
    int64_t first_orphan_line = 0;
    std::vector<uint64_t> hashes;
    for_each_jsonl_row(
        in, file,
        {"bailian",
         {"chat_id", "parent_chat_id", "timestamp", "input_length", "output_length", "hash_ids"},
         {}},
        out, [&](const JsonRow& obj, int line) {
          const int64_t chat_id = json_integer(obj, "chat_id", core::IntRange::non_negative());
          const int64_t parent = json_integer(obj, "parent_chat_id", core::IntRange{-1});
          Request r;
          r.arrival_s = json_number(obj, "timestamp", core::Range::non_negative());
          r.input_tokens =
              json_integer(obj, "input_length", core::IntRange::positive(kMaxRequestTokens));
          r.output_tokens =
              json_integer(obj, "output_length", core::IntRange::positive(kMaxRequestTokens));
          hashes.clear();
          json_hashes(obj, require_key(obj, "hash_ids"), "hash_ids", hashes);
          if (parent == chat_id) {
            core::fail_at(
                obj.loc(require_key(obj, "parent_chat_id")),
                fmt::format("parent_chat_id: a turn cannot be its own parent ({})", parent));
          }
          if (session_of.count(chat_id)) {
            core::fail_at(obj.loc(require_key(obj, "chat_id")),
                          fmt::format("chat_id: {} appears more than once", chat_id));
          }
          if (parent == -1) {
            r.session = chat_id;
          } else if (auto it = session_of.find(parent); it != session_of.end()) {
            r.session = it->second;
          } else {
            r.session = parent;
            if (orphans++ == 0) first_orphan_line = line;
          }
          session_of.emplace(chat_id, r.session);
          r.hash_block_tokens = hashes.empty() ? 0 : kBlockTokens;
          r.line = line;
          hash_check.check(r.input_tokens, hashes.size(), line);
          out.add(r, hashes);
        });
    hash_check.note(out);
    if (orphans > 0) {
      out.notes.push_back(fmt::format(
          "{} turns (the first at line {}) name a parent_chat_id not seen earlier in the file; "
          "each was put in a session keyed by that parent's chat_id",
          orphans, first_orphan_line));
    }
  }
};

KVSIM_REGISTER(TraceFormat, "bailian",
               "Qwen-Bailian (ATC'25) JSON lines: chat_id, parent_chat_id, timestamp (s), "
               "input_length, output_length, hash_ids over 16-token blocks",
               [](core::MapReader&) { return std::make_unique<BailianFormat>(); });

}  // namespace
}  // namespace kvsim::workload
