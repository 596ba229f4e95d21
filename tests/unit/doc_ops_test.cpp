#include "kvsim/core/doc_ops.h"

#include <gtest/gtest.h>

#include "kvsim/core/parallel.h"
#include "test_util.h"

namespace kvsim::core {
namespace {

TEST(DocOps, JsonRoundTripIsByteForByte) {
  Json j = Json::object();
  j.set("int", int64_t{42})
      .set("neg", int64_t{-7})
      .set("big", int64_t{9007199254740993})
      .set("whole_double", 3.0)
      .set("neg_zero", -0.0)
      .set("tiny", 1.25e-7)
      .set("huge", 3.35e21)
      .set("third", 1.0 / 3.0)
      .set("text", "a \"quoted\" \\ line\nnext\t\x01")
      .set("yes", true)
      .set("no", false)
      .set("nothing", Json())
      .set("empty_list", Json::array())
      .set("empty_map", Json::object())
      .set("nested", Json::array().push(1).push(Json::object().set("k", "v")));
  const std::string text = j.dump();
  EXPECT_EQ(json_from_doc(parse_json(text, "t.json")).dump(), text);
}

TEST(DocOps, YamlScalarsBecomeTypedJson) {
  const Doc d = parse_yaml("a: 1\nb: 1.5\nc: fp8\nd: \"12\"\ne: true\nf: 1e3\n", "y.yaml");
  EXPECT_EQ(json_from_doc(d).dump(),
            "{\n  \"a\": 1,\n  \"b\": 1.5,\n  \"c\": \"fp8\",\n  \"d\": \"12\",\n  \"e\": true,\n"
            "  \"f\": 1000.0\n}\n");
  EXPECT_TRUE(is_json_number("-0.5e+3"));
  EXPECT_FALSE(is_json_number("01"));
  EXPECT_FALSE(is_json_number("1."));
  EXPECT_FALSE(is_json_number("12abc"));
}

TEST(DocOps, MergeLaysMapsOverMapsAndReplacesTheRest) {
  const Doc base = parse_yaml("a: {x: 1, y: {value: 2, source: S}}\nb: [1, 2]\n", "base.yaml");
  const Doc over = parse_yaml("a: {y: 5, z: 6}\nb: [3]\nc: new\n", "over.yaml");
  const Doc m = merge_docs(base, over);
  EXPECT_EQ(doc_inline(m), "{a: {x: 1, y: 5, z: 6}, b: [3], c: new}");
  EXPECT_EQ(m.find("a")->find("y")->loc.file_name(), "over.yaml");
  EXPECT_EQ(m.find("a")->find("x")->loc.file_name(), "base.yaml");
}

TEST(DocOps, SetPathCreatesMapsAndRefusesToDescendIntoScalars) {
  Doc d = parse_yaml("kv: {precision: bf16}\nhardware: h100-sxm\n", "s.yaml");
  const SourceLoc at = SourceLoc::of("s.yaml", 9, 3);
  set_doc_path(d, {"kv", "precision"}, Doc::scalar("fp8", at), at, "sweep.kv.precision");
  set_doc_path(d, {"engine", "replicas"}, Doc::scalar("2", at), at, "sweep.engine.replicas");
  EXPECT_EQ(doc_inline(d), "{kv: {precision: fp8}, hardware: h100-sxm, engine: {replicas: 2}}");
  EXPECT_EQ(d.find("engine")->loc.str(), "s.yaml:9:3");
  const std::string msg = test::input_error([&] {
    set_doc_path(d, {"hardware", "overrides"}, Doc::scalar("1", at), at,
                 "sweep.hardware.overrides");
  });
  EXPECT_NE(msg.find("s.yaml:9:3: error: sweep.hardware.overrides: 'hardware' is 'h100-sxm'"),
            std::string::npos)
      << msg;
  EXPECT_NE(test::input_error([&] { split_key_path("kv..precision", at); }).find("empty segment"),
            std::string::npos);
}

TEST(Parallel, EveryItemOnceWhateverTheThreadCount) {
  for (int threads : {1, 2, 7}) {
    std::vector<int> hits(100, 0);
    parallel_for(hits.size(), threads, [&](size_t i) { hits[i] += 1; });
    for (int h : hits)
      EXPECT_EQ(h, 1);
  }
  EXPECT_THROW(parallel_for(10, 3,
                            [](size_t i) {
                              if (i == 4) throw std::runtime_error("x");
                            }),
               std::runtime_error);
}

}  // namespace
}  // namespace kvsim::core
