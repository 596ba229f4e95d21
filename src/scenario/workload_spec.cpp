#include "kvsim/scenario/workload_spec.h"

#include <fmt/format.h>

#include <filesystem>

#include "kvsim/core/doc_ops.h"
#include "kvsim/core/reader.h"
#include "kvsim/workload/generator.h"
#include "kvsim/workload/trace_format.h"

namespace kvsim::scenario {

namespace fs = std::filesystem;

WorkloadSpec parse_workload(const core::Doc& node, const std::string& scenario_file,
                            const std::string& path) {
  core::MapReader m(node, path);
  WorkloadSpec w;
  w.loc = node.loc;
  const core::Doc* trace = m.find("trace");
  const core::Doc* gen = m.find("generator");
  m.finish();
  if ((trace == nullptr) == (gen == nullptr))
    m.fail_here("give exactly one of 'trace' (a file) and 'generator' (a synthetic workload)");
  if (gen) {
    if (!gen->is_map()) core::MapReader(*gen, path + ".generator");  // reports "expected a map"
    w.generator = *gen;
    return w;
  }
  core::MapReader t(*trace, path + ".trace");
  const core::Doc& file = t.require("file");
  w.file_loc = file.loc;
  std::string f = core::read_string(file, t.key_path("file"));
  const bool builtin = scenario_file.rfind("<builtin>/", 0) == 0;
  if (!fs::path(f).is_absolute() && !builtin && !scenario_file.empty())
    f = (fs::path(scenario_file).parent_path() / f).lexically_normal().string();
  std::error_code ec;
  if (!fs::is_regular_file(f, ec)) {
    core::fail_at(file.loc,
                  fmt::format("{}: trace file '{}' not found{}", t.key_path("file"), f,
                              builtin ? " (paths in the built-in scenario are not "
                                        "resolved; copy it to a file)"
                                      : " (relative paths are relative to the scenario)"));
  }
  w.trace_file = f;
  if (const core::Doc* fmt_node = t.find("format")) {
    w.trace_format = core::read_string(*fmt_node, t.key_path("format"));
    try {
      workload::find_trace_format(w.trace_format);
    } catch (const core::InputError& e) {
      core::fail_at(fmt_node->loc, fmt::format("{}: {}", t.key_path("format"), e.message()));
    }
  }
  w.window.start_s = t.maybe_number("start_s", core::Range::non_negative()).value_or(0);
  w.window.duration_s = t.maybe_number("duration_s", core::Range::positive()).value_or(0);
  w.window.max_requests = t.maybe_integer("max_requests", core::IntRange::positive()).value_or(0);
  w.window.rate_scale = t.maybe_number("rate_scale", core::Range{0, 1e6, true}).value_or(1);
  t.finish();
  return w;
}

std::string WorkloadSpec::key() const {
  if (trace_file.empty()) return "generator " + core::json_from_doc(generator).dump();
  return fmt::format("trace {} {} {}", trace_file, trace_format, window.describe());
}

workload::RequestSet WorkloadSpec::load() const {
  workload::RequestSet set;
  if (trace_file.empty()) {
    set = workload::generate_workload(generator, "workload.generator");
  } else {
    try {
      set = workload::load_trace(trace_file, trace_format);
    } catch (const core::InputError& e) {
      // A reader error names the trace file and line; keep it, and say which key chose the file.
      if (e.loc().file_name() == trace_file) throw;
      core::fail_at(file_loc, fmt::format("workload.trace.file: {}", e.message()));
    }
    workload::apply_window(set, window);
  }
  if (set.requests.empty()) {
    core::fail_at(loc, fmt::format("workload: no requests to replay ({} rows read, {} rejected; "
                                   "window: {})",
                                   set.rows_read, set.rejected_count, window.describe()));
  }
  return set;
}

std::shared_ptr<const workload::RequestSet> WorkloadCache::get(const WorkloadSpec& spec) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = entries_[spec.key()];
    if (!slot) slot = std::make_shared<Entry>();
    e = slot;
  }
  std::call_once(e->once, [&] {
    try {
      e->set = std::make_shared<const workload::RequestSet>(spec.load());
    } catch (...) {
      e->error = std::current_exception();
    }
  });
  if (e->error) std::rethrow_exception(e->error);
  return e->set;
}

}  // namespace kvsim::scenario
