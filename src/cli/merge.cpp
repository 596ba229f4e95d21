// kvsim merge OUT.json SHARD.json...: combine the results of `kvsim run --shard i/N` into the
// result a single run writes (byte for byte), plus any other formats asked for.

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/report/run_report.h"
#include "run_output.h"

namespace kvsim::cli {
namespace {

struct MergeFlags {
  std::string out;
  std::vector<std::string> shards;
  std::string format = "json";
};

int run_merge(const MergeFlags& f) {
  const std::vector<std::string> formats = parse_formats(f.format, "--format");
  const std::filesystem::path out(f.out);
  if (out.extension() != ".json")
    core::fail_at(flag_loc(), fmt::format("OUT: '{}' must end in .json", f.out));
  std::vector<core::Doc> docs;
  for (const std::string& s : f.shards)
    docs.push_back(core::load_document_file(s));
  const std::string json = report::merge_runs(docs, f.shards).dump();
  const core::Doc doc = core::parse_json(json, f.out);
  StagedOutputs staged;
  for (const std::string& fmt_name : formats) {
    std::filesystem::path p = out;
    p.replace_extension(fmt_name);
    staged.stage(p.string(), fmt_name == "json" ? json : render_format(doc, fmt_name));
  }
  staged.commit();
  std::cerr << fmt::format("merged {} shard results into {}\n", f.shards.size(), f.out);
  return kExitOk;
}

}  // namespace

Runner add_merge(CLI::App& app) {
  auto f = std::make_shared<MergeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Combine the JSON results of 'kvsim run --shard i/N' into one result");
  cmd->add_option("out", f->out, "merged result to write (.json)")->required();
  cmd->add_option("shards", f->shards, "shard results (JSON), any order")->required();
  cmd->add_option("--format", f->format,
                  "formats to write next to OUT: json, md, csv, html (default json)");
  return [f] { return run_merge(*f); };
}

}  // namespace kvsim::cli
