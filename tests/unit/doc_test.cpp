#include "kvsim/core/doc.h"

#include <gtest/gtest.h>

#include "kvsim/core/json.h"
#include "kvsim/core/reader.h"
#include "kvsim/core/registry.h"
#include "test_util.h"

namespace kvsim::core {
namespace {

using test::input_error;

TEST(ParseYaml, KeepsOneBasedLocationsAndOrder) {
  Doc d = parse_yaml("a: 1\nb:\n  c: hello\n  d: [1, 2]\n", "f.yaml");
  ASSERT_TRUE(d.is_map());
  ASSERT_EQ(d.entries.size(), 2u);
  EXPECT_EQ(d.entries[0].first.text, "a");
  const Doc* c = d.find("b")->find("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->text, "hello");
  EXPECT_EQ(c->loc.str(), "f.yaml:3:6");
  EXPECT_EQ(d.find("b")->find("d")->items.size(), 2u);
}

TEST(ParseYaml, QuotedScalarsAreStrings) {
  Doc d = parse_yaml("a: \"12\"\nb: 12\n", "f.yaml");
  EXPECT_TRUE(d.find("a")->quoted);
  EXPECT_FALSE(d.find("b")->quoted);
}

TEST(ParseYaml, MalformedYamlNamesLineAndColumn) {
  const std::string msg = input_error([] { parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml"); });
  EXPECT_NE(msg.find("bad.yaml:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
}

TEST(ParseYaml, DuplicateKeysAreErrors) {
  const std::string msg = input_error([] { parse_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml"); });
  EXPECT_NE(msg.find("dup.yaml:3:1: error: duplicate key 'a'"), std::string::npos) << msg;
}

TEST(ParseYaml, EmptyTextIsNull) {
  EXPECT_TRUE(parse_yaml("", "e.yaml").is_null());
}

TEST(ParseJson, ParsesValuesWithLocations) {
  Doc d = parse_json("{\n  \"a\": 1.5e3,\n  \"b\": [true, null, \"x\\u00e9\"]\n}", "c.json");
  EXPECT_EQ(d.find("a")->text, "1.5e3");
  EXPECT_EQ(d.find("a")->loc.str(), "c.json:2:8");
  const Doc* b = d.find("b");
  ASSERT_EQ(b->items.size(), 3u);
  EXPECT_EQ(b->items[0].text, "true");
  EXPECT_TRUE(b->items[1].is_null());
  EXPECT_EQ(b->items[2].text, "x\xc3\xa9");
  EXPECT_TRUE(b->items[2].quoted);
}

TEST(ParseJson, RejectsNonStandardJson) {
  for (const char* bad : {"{\"a\": 1,}", "{\"a\": 01}", "{'a': 1}", "{\"a\": 1} x", "", "[1, 2",
                          "{\"a\": NaN}", "// c\n{}", "{\"a\": \"\\x\"}", "{\"a\": 1, \"a\": 2}"}) {
    const std::string msg = input_error([&] { parse_json(bad, "j.json"); });
    EXPECT_NE(msg.find("j.json"), std::string::npos) << bad << " -> " << msg;
  }
}

TEST(ParseJson, RejectsDeepNestingWithoutRecursingForever) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string msg = input_error([&] { parse_json(deep, "deep.json"); });
  EXPECT_NE(msg.find("nesting deeper"), std::string::npos) << msg;
}

TEST(MapReader, UnknownKeySuggestsNearest) {
  Doc d = parse_yaml("capacity_gib: 80\nbandwith_gb_s: 3350\n", "p.yaml");
  const std::string msg = input_error([&] {
    MapReader m(d, "memory.hbm");
    m.number("capacity_gib");
    m.maybe_number("bandwidth_gb_s");
    m.finish();
  });
  EXPECT_NE(msg.find("p.yaml:2:1: error: unknown key 'bandwith_gb_s' in 'memory.hbm'; did you "
                     "mean 'bandwidth_gb_s'?"),
            std::string::npos)
      << msg;
}

TEST(MapReader, TypeAndRangeErrorsNameTheKeyPath) {
  Doc d = parse_yaml("a: abc\nb: -3\nc: .nan\nd: [1]\ne: 2.5\nf: \"7\"\n", "t.yaml");
  MapReader m(d, "x");
  auto err = [&](const std::function<void()>& f) { return input_error(f); };
  EXPECT_NE(err([&] {
              m.number("a");
            }).find("t.yaml:1:4: error: x.a: expected a finite number, got 'abc'"),
            std::string::npos);
  EXPECT_NE(
      err([&] { m.number("b", Range::positive()); }).find("x.b: -3 is out of range: must be > 0"),
      std::string::npos);
  EXPECT_NE(err([&] { m.number("c"); }).find("x.c: expected a finite number"), std::string::npos);
  EXPECT_NE(err([&] { m.integer("d"); }).find("x.d: expected an integer, got a list"),
            std::string::npos);
  EXPECT_NE(err([&] { m.integer("e"); }).find("not a whole number"), std::string::npos);
  EXPECT_NE(err([&] { m.integer("f"); }).find("quoted"), std::string::npos);
  EXPECT_NE(err([&] { m.number("missing"); }).find("missing key 'missing' in 'x'"),
            std::string::npos);
}

TEST(MapReader, TopLevelMustBeAMap) {
  Doc d = parse_yaml("- 1\n- 2\n", "l.yaml");
  EXPECT_NE(
      input_error([&] { MapReader m(d); }).find("the file: expected a map of keys, got a list"),
      std::string::npos);
}

TEST(SpecString, ParsesNameAndParameters) {
  Doc d = parse_spec_string("int4:group_size=64, zero_point=false", "--kv-dtype");
  EXPECT_EQ(d.find("impl")->text, "int4");
  EXPECT_EQ(d.find("group_size")->text, "64");
  EXPECT_EQ(d.find("zero_point")->text, "false");
  EXPECT_NE(input_error([] {
              parse_spec_string("int4:group_size", "--kv-dtype");
            }).find("kvsim: error: --kv-dtype: expected key=value"),
            std::string::npos);
  EXPECT_NE(input_error([] { parse_spec_string(":a=1", "--x"); }).find("expected NAME"),
            std::string::npos);
}

TEST(Json, SerialisesDeterministically) {
  Json j = Json::object();
  j.set("b", 1).set("a", 2.5).set("s", "q\"x").set("n", Json()).set("l", Json::array().push(true));
  j.set("big", 1e20).set("whole", 3.0);
  const std::string expected =
      "{\n  \"b\": 1,\n  \"a\": 2.5,\n  \"s\": \"q\\\"x\",\n  \"n\": null,\n  \"l\": [\n    true\n "
      " ],\n"
      "  \"big\": 1e+20,\n  \"whole\": 3.0\n}\n";
  EXPECT_EQ(j.dump(), expected);
  // And it parses back as JSON.
  EXPECT_NO_THROW(parse_json(j.dump(), "round.json"));
}

TEST(Json, RefusesNonFiniteNumbers) {
  Json j = Json::object();
  j.set("x", std::numeric_limits<double>::quiet_NaN());
  EXPECT_THROW(j.dump(), RuntimeError);
}

}  // namespace
}  // namespace kvsim::core
