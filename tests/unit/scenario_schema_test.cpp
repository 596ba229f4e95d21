// scenarios/scenario.schema.json and the parser agree: every key the parser accepts is in the
// schema and every key in the schema is accepted. The parser's keys are read from its own error
// for an unknown key ("valid keys: ..."), so the test follows the parser, not a copy of its list.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "kvsim/core/doc_ops.h"
#include "kvsim/core/registry.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/scenario/sweep.h"
#include "kvsim/serve/router.h"
#include "kvsim/serve/scheduler.h"
#include "kvsim/workload/generator.h"
#include "kvsim/workload/trace_format.h"
#include "test_util.h"

namespace kvsim::scenario {
namespace {

const char* kFull = R"(name: t
description: every section
model: llama-3.1-8b
hardware: {profile: h100-sxm, overrides: {}}
parallelism: {tp: 1, pp: 1, ep: 1}
kv: {precision: bf16}
engine: {memory_utilization: 0.9, max_num_seqs: 8}
workload:
  generator:
    requests: 4
    arrival: {impl: poisson, rate: 1}
    input: {impl: fixed, tokens: 16}
    output: {impl: fixed, tokens: 4}
    sessions: {turns: {impl: fixed, tokens: 1}, think_s: {impl: fixed, tokens: 1}}
    system_prompts: {count: 1, tokens: 16}
slo: {ttft_s: 1}
pricing: {usd_per_gpu_hour: 1, energy: {usd_per_kwh: 0.1, pue: 1.2}}
capacity: {context: 1024}
plan: {min_gpus: {rate_rps: 1}, max_rate: {tp: 1}}
sweep: {kv.precision: [bf16]}
)";

const char* kTrace = R"(name: t
model: llama-3.1-8b
hardware: h100-sxm
workload: {trace: {file: FILE}}
)";

std::set<std::string> keys_of(const core::Doc& node) {
  std::set<std::string> out;
  for (const auto& [k, v] : node.entries)
    out.insert(k.text);
  return out;
}

// The valid keys the parser lists when `path` gets an unknown key.
std::set<std::string> parser_keys(std::string yaml, const std::vector<std::string>& path) {
  core::Doc doc = core::parse_yaml(yaml, "s.yaml");
  std::vector<std::string> p = path;
  p.push_back("qqqqqqqqqqqqqqqq");
  const core::SourceLoc at = core::SourceLoc::of("s.yaml", 1, 1);
  core::set_doc_path(doc, p, core::Doc::scalar("1", at), at, "test");
  const std::string msg = test::input_error([&] {
    const ScenarioFile f = scenario_file_from_doc(doc, "s.yaml");
    const Scenario s = f.point(0);
    if (s.workload) s.workload->load();
  });
  std::smatch m;
  const std::regex list("valid keys: ([^)]*)\\)");
  EXPECT_TRUE(std::regex_search(msg, m, list)) << msg;
  std::set<std::string> out;
  const std::string s = m[1].str();
  for (size_t start = 0; start < s.size();) {
    const size_t comma = s.find(", ", start);
    out.insert(s.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

const core::Doc& schema() {
  static const core::Doc d =
      core::load_document_file(std::string(KVSIM_SOURCE_DIR) + "/scenarios/scenario.schema.json");
  return d;
}

const core::Doc& props(const std::string& pointer) {
  const core::Doc* d = &schema();
  size_t start = 1;
  while (start < pointer.size()) {
    const size_t slash = pointer.find('/', start);
    const std::string part =
        pointer.substr(start, slash == std::string::npos ? slash : slash - start);
    d = d->is_sequence() ? &d->items.at(std::stoul(part)) : d->find(part);
    EXPECT_NE(d, nullptr) << pointer;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return *d->find("properties");
}

TEST(ScenarioSchema, EveryObjectMatchesTheParser) {
  struct Case {
    std::vector<std::string> path;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {{}, ""},
      {{"hardware"}, "/properties/hardware/oneOf/1"},
      {{"parallelism"}, "/properties/parallelism"},
      {{"kv"}, "/$defs/kv"},
      {{"workload"}, "/properties/workload"},
      {{"workload", "generator"}, "/$defs/generator"},
      {{"workload", "generator", "sessions"}, "/$defs/generator/properties/sessions"},
      {{"workload", "generator", "system_prompts"}, "/$defs/generator/properties/system_prompts"},
      {{"slo"}, "/properties/slo"},
      {{"pricing"}, "/properties/pricing"},
      {{"pricing", "energy"}, "/properties/pricing/properties/energy"},
      {{"capacity"}, "/properties/capacity"},
      {{"plan"}, "/properties/plan"},
      {{"plan", "min_gpus"}, "/properties/plan/properties/min_gpus"},
      {{"plan", "max_rate"}, "/properties/plan/properties/max_rate"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pointer);
    EXPECT_EQ(parser_keys(kFull, c.path), keys_of(props(c.pointer)));
  }
  EXPECT_EQ(parser_keys(std::string(kFull) + "compare: {hardware: [h100-sxm]}\n", {"compare"}),
            keys_of(props("/properties/compare")));
  // engine: the scenario's own keys plus the serving engine's.
  std::set<std::string> engine = parser_keys(kFull, {"engine"});
  engine.insert("memory_utilization");
  engine.insert("runtime_reserve_gib");
  EXPECT_EQ(engine, keys_of(props("/properties/engine")));
  // workload.trace, with a real file.
  std::string trace = kTrace;
  trace.replace(trace.find("FILE"), 4,
                std::string(KVSIM_SOURCE_DIR) + "/scenarios/traces/azure_conv_2023_sample.csv");
  EXPECT_EQ(parser_keys(trace, {"workload", "trace"}),
            keys_of(props("/properties/workload/properties/trace")));
}

std::set<std::string> schema_enum(const std::string& def) {
  std::set<std::string> out;
  for (const core::Doc& v :
       schema().find("$defs")->find(def)->find("oneOf")->items[0].find("enum")->items)
    out.insert(v.text);
  return out;
}

template <class I>
std::set<std::string> registered() {
  const auto n = core::Registry<I>::instance().names();
  return {n.begin(), n.end()};
}

TEST(ScenarioSchema, PluginNamesMatchTheRegistries) {
  EXPECT_EQ(schema_enum("attention"), registered<kv::AttentionLayout>());
  EXPECT_EQ(schema_enum("precision"), registered<kv::Precision>());
  EXPECT_EQ(schema_enum("retention"), registered<kv::Retention>());
  EXPECT_EQ(schema_enum("sharing"), registered<kv::Sharing>());
  EXPECT_EQ(schema_enum("allocation"), registered<kv::Allocation>());
  EXPECT_EQ(schema_enum("tier"), registered<kv::Tier>());
  EXPECT_EQ(schema_enum("scheduler"), registered<serve::Scheduler>());
  EXPECT_EQ(schema_enum("router"), registered<serve::Router>());
  EXPECT_EQ(schema_enum("arrival"), registered<workload::ArrivalProcess>());
  EXPECT_EQ(schema_enum("length"), registered<workload::LengthDistribution>());
  std::set<std::string> formats;
  for (const core::Doc& v :
       props("/properties/workload/properties/trace").find("format")->find("enum")->items)
    formats.insert(v.text);
  const auto names = workload::trace_format_names();
  EXPECT_EQ(formats, std::set<std::string>(names.begin(), names.end()));
  EXPECT_EQ(keys_of(props("/$defs/kv")),
            std::set<std::string>(kv::kv_question_keys().begin(), kv::kv_question_keys().end()));
}

}  // namespace
}  // namespace kvsim::scenario
