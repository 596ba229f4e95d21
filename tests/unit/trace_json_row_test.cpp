// JsonRow (the in-place JSON-lines scanner) must accept and reject exactly what core::parse_json
// does, with the same values and the same error messages and locations.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/workload/json_row.h"

namespace kvsim::workload {
namespace {

const auto kFile = std::make_shared<const std::string>("rows.jsonl");

// Parses `text` both ways and compares the outcome; returns whether it parsed.
bool same_as_parse_json(const std::string& text) {
  std::string doc_error;
  core::Doc doc;
  try {
    doc = core::parse_json(text, *kFile, 7);
  } catch (const core::InputError& e) {
    doc_error = e.what();
  }
  std::string row_error;
  JsonRow row;
  try {
    row.parse(text, kFile, 7);
  } catch (const core::InputError& e) {
    row_error = e.what();
  }
  EXPECT_EQ(row_error, doc_error) << text;
  if (!doc_error.empty() || !row_error.empty()) return false;
  EXPECT_EQ(row.is_object(), doc.is_map()) << text;
  EXPECT_EQ(row.loc(row.top()).str(), doc.loc.str()) << text;
  if (!doc.is_map()) return true;
  EXPECT_EQ(row.size(), doc.entries.size()) << text;
  for (size_t i = 0; i < std::min(row.size(), doc.entries.size()); ++i) {
    const auto& [k, v] = doc.entries[i];
    EXPECT_EQ(row.key(i), k.text) << text;
    EXPECT_EQ(row.key_loc(i).str(), k.loc.str()) << text;
    const JsonValue& rv = row.value(i);
    const core::Doc as_doc = row.doc(rv);
    EXPECT_EQ(as_doc.kind, v.kind) << text;
    EXPECT_EQ(as_doc.text, v.text) << text;
    EXPECT_EQ(as_doc.quoted, v.quoted) << text;
    EXPECT_EQ(as_doc.loc.str(), v.loc.str()) << text;
    if (v.is_sequence()) {
      const auto items = row.items(rv);
      EXPECT_EQ(items.size(), v.items.size()) << text;
      for (size_t j = 0; j < std::min(items.size(), v.items.size()); ++j) {
        EXPECT_EQ(row.doc(items[j]).text, v.items[j].text) << text;
        EXPECT_EQ(row.doc(items[j]).kind, v.items[j].kind) << text;
        EXPECT_EQ(row.loc(items[j]).str(), v.items[j].loc.str()) << text;
      }
    }
  }
  return true;
}

TEST(JsonRow, AgreesWithParseJsonOnHandPickedLines) {
  const std::vector<std::string> valid = {
      R"({"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2]})",
      R"(  {"a":1,"b":[],"c":"x","d":true,"e":false,"f":null,"g":-0.5e+3}  )",
      R"({})",
      R"({"s": "caf\u00e9 \"quoted\" \\ \n"})",     // escapes: parsed by parse_json
      R"({"nested": {"a": [1, [2, 3]]}, "n": 1})",  // nested values: parsed by parse_json
      R"({"list": [1, "two", null, true, {"x": 1}]})",
      R"([1, 2, 3])",
      R"(42)",
      "{\"tab\":\t1 ,\r\"cr\" : 2}",
  };
  for (const std::string& t : valid)
    EXPECT_TRUE(same_as_parse_json(t)) << t;
  const std::vector<std::string> invalid = {
      R"({"a": 01})",
      R"({"a": 1,})",
      R"({"a": 1 "b": 2})",
      R"({"a": 1, "a": 2})",
      R"({"a": [1, 2,]})",
      R"({"a": .5})",
      R"({"a": 1.})",
      R"({"a": 1e})",
      R"({"a": tru})",
      R"({"a": "x)",
      R"({"a": 1} x)",
      R"({a: 1})",
      R"({"a": [1 2]})",
      R"({"a": -})",
      R"({"a": +1})",
      R"({"a": NaN})",
      R"({"timestamp": 11, "input_length": 512, "output_len)",
      "{\"a\": \"ctl\x01\"}",
      "\xEF\xBB\xBF{}",
  };
  for (const std::string& t : invalid)
    EXPECT_FALSE(same_as_parse_json(t)) << t;
}

TEST(JsonRow, AgreesWithParseJsonOnMutatedLines) {
  // Single-character deletions, insertions and replacements of real-looking rows.
  const std::vector<std::string> seeds = {
      R"({"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, 48, 3197]})",
      R"({"chat_id": 159, "parent_chat_id": -1, "timestamp": 61.114, "input_length": 521, "output_length": 132, "type": "text", "turn": 1, "hash_ids": [1089, 1090]})",
      R"({"arrival_s": 1.5e-3, "input_tokens": 10, "output_tokens": 2, "session": 0, "hash_ids": []})",
  };
  const std::string alphabet = "{}[]:,\"\\ 0123456789-+.eEtrufalsn\t\x01";
  uint64_t s = 42;
  auto next = [&s](uint64_t n) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>((s >> 33) % n);
  };
  int parsed = 0;
  int failed = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string t = seeds[next(seeds.size())];
    const int edits = 1 + static_cast<int>(next(2));
    for (int e = 0; e < edits; ++e) {
      const size_t pos = next(t.size());
      switch (next(3)) {
        case 0:
          t.erase(pos, 1);
          break;
        case 1:
          t.insert(pos, 1, alphabet[next(alphabet.size())]);
          break;
        default:
          t[pos] = alphabet[next(alphabet.size())];
      }
    }
    (same_as_parse_json(t) ? parsed : failed)++;
    if (HasFailure()) break;
  }
  // Both outcomes must have been exercised many times.
  EXPECT_GT(parsed, 1000);
  EXPECT_GT(failed, 1000);
}

TEST(JsonRow, ReusesItsBuffersAcrossRows) {
  JsonRow row;
  const std::string a = R"({"x": [1, 2, 3], "y": "a"})";
  const std::string b = R"({"y": "b\u0041"})";  // slow path
  const std::string c = R"({"x": [9]})";
  row.parse(a, kFile, 1);
  EXPECT_EQ(row.items(*row.find("x")).size(), 3u);
  row.parse(b, kFile, 2);
  EXPECT_EQ(row.find("x"), nullptr);
  EXPECT_EQ(row.find("y")->text, "bA");
  EXPECT_EQ(row.loc(*row.find("y")).str(), "rows.jsonl:2:7");
  row.parse(c, kFile, 3);
  ASSERT_EQ(row.items(*row.find("x")).size(), 1u);
  EXPECT_EQ(row.items(*row.find("x"))[0].text, "9");
  EXPECT_EQ(row.find("y"), nullptr);
}

}  // namespace
}  // namespace kvsim::workload
