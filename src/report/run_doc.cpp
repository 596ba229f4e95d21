#include "kvsim/report/run_doc.h"

#include <fmt/format.h>

#include "kvsim/core/reader.h"

namespace kvsim::report {
namespace {

using core::Doc;
using core::MapReader;

/// A value on one line, for labels: scalars as written, lists as [a, b], maps as {k: v}.
std::string inline_text(const Doc& d) {
  std::string out;
  switch (d.kind) {
    case Doc::Kind::null:
      return "null";
    case Doc::Kind::scalar:
      return d.text;
    case Doc::Kind::sequence:
      for (const Doc& item : d.items)
        out += (out.empty() ? "" : ", ") + inline_text(item);
      return "[" + out + "]";
    case Doc::Kind::map:
      for (const auto& [k, v] : d.entries)
        out += (out.empty() ? "" : ", ") + k.text + ": " + inline_text(v);
      return "{" + out + "}";
  }
  return out;
}

/// A number that must be present but may be null.
std::optional<double> nullable_number(MapReader& m, std::string_view key) {
  const Doc& v = m.require(key);
  if (v.is_null()) return std::nullopt;
  return core::read_number(v, m.key_path(key));
}

const Doc& sequence(MapReader& m, std::string_view key) {
  const Doc& v = m.require(key);
  if (!v.is_sequence())
    core::fail_at(v.loc, fmt::format("{}: expected a list, got {}", m.key_path(key), v.describe()));
  return v;
}

std::string item_path(const MapReader& m, std::string_view key, size_t i) {
  return fmt::format("{}[{}]", m.key_path(key), i);
}

LatencyView read_latency(MapReader m) {
  LatencyView l;
  l.n = m.integer("n", core::IntRange::non_negative());
  l.mean = m.number("mean");
  l.p50 = m.number("p50");
  l.p90 = m.number("p90");
  l.p99 = m.number("p99");
  l.max = m.number("max");
  const Doc& cdf = sequence(m, "cdf");
  for (size_t i = 0; i < cdf.items.size(); ++i) {
    const Doc& pair = cdf.items[i];
    const std::string what = item_path(m, "cdf", i);
    if (!pair.is_sequence() || pair.items.size() != 2)
      core::fail_at(pair.loc,
                    fmt::format("{}: expected [value_s, fraction], got {}", what, pair.describe()));
    l.cdf.emplace_back(core::read_number(pair.items[0], what + "[0]"),
                       core::read_number(pair.items[1], what + "[1]", {0.0, 1.0}));
  }
  return l;
}

ReplayView read_replay(MapReader m) {
  ReplayView r;
  MapReader lat = m.map("latency_s");
  r.ttft = read_latency(lat.map("ttft"));
  r.tpot = read_latency(lat.map("tpot"));
  r.e2e = read_latency(lat.map("e2e"));
  r.kv_budget_bytes = m.map("kv").number("budget_bytes");
  const Doc& tl = sequence(m, "timeline");
  for (size_t i = 0; i < tl.items.size(); ++i) {
    MapReader b(tl.items[i], item_path(m, "timeline", i));
    r.timeline.push_back(
        {b.number("t_s"), b.number("used_bytes_mean"), b.number("used_bytes_peak")});
  }
  return r;
}

RooflineView read_roofline(MapReader m) {
  RooflineView r;
  r.hardware = m.string("hardware");
  MapReader c = m.map("ceilings");
  r.hbm_bytes_per_s = c.number("hbm_bytes_per_s", core::Range::non_negative());
  r.l2_bytes_per_s = c.number("l2_bytes_per_s", core::Range::non_negative());
  MapReader peaks = c.map("peak_flops");
  for (const auto& [k, v] : peaks.doc().entries)
    r.peak_flops.emplace_back(k.text, peaks.number(k.text, core::Range::non_negative()));
  const Doc& ops = sequence(m, "operators");
  for (size_t i = 0; i < ops.items.size(); ++i) {
    MapReader o(ops.items[i], item_path(m, "operators", i));
    r.operators.push_back({o.string("name"), o.string("phase"), o.string("bound"),
                           o.number("flops", core::Range::non_negative()),
                           o.number("hbm_bytes", core::Range::non_negative()),
                           o.number("time_s", core::Range::non_negative())});
  }
  return r;
}

CostView read_cost(MapReader m) {
  CostView c;
  c.usd_per_gpu_hour = m.number("usd_per_gpu_hour");
  c.gpus = m.integer("gpus", core::IntRange::non_negative());
  c.usd_per_hour = m.number("usd_per_hour");
  c.usd_per_mtok_input = nullable_number(m, "usd_per_mtok_input");
  c.usd_per_mtok_output = nullable_number(m, "usd_per_mtok_output");
  c.usd_per_mtok = nullable_number(m, "usd_per_mtok");
  c.usd_per_request = nullable_number(m, "usd_per_request");
  return c;
}

SloView read_slo(MapReader m) {
  SloView s;
  s.ttft_s = nullable_number(m, "ttft_s");
  s.tpot_s = nullable_number(m, "tpot_s");
  s.ttft_percentile = m.number("ttft_percentile", {0.0, 100.0});
  s.tpot_percentile = m.number("tpot_percentile", {0.0, 100.0});
  s.met = m.boolean("met");
  return s;
}

void read_ok_point(MapReader& m, RunPoint& p) {
  MapReader d = m.map("deployment");
  p.model = d.string("model");
  p.hardware = d.string("hardware");
  p.hardware_name = d.string("hardware_name");
  p.tp = d.integer("tp", core::IntRange::positive());
  p.pp = d.integer("pp", core::IntRange::positive());
  p.replicas = d.integer("replicas", core::IntRange::positive());
  p.gpus = d.integer("gpus", core::IntRange::positive());
  MapReader mem = m.map("memory").map("per_gpu");
  p.memory.capacity_bytes = mem.number("capacity_bytes", core::Range::non_negative());
  p.memory.weights_bytes = mem.number("weights_bytes", core::Range::non_negative());
  p.memory.activations_bytes = mem.number("activations_bytes", core::Range::non_negative());
  p.memory.runtime_reserved_bytes =
      mem.number("runtime_reserved_bytes", core::Range::non_negative());
  p.memory.kv_budget_bytes = mem.number("kv_budget_bytes");
  p.memory.peak_kv_used_bytes = nullable_number(mem, "peak_kv_used_bytes");
  // A point that answered only its capacity question has no replay and what follows from it.
  if (auto r = m.maybe_map("replay")) p.replay = read_replay(*r);
  if (auto r = m.maybe_map("roofline")) p.roofline = read_roofline(*r);
  if (auto c = m.maybe_map("cost")) p.cost = read_cost(*c);
  if (auto s = m.maybe_map("slo")) p.slo = read_slo(*s);
  if (auto metrics = m.maybe_map("metrics")) {
    for (const auto& [k, v] : metrics->doc().entries) {
      std::optional<double> value;
      if (!v.is_null()) value = core::read_number(v, metrics->key_path(k.text));
      p.metrics.push_back({k.text, value, v.loc});
    }
  }
}

RunPoint read_point(const Doc& node, const std::string& path) {
  MapReader m(node, path);
  RunPoint p;
  p.loc = node.loc;
  p.id = m.string("id");
  p.label = m.string("label");
  for (const auto& [k, v] : m.map("params").doc().entries)
    p.params.emplace_back(k.text, inline_text(v));
  p.status = m.string("status");
  if (p.status == "error") {
    p.error = m.string("error");
  } else if (p.status == "ok") {
    read_ok_point(m, p);
  } else {
    m.fail("status", fmt::format("expected \"ok\" or \"error\", got \"{}\"", p.status));
  }
  return p;
}

std::vector<CompareEntry> read_compare(const Doc& node) {
  // Either the ranking list itself or an object holding it under "ranking".
  const Doc* list = &node;
  std::string path = "compare";
  if (node.is_map()) {
    MapReader m(node, path);
    list = &sequence(m, "ranking");
    path = "compare.ranking";
  } else if (!node.is_sequence()) {
    core::fail_at(node.loc, "compare: expected a list or a map, got " + node.describe());
  }
  std::vector<CompareEntry> out;
  for (size_t i = 0; i < list->items.size(); ++i) {
    MapReader e(list->items[i], fmt::format("{}[{}]", path, i));
    CompareEntry c;
    c.hardware = e.string("hardware");
    c.point = e.maybe_string("point").value_or("");
    c.usd_per_mtok = e.maybe_number("usd_per_mtok");
    c.gpus = e.maybe_integer("gpus", core::IntRange::non_negative()).value_or(0);
    c.slo_met = e.maybe_boolean("slo_met").value_or(false);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

const Metric* RunPoint::metric(std::string_view name) const {
  for (const Metric& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const RunPoint* RunDoc::find(std::string_view id) const {
  for (const RunPoint& p : points) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

RunDoc read_run_doc(const core::Doc& doc) {
  MapReader m(doc);
  RunDoc r;
  r.file = doc.loc.file_name();
  r.schema_version = m.integer("schema_version");
  if (r.schema_version != kRunDocSchemaVersion) {
    m.fail("schema_version",
           fmt::format("version {} is not supported: this kvsim reads run results of version {}",
                       r.schema_version, kRunDocSchemaVersion));
  }
  r.kvsim_version = m.string("kvsim_version");
  r.command = m.string("command");
  MapReader s = m.map("scenario");
  r.scenario_name = s.string("name");
  r.scenario_description = s.maybe_string("description").value_or("");
  r.scenario_file = s.maybe_string("file").value_or("");
  MapReader sw = m.map("sweep");
  const Doc& axes = sequence(sw, "axes");
  for (size_t i = 0; i < axes.items.size(); ++i) {
    MapReader a(axes.items[i], item_path(sw, "axes", i));
    SweepAxis axis{a.string("key"), {}};
    for (const Doc& v : sequence(a, "values").items)
      axis.values.push_back(inline_text(v));
    r.axes.push_back(std::move(axis));
  }
  r.sweep_points = sw.integer("points", core::IntRange::non_negative());
  if (auto shard = sw.maybe_map("shard")) {
    r.shard_index = shard->integer("index", core::IntRange::positive());
    r.shard_count = shard->integer("count", core::IntRange::positive());
  }
  const Doc& points = sequence(m, "points");
  for (size_t i = 0; i < points.items.size(); ++i) {
    RunPoint p = read_point(points.items[i], fmt::format("points[{}]", i));
    if (r.find(p.id) != nullptr) {
      core::fail_at(points.items[i].loc,
                    fmt::format("points[{}].id: duplicate point id '{}'", i, p.id));
    }
    r.points.push_back(std::move(p));
  }
  if (const Doc* c = m.find("compare"); c != nullptr && !c->is_null()) r.compare = read_compare(*c);
  return r;
}

RunDoc load_run_doc(const std::string& path) {
  return read_run_doc(core::parse_json(core::read_text_file(path), path));
}

}  // namespace kvsim::report
