// The run result as a whole: header, points, planning and comparison; merging shard results.

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "kvsim/core/doc_ops.h"
#include "kvsim/report/run_report.h"
#include "kvsim/version.h"

namespace kvsim::report {
namespace {

struct Parts {
  std::string command;
  core::Json scenario, axes;
  int64_t points = 0;
  int64_t shard_index = 1, shard_count = 1;
  core::Json compare_hardware;  ///< null when not comparing
  core::Json point_list = core::Json::array();
  core::Json planning;  ///< null when none
  std::string version = KVSIM_VERSION;
};

// The one place that lays out the top level, so a merged result equals a single run's.
core::Json assemble(Parts p) {
  core::Json sweep = core::Json::object();
  sweep.set("axes", std::move(p.axes)).set("points", p.points);
  sweep.set("shard", core::Json::object().set("index", p.shard_index).set("count", p.shard_count));
  if (!p.compare_hardware.is_null()) sweep.set("compare_hardware", std::move(p.compare_hardware));
  core::Json j = core::Json::object();
  j.set("schema_version", kRunSchemaVersion).set("kvsim_version", p.version);
  j.set("command", p.command).set("scenario", std::move(p.scenario)).set("sweep", std::move(sweep));
  j.set("points", std::move(p.point_list));
  if (!p.planning.is_null()) j.set("planning", std::move(p.planning));
  if (p.shard_count == 1 && j.get("sweep")->get("compare_hardware")) {
    const core::Doc doc = core::parse_json(j.dump(), "<run>");
    j.set("compare", compare_json(doc));
  }
  return j;
}

std::string text_of(const core::Doc* d) {
  return d ? core::json_from_doc(*d).dump() : "null";
}

}  // namespace

double doc_number(const core::Doc* node, double fallback) {
  if (!node || !node->is_scalar() || node->quoted || !core::is_json_number(node->text))
    return fallback;
  return std::strtod(node->text.c_str(), nullptr);
}

const core::Doc* doc_at(const core::Doc& root, const std::string& path) {
  const core::Doc* d = &root;
  size_t start = 0;
  while (d) {
    const size_t dot = path.find('.', start);
    d = d->find(path.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return d;
}

core::Json run_json(const scenario::ScenarioFile& file, const scenario::RunResults& r,
                    const RunMeta& meta) {
  Parts p;
  p.command = meta.command;
  p.scenario = core::Json::object()
                   .set("name", file.name)
                   .set("description", file.description)
                   .set("file", file.file);
  p.axes = core::Json::array();
  for (const scenario::SweepAxis& a : file.axes) {
    core::Json values = core::Json::array();
    for (const scenario::SweepValue& v : a.values)
      values.push(!v.named && v.value.is_scalar() ? core::json_from_doc(v.value)
                                                  : core::Json(v.label));
    p.axes.push(core::Json::object().set("key", a.key).set("values", std::move(values)));
  }
  p.points = file.point_count();
  p.shard_index = meta.shard_index;
  p.shard_count = meta.shard_count;
  if (!file.compare_hardware.empty()) {
    p.compare_hardware = core::Json::array();
    for (const std::string& h : file.compare_hardware)
      p.compare_hardware.push(h);
  }
  for (const scenario::PointResult& pt : r.points)
    p.point_list.push(point_json(file, pt));
  if (r.planning) p.planning = *r.planning;
  return assemble(std::move(p));
}

core::Json merge_runs(const std::vector<core::Doc>& shards, const std::vector<std::string>& files) {
  if (shards.empty()) throw core::InputError(core::SourceLoc::of("kvsim"), "merge: no shard files");
  auto fail = [&](size_t i, const std::string& what) {
    core::fail_at(core::SourceLoc::of(files[i]), "merge: " + what);
  };
  std::map<int64_t, size_t> by_index;
  const core::Doc& first = shards[0];
  int64_t count = 0;
  for (size_t i = 0; i < shards.size(); ++i) {
    const core::Doc& d = shards[i];
    if (!d.is_map() || doc_number(d.find("schema_version"), -1) != kRunSchemaVersion ||
        !doc_at(d, "sweep.shard.index") || !d.find("points")) {
      fail(i, fmt::format("not a kvsim run result of schema_version {}", kRunSchemaVersion));
    }
    for (const char* key : {"kvsim_version", "command", "scenario", "sweep.axes", "sweep.points",
                            "sweep.shard.count", "sweep.compare_hardware"}) {
      if (text_of(doc_at(d, key)) != text_of(doc_at(first, key))) {
        fail(i, fmt::format("'{}' differs from {} ({} vs {})", key, files[0],
                            text_of(doc_at(d, key)), text_of(doc_at(first, key))));
      }
    }
    count = static_cast<int64_t>(doc_number(doc_at(d, "sweep.shard.count")));
    const auto index = static_cast<int64_t>(doc_number(doc_at(d, "sweep.shard.index")));
    if (index < 1 || index > count) fail(i, fmt::format("shard index {} of {}", index, count));
    if (by_index.count(index))
      fail(i, fmt::format("shard {} also given as {}", index, files[by_index[index]]));
    by_index[index] = i;
  }
  for (int64_t k = 1; k <= count; ++k) {
    if (!by_index.count(k)) {
      throw core::InputError(core::SourceLoc::of("kvsim"),
                             fmt::format("merge: shard {} of {} is missing", k, count));
    }
  }
  std::vector<const core::Doc*> points;
  for (const auto& [index, i] : by_index) {
    for (const core::Doc& p : shards[i].find("points")->items)
      points.push_back(&p);
  }
  auto id = [](const core::Doc* p) { return p->find("id") ? p->find("id")->text : ""; };
  std::sort(points.begin(), points.end(),
            [&](const core::Doc* a, const core::Doc* b) { return id(a) < id(b); });
  const auto total = static_cast<int64_t>(doc_number(doc_at(first, "sweep.points")));
  for (size_t k = 1; k < points.size(); ++k) {
    if (id(points[k]) == id(points[k - 1]))
      throw core::InputError(core::SourceLoc::of("kvsim"),
                             "merge: point " + id(points[k]) + " appears twice");
  }
  if (static_cast<int64_t>(points.size()) != total) {
    throw core::InputError(
        core::SourceLoc::of("kvsim"),
        fmt::format("merge: {} points in the shards, the sweep has {}", points.size(), total));
  }
  Parts p;
  p.command = first.find("command")->text;
  p.version = first.find("kvsim_version")->text;
  p.scenario = core::json_from_doc(*first.find("scenario"));
  p.axes = core::json_from_doc(*doc_at(first, "sweep.axes"));
  p.points = total;
  if (const core::Doc* c = doc_at(first, "sweep.compare_hardware"))
    p.compare_hardware = core::json_from_doc(*c);
  for (const core::Doc* pt : points)
    p.point_list.push(core::json_from_doc(*pt));
  if (const core::Doc* plan = shards[by_index[1]].find("planning"))
    p.planning = core::json_from_doc(*plan);
  return assemble(std::move(p));
}

core::Json compare_json(const core::Doc& run) {
  struct Row {
    std::string hardware;
    const core::Doc* best = nullptr;
    double usd = 0;
  };
  std::vector<Row> rows;
  const core::Doc* list = doc_at(run, "sweep.compare_hardware");
  const core::Doc* points = run.find("points");
  if (!list || !points) return core::Json();
  for (const core::Doc& h : list->items) {
    Row row{h.text};
    for (const core::Doc& p : points->items) {
      const core::Doc* hw = doc_at(p, "params.hardware");
      const core::Doc* usd = doc_at(p, "metrics.cost_per_mtok");
      if (!hw || hw->text != h.text || doc_number(doc_at(p, "metrics.slo_met")) != 1) continue;
      if (!usd || usd->is_null()) continue;
      const double v = doc_number(usd);
      if (!row.best || v < row.usd) {
        row.best = &p;
        row.usd = v;
      }
    }
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if ((a.best == nullptr) != (b.best == nullptr)) return a.best != nullptr;
    return a.best && a.usd < b.usd;
  });
  core::Json ranking = core::Json::array();
  int64_t rank = 0;
  for (const Row& r : rows) {
    core::Json e = core::Json::object();
    e.set("rank", r.best ? core::Json(++rank) : core::Json()).set("hardware", r.hardware);
    if (!r.best) {
      ranking.push(
          e.set("point", core::Json()).set("usd_per_mtok", core::Json()).set("slo_met", false));
      continue;
    }
    const core::Doc& p = *r.best;
    auto copy = [&](const char* key, const std::string& path) {
      const core::Doc* d = doc_at(p, path);
      e.set(key, d ? core::json_from_doc(*d) : core::Json());
    };
    copy("point", "id");
    copy("label", "label");
    copy("hardware_name", "deployment.hardware_name");
    copy("usd_per_mtok", "metrics.cost_per_mtok");
    copy("usd_per_mtok_input", "cost.usd_per_mtok_input");
    copy("usd_per_mtok_output", "cost.usd_per_mtok_output");
    copy("usd_per_request", "metrics.cost_per_request");
    copy("usd_per_hour", "cost.usd_per_hour");
    copy("gpus", "deployment.gpus");
    copy("tp", "deployment.tp");
    copy("pp", "deployment.pp");
    copy("replicas", "deployment.replicas");
    copy("ttft_p99", "metrics.ttft_p99");
    copy("tpot_p99", "metrics.tpot_p99");
    e.set("slo_met", true);
    ranking.push(std::move(e));
  }
  return core::Json::object().set("metric", "usd_per_mtok").set("ranking", std::move(ranking));
}

}  // namespace kvsim::report
