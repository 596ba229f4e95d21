// kvsim run [SCENARIO.yaml]: the main job. With no scenario, the built-in default. Also the engine
// of `kvsim compare` (the same run with a hardware axis).

#include "kvsim/scenario/run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "cli.h"
#include "kvsim/core/doc_ops.h"
#include "kvsim/report/capacity_report.h"
#include "kvsim/report/run_report.h"
#include "run_output.h"

namespace kvsim::cli {
namespace {

void progress_bar(int64_t done, int64_t total) {
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / std::max<int64_t>(total, 1));
  std::cerr << fmt::format("\r[{}{}] {}/{} points", std::string(static_cast<size_t>(filled), '#'),
                           std::string(static_cast<size_t>(kWidth - filled), ' '), done, total)
            << (done == total ? "\n" : "") << std::flush;
}

// More points than --max-points: ask on a terminal, else refuse (exit 2) unless --yes.
void confirm_size(const scenario::ScenarioFile& file, int64_t points, int64_t max_points,
                  bool yes) {
  if (points <= max_points || yes) return;
  const core::SourceLoc at = file.axes.empty() ? flag_loc() : file.axes.front().loc;
  const std::string what =
      fmt::format("the sweep has {} points, more than --max-points {}", points, max_points);
  if (::isatty(0) && ::isatty(2)) {
    std::cerr << fmt::format("kvsim: {}. Run them all? [y/N] ", what) << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "y" || answer == "Y" || answer == "yes") return;
  }
  core::fail_at(at, what + "; pass --yes to run them (or raise --max-points)");
}

std::pair<int64_t, int64_t> parse_shard(const std::string& text) {
  if (text.empty()) return {1, 1};
  const size_t slash = text.find('/');
  if (slash == std::string::npos)
    core::fail_at(flag_loc(), fmt::format("--shard: '{}' is not i/N (e.g. 3/8)", text));
  const int64_t n =
      parse_int_flag("--shard", text.substr(slash + 1), core::IntRange::positive(1 << 20));
  const int64_t i = parse_int_flag("--shard", text.substr(0, slash), core::IntRange{1, n});
  return {i, n};
}

std::string output_stem(const scenario::ScenarioFile& file, int64_t shard, int64_t shards) {
  return shards > 1 ? fmt::format("{}.shard-{}-of-{}", file.name, shard, shards) : file.name;
}

int run_file(scenario::ScenarioFile file, const RunFlags& f, const std::string& command) {
  const auto [shard, shards] = parse_shard(f.shard);
  const int threads = f.threads.empty()
                          ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
                          : static_cast<int>(parse_int_flag("--threads", f.threads,
                                                            core::IntRange::positive(1024)));
  const int64_t max_points =
      parse_int_flag("--max-points", f.max_points, core::IntRange::positive());
  std::vector<std::string> formats;
  if (!f.format.empty()) formats = parse_formats(f.format, "--format");
  if (f.json && (!f.format.empty() || !f.out.empty()))
    core::fail_at(flag_loc(), "--json prints JSON to stdout; use --format json with --out instead");
  if (formats.empty() && !f.out.empty()) formats = parse_formats("json,md,csv,html", "--format");

  const int64_t total = file.point_count();
  confirm_size(file, static_cast<int64_t>(scenario::shard_points(total, shard, shards).size()),
               max_points, f.yes);
  scenario::RunOptions o;
  o.threads = threads;
  o.shard_index = shard;
  o.shard_count = shards;
  if (::isatty(2)) o.progress = progress_bar;
  const scenario::RunResults results = scenario::run_scenario(file, o);

  const report::RunMeta meta{command, shard, shards};
  const std::string json = report::run_json(file, results, meta).dump();
  const core::Doc doc = core::parse_json(json, "<run>");
  int64_t failed = 0;
  for (const scenario::PointResult& p : results.points) {
    if (!p.ok()) {
      ++failed;
      std::cerr << fmt::format("kvsim: point {} failed: {}\n", file.point_id(p.index), p.error);
    }
  }
  if (f.json) {
    std::cout << json;
  } else if (formats.empty()) {
    std::cout << fmt::format("scenario: {}{}\n", file.name,
                             file.description.empty() ? "" : " — " + file.description);
    if (results.points.size() == 1 && results.points[0].capacity) {
      const scenario::Scenario& s = *results.points[0].spec;
      std::cout << report::capacity_text(*results.points[0].capacity,
                                         {s.model, s.hardware, s.parallelism, s.memory})
                << "\n";
    }
    std::cout << report::run_markdown(doc);
  } else {
    const std::string dir = f.out.empty() ? "." : f.out;
    const std::string stem = output_stem(file, shard, shards);
    StagedOutputs out;
    std::vector<std::string> written;
    for (const std::string& fmt_name : formats) {
      const std::string path = (std::filesystem::path(dir) / (stem + "." + fmt_name)).string();
      out.stage(path, fmt_name == "json" ? json : render_format(doc, fmt_name));
      written.push_back(path);
    }
    out.commit();
    for (const std::string& p : written)
      std::cerr << "wrote " << p << "\n";
  }
  // Every point failing is bad input (e.g. TP that never divides the heads), unless this is one
  // shard of many: its slice may hold only failing points while the sweep as a whole is fine.
  if (shards == 1 && failed > 0 && failed == static_cast<int64_t>(results.points.size()))
    return kExitBadInput;
  return kExitOk;
}

}  // namespace

void RunFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--out", out, "write reports to this directory (default formats: all)");
  cmd.add_option("--format", format,
                 "comma-separated report formats: json, md, csv, html (files <name>.<format>; "
                 "without --out, in the current directory)");
  cmd.add_option("--threads", threads, "points run at once (default: the CPU count)");
  cmd.add_option("--shard", shard,
                 "run only shard i of N (1-based): every N-th point from the i-th; combine "
                 "shards with 'kvsim merge'");
  cmd.add_option("--max-points", max_points,
                 "ask before running more points than this (default 256)");
  cmd.add_flag("--yes,-y", yes, "run even when the sweep has more than --max-points points");
  cmd.add_flag("--json", json, "print the JSON result to stdout");
}

int run_scenario_command(const RunFlags& f, const std::string& command,
                         const std::vector<std::string>& compare_hardware) {
  scenario::ScenarioFile file = scenario::read_scenario_file(f.scenario);
  if (!compare_hardware.empty()) {
    scenario::set_hardware_axis(file, compare_hardware, flag_loc());
    file.compare_hardware = compare_hardware;
  }
  return run_file(std::move(file), f, command);
}

Runner add_run(CLI::App& app) {
  auto f = std::make_shared<RunFlags>();
  CLI::App* cmd =
      app.add_subcommand("run", "Run a scenario (the built-in default when none is given)");
  cmd->add_option("scenario", f->scenario, "scenario YAML file");
  f->add_to(*cmd);
  return [f] { return run_scenario_command(*f, "run", {}); };
}

}  // namespace kvsim::cli
