// `empirical`: samples drawn uniformly (with replacement) from a list of observed lengths, given
// as exactly one of
//   values: [120, 480, 2048]        integers in [1, 2^40], sampled uniformly by position
//                                   (repeat a value to weight it);
//   trace: PATH, field: input|output
//                                   the prompt (`input`) or output lengths of every request of a
//                                   trace read by workload::load_trace (format auto-detected). A
//                                   relative PATH is looked up next to the file holding the spec
//                                   first, then in the working directory.
#include <fmt/format.h>

#include <filesystem>

#include "kvsim/workload/generator.h"
#include "kvsim/workload/trace_format.h"

namespace kvsim::workload {
namespace {

class Empirical : public LengthDistribution {
 public:
  Empirical(std::vector<int64_t> values, std::string origin)
      : values_(std::move(values)), origin_(std::move(origin)) {}
  std::string describe() const override { return fmt::format("empirical({})", origin_); }
  int64_t sample(Rng& rng) const override { return values_[rng.below(values_.size())]; }

 private:
  std::vector<int64_t> values_;  // non-empty, each in [1, kMaxLength]
  std::string origin_;
};

std::string resolve_next_to(const std::string& value, const core::SourceLoc& loc) {
  namespace fs = std::filesystem;
  const std::string& spec_file = loc.file_name();
  if (fs::path(value).is_absolute() || spec_file.empty() || spec_file.front() == '<' ||
      spec_file.front() == '-') {
    return value;  // no spec file to be next to (built-in, a flag, or a pseudo-name)
  }
  const fs::path candidate = fs::path(spec_file).parent_path() / value;
  std::error_code ec;
  return fs::exists(candidate, ec) ? candidate.string() : value;
}

std::vector<int64_t> read_values(core::MapReader& p, const core::Doc& node) {
  const std::string path = p.key_path("values");
  if (!node.is_sequence() || node.items.empty()) {
    core::fail_at(node.loc, fmt::format("{}: expected a non-empty list of lengths, got {}", path,
                                        node.describe()));
  }
  std::vector<int64_t> values;
  values.reserve(node.items.size());
  for (size_t i = 0; i < node.items.size(); ++i) {
    values.push_back(core::read_integer(node.items[i], fmt::format("{}[{}]", path, i),
                                        core::IntRange::positive(LengthDistribution::kMaxLength)));
  }
  return values;
}

std::vector<int64_t> read_trace(core::MapReader& p, const core::Doc& trace_node) {
  const std::string field = p.string("field");
  if (field != "input" && field != "output") {
    p.fail("field", fmt::format("'{}' is not a trace field: use 'input' or 'output'", field));
  }
  const std::string file =
      resolve_next_to(core::read_string(trace_node, p.key_path("trace")), trace_node.loc);
  const RequestSet trace = load_trace(file);
  if (trace.requests.empty()) {
    p.fail("trace", fmt::format("'{}' has no usable requests to sample lengths from", file));
  }
  std::vector<int64_t> values;
  values.reserve(trace.requests.size());
  for (const Request& r : trace.requests) {
    const int64_t v = field == "input" ? r.input_tokens : r.output_tokens;
    if (v < 1 || v > LengthDistribution::kMaxLength) {
      p.fail("trace", fmt::format("'{}': request {} has {} {} tokens (must be in [1, {}])", file,
                                  r.id, v, field, LengthDistribution::kMaxLength));
    }
    values.push_back(v);
  }
  return values;
}

std::unique_ptr<LengthDistribution> make(core::MapReader& p) {
  const core::Doc* values_node = p.find("values");
  const core::Doc* trace_node = p.find("trace");
  const core::Doc* field_node = p.find("field");
  p.finish();  // a misspelt key explains a missing one best
  if ((values_node != nullptr) == (trace_node != nullptr)) {
    p.fail_here(
        "give exactly one of 'values' (a list of lengths) or 'trace' (a trace file, with "
        "'field')");
  }
  if (values_node) {
    if (field_node) p.fail("field", "only applies to 'trace', not to 'values'");
    std::vector<int64_t> values = read_values(p, *values_node);
    std::string origin = fmt::format("{} values", values.size());
    return std::make_unique<Empirical>(std::move(values), std::move(origin));
  }
  std::vector<int64_t> values = read_trace(p, *trace_node);
  std::string origin = fmt::format("trace={}, field={}, {} values", trace_node->text,
                                   field_node->text, values.size());
  return std::make_unique<Empirical>(std::move(values), std::move(origin));
}

KVSIM_REGISTER(
    LengthDistribution, "empirical",
    "uniform draws from `values: [...]`, or from a `trace` file's `field` (input|output)", make);

}  // namespace
}  // namespace kvsim::workload
