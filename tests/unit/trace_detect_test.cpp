// Format detection from the first line, forcing a format, and the errors of load_trace.

#include <gtest/gtest.h>

#include "kvsim/workload/trace_format.h"
#include "trace_test_util.h"

namespace kvsim::workload {
namespace {

using test::input_error;
using test::load_fixture;
using test::trace_path;

TEST(TraceFormats, AllAreRegistered) {
  EXPECT_EQ(trace_format_names(),
            (std::vector<std::string>{"azure", "bailian", "burstgpt", "mooncake", "native_csv",
                                      "native_jsonl"}));
}

TEST(TraceDetection, EachFixtureIsDetected) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"azure_2024.csv", "azure"},     {"azure_2023_bom_crlf.csv", "azure"},
      {"burstgpt_v1.csv", "burstgpt"}, {"burstgpt_v3.csv", "burstgpt"},
      {"bailian.jsonl", "bailian"},    {"mooncake_bom_crlf.jsonl", "mooncake"},
      {"native.csv", "native_csv"},    {"native.jsonl", "native_jsonl"},
      {"bad_rows.csv", "azure"},       {"bad_rows.jsonl", "mooncake"},
      {"unsorted.csv", "azure"},
  };
  for (const auto& [file, format] : cases) {
    EXPECT_EQ(load_fixture(file).format, format) << file;
  }
}

TEST(TraceDetection, ScoresFirstLines) {
  EXPECT_EQ(detect_trace_format("TIMESTAMP,ContextTokens,GeneratedTokens", "f"), "azure");
  EXPECT_EQ(detect_trace_format("\"TIMESTAMP\", \"ContextTokens\", \"GeneratedTokens\"", "f"),
            "azure");
  EXPECT_EQ(detect_trace_format(
                "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type", "f"),
            "burstgpt");
  EXPECT_EQ(detect_trace_format("arrival_s,input_tokens,output_tokens", "f"), "native_csv");
  EXPECT_EQ(detect_trace_format(R"({"timestamp": 0, "input_length": 1, "output_length": 1,
                                    "hash_ids": []})",
                                "f"),
            "mooncake");
  EXPECT_EQ(detect_trace_format(R"({"chat_id": 1, "parent_chat_id": -1, "timestamp": 0,
                                    "input_length": 1, "hash_ids": []})",
                                "f"),
            "bailian");
  EXPECT_EQ(detect_trace_format(R"({"arrival_s": 0, "input_tokens": 1, "output_tokens": 1})", "f"),
            "native_jsonl");
}

TEST(TraceDetection, NonTraceFileIsAClearError) {
  const std::string path = trace_path("not_a_trace.txt");
  const std::string msg = input_error([&] { load_trace(path); });
  EXPECT_NE(msg.find(path + ":1: error: cannot tell the trace format from the first line "
                            "'Dear reader,'"),
            std::string::npos)
      << msg;
  for (const std::string& name : trace_format_names()) {
    EXPECT_NE(msg.find(name), std::string::npos) << name << " not listed in: " << msg;
  }
  EXPECT_NE(msg.find("force one with --trace-format NAME"), std::string::npos) << msg;
}

TEST(TraceDetection, JsonWithoutKnownKeysAndTruncatedJsonAreNotDetected) {
  EXPECT_NE(input_error([] {
              detect_trace_format(R"({"a": 1})", "x.jsonl");
            }).find("x.jsonl:1: error: cannot tell the trace format"),
            std::string::npos);
  EXPECT_NE(input_error([] {
              detect_trace_format(R"({"timestamp": 0, "input_len)", "x.jsonl");
            }).find("cannot tell the trace format"),
            std::string::npos);
}

TEST(TraceDetection, AmbiguousFirstLineAsksToForce) {
  const std::string msg =
      input_error([] { detect_trace_format(R"({"chat_id": 1, "arrival_s": 0})", "x.jsonl"); });
  EXPECT_NE(msg.find("x.jsonl:1: error: the first line '{\"chat_id\": 1, \"arrival_s\": 0}' "
                     "matches the trace formats bailian, native_jsonl equally well; force one "
                     "with --trace-format NAME"),
            std::string::npos)
      << msg;
}

TEST(TraceDetection, EmptyFileIsAnError) {
  test::TempFile f("empty.csv", "");
  EXPECT_NE(input_error([&] { load_trace(f.path()); }).find(f.path() + ": error: empty file"),
            std::string::npos);
  EXPECT_NE(input_error([&] { load_trace(f.path(), "azure"); }).find("empty file"),
            std::string::npos);
  EXPECT_NE(input_error([&] { load_trace(f.path(), "mooncake"); }).find("empty file"),
            std::string::npos);
}

TEST(TraceLoading, MissingFileAndDirectory) {
  EXPECT_EQ(input_error([] { load_trace("/nonexistent/trace.csv"); }),
            "/nonexistent/trace.csv: error: cannot open file");
  test::TempFile f("x.csv", "");
  EXPECT_NE(input_error([&] { load_trace(f.dir()); }).find("cannot open file: it is a directory"),
            std::string::npos);
}

TEST(TraceLoading, ForcedFormatResolvesAnAmbiguousHeader) {
  test::TempFile f("both.csv",
                   "TIMESTAMP,ContextTokens,GeneratedTokens,arrival_s\n"
                   "2023-11-16 18:15:46,4,3,0\n");
  EXPECT_NE(input_error([&] {
              load_trace(f.path());
            }).find("matches the trace formats azure, native_csv equally well"),
            std::string::npos);
  const RequestSet set = load_trace(f.path(), "azure");
  EXPECT_EQ(set.format, "azure");
  ASSERT_EQ(set.requests.size(), 1u);
  EXPECT_EQ(set.requests[0].input_tokens, 4);
}

TEST(TraceLoading, ForcedFormatWithoutItsColumnsNamesTheColumn) {
  const std::string msg = input_error([] { load_fixture("native.csv", "azure"); });
  EXPECT_NE(msg.find("native.csv:1:1: error: missing column 'TIMESTAMP' required by the azure "
                     "trace format"),
            std::string::npos)
      << msg;
  EXPECT_EQ(load_fixture("native.csv", "native_csv").requests.size(), 3u);
}

TEST(TraceLoading, UnknownForcedFormatSuggestsTheNearest) {
  const std::string msg = input_error([] { load_fixture("native.csv", "azur"); });
  EXPECT_EQ(msg,
            "kvsim: error: --trace-format: unknown trace format 'azur'; did you mean 'azure'? "
            "(known: azure, bailian, burstgpt, mooncake, native_csv, native_jsonl)");
}

TEST(TraceLoading, ForcedJsonFormatOnCsvFailsAtTheFirstLine) {
  const std::string msg = input_error([] { load_fixture("azure_2024.csv", "mooncake"); });
  EXPECT_NE(msg.find("azure_2024.csv:1:1: error: malformed JSON"), std::string::npos) << msg;
}

}  // namespace
}  // namespace kvsim::workload
