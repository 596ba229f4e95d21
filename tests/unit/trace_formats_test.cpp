// Each trace format on its hand-written fixture (tests/data/traces/), with exact expected values.

#include <gtest/gtest.h>

#include "trace_test_util.h"

namespace kvsim::workload {
namespace {

using test::arrivals;
using test::hashes;
using test::inputs;
using test::lines;
using test::load_fixture;
using test::outputs;
using test::rejections;
using test::sessions;
using V = std::vector<int64_t>;
using H = std::vector<uint64_t>;

void expect_arrivals(const RequestSet& set, const std::vector<double>& expected) {
  ASSERT_EQ(set.requests.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(set.requests[i].arrival_s, expected[i], 1e-12) << "request " << i;
  }
}

TEST(AzureTrace, Release2024MicrosecondsOffsetsAndWholeSeconds) {
  const RequestSet set = load_fixture("azure_2024.csv");
  EXPECT_EQ(set.format, "azure");
  expect_arrivals(set, {0.0, 0.996, 1.496, 1.996001});
  EXPECT_EQ(inputs(set), (V{1024, 2048, 17, 4}));
  EXPECT_EQ(outputs(set), (V{32, 1, 250, 8}));
  EXPECT_EQ(sessions(set), (V{-1, -1, -1, -1}));
  EXPECT_EQ(lines(set), (V{2, 3, 4, 5}));
  EXPECT_EQ(set.rows_read, 4);
  EXPECT_EQ(set.rejected_count, 0);
  EXPECT_TRUE(set.notes.empty());
  EXPECT_TRUE(set.hashes.empty());
  for (const Request& r : set.requests)
    EXPECT_EQ(r.hash_block_tokens, 0);
}

TEST(AzureTrace, Release2023WithBomCrlfAndNoTrailingNewline) {
  const RequestSet set = load_fixture("azure_2023_bom_crlf.csv");
  EXPECT_EQ(set.format, "azure");
  expect_arrivals(set, {0.0, 4.31901, 4.3194101});
  EXPECT_EQ(inputs(set), (V{374, 396, 879}));
  EXPECT_EQ(outputs(set), (V{44, 109, 19}));
  EXPECT_EQ(set.rejected_count, 0);
}

TEST(AzureTrace, SubMicrosecondGapsSurviveFarFromTheEpoch) {
  // 100 ns apart in 2023: a double of seconds since 1970 could not hold this gap exactly.
  test::TempFile f("t.csv",
                   "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                   "2023-11-16 18:15:46.0000000,1,1\n"
                   "2023-11-16 18:15:46.0000001,1,1\n");
  const RequestSet set = load_trace(f.path());
  EXPECT_DOUBLE_EQ(set.requests[1].arrival_s, 1e-7);
}

TEST(MooncakeTrace, BomCrlfMillisecondsAndHashes) {
  const RequestSet set = load_fixture("mooncake_bom_crlf.jsonl");
  EXPECT_EQ(set.format, "mooncake");
  expect_arrivals(set, {0.0, 1.5});
  EXPECT_EQ(inputs(set), (V{1024, 513}));
  EXPECT_EQ(outputs(set), (V{7, 9}));
  EXPECT_EQ(hashes(set, 0), (H{5, 6}));
  EXPECT_EQ(hashes(set, 1), (H{5, 8}));
  EXPECT_EQ(set.requests[0].hash_block_tokens, 512);
  EXPECT_EQ(set.rejected_count, 0) << testing::PrintToString(rejections(set));
  EXPECT_TRUE(set.notes.empty());
}

TEST(BurstGptTrace, ReleaseOneRejectsFailedRequests) {
  const RequestSet set = load_fixture("burstgpt_v1.csv");
  EXPECT_EQ(set.format, "burstgpt");
  expect_arrivals(set, {0.0, 113.0, 125.5});
  EXPECT_EQ(inputs(set), (V{472, 417, 1360}));
  EXPECT_EQ(outputs(set), (V{18, 276, 158}));
  EXPECT_EQ(sessions(set), (V{-1, -1, -1}));
  EXPECT_EQ(set.rows_read, 4);
  EXPECT_EQ(set.rejected_count, 1);
  ASSERT_EQ(set.rejected.size(), 1u);
  EXPECT_EQ(set.rejected[0].line, 3);
  EXPECT_EQ(set.rejected[0].reason, "failed request (Response tokens is 0)");
  ASSERT_EQ(set.notes.size(), 1u);
  EXPECT_NE(set.notes[0].find("1 failed requests"), std::string::npos) << set.notes[0];
}

TEST(BurstGptTrace, ReleaseThreeSessions) {
  const RequestSet set = load_fixture("burstgpt_v3.csv");
  EXPECT_EQ(set.format, "burstgpt");
  expect_arrivals(set, {0.0, 3.25, 7.0, 9.5});
  EXPECT_EQ(inputs(set), (V{120, 200, 50, 300}));
  EXPECT_EQ(outputs(set), (V{35, 40, 10, 99}));
  // Session IDs 1001 and 1003 become sessions 0 and 1 (1002 only failed); an empty ID is none.
  EXPECT_EQ(sessions(set), (V{0, 0, -1, 1}));
  EXPECT_EQ(lines(set), (V{2, 4, 5, 6}));
  ASSERT_EQ(set.rejected.size(), 1u);
  EXPECT_EQ(set.rejected[0].line, 3);
  EXPECT_EQ(set.rejected[0].reason, "failed request (Response tokens is 0)");
}

TEST(BailianTrace, ConversationsFollowTheirRoot) {
  const RequestSet set = load_fixture("bailian.jsonl");
  EXPECT_EQ(set.format, "bailian");
  expect_arrivals(set, {0.0, 0.5, 5.25, 20.0});
  EXPECT_EQ(inputs(set), (V{40, 20, 70, 100}));
  EXPECT_EQ(outputs(set), (V{12, 5, 20, 8}));
  EXPECT_EQ(sessions(set), (V{100, 200, 100, 100}));
  EXPECT_EQ(hashes(set, 0), (H{1, 2, 3}));
  EXPECT_EQ(hashes(set, 1), (H{1, 7}));
  EXPECT_EQ(hashes(set, 2), (H{1, 2, 3, 4, 5}));
  EXPECT_EQ(hashes(set, 3), (H{1, 2, 3, 4, 5, 6, 8}));
  for (const Request& r : set.requests)
    EXPECT_EQ(r.hash_block_tokens, 16);
  EXPECT_EQ(set.rejected_count, 0) << testing::PrintToString(rejections(set));
  EXPECT_TRUE(set.notes.empty()) << testing::PrintToString(set.notes);
}

TEST(BailianTrace, UnseenParentStartsASessionKeyedByIt) {
  test::TempFile f(
      "b.jsonl",
      R"({"chat_id": 5, "parent_chat_id": 4, "timestamp": 2, "input_length": 16, "output_length": 1, "hash_ids": [9]}
{"chat_id": 4, "parent_chat_id": -1, "timestamp": 1, "input_length": 16, "output_length": 1, "hash_ids": [8]}
{"chat_id": 6, "parent_chat_id": 5, "timestamp": 3, "input_length": 16, "output_length": 1, "hash_ids": [7]}
{"chat_id": 6, "parent_chat_id": 5, "timestamp": 4, "input_length": 16, "output_length": 1, "hash_ids": [7]}
)");
  const RequestSet set = load_trace(f.path());
  EXPECT_EQ(sessions(set), (V{4, 4, 4}));
  ASSERT_EQ(set.rejected.size(), 1u);
  EXPECT_EQ(set.rejected[0].line, 4);
  EXPECT_EQ(set.rejected[0].reason, "chat_id: 6 appears more than once");
  // Two notes: the stamps were unsorted, and one turn's parent came later in the file.
  ASSERT_EQ(set.notes.size(), 2u) << testing::PrintToString(set.notes);
  EXPECT_EQ(set.notes[0],
            "1 turns (the first at line 1) name a parent_chat_id not seen earlier in the file; "
            "each was put in a session keyed by that parent's chat_id");
  EXPECT_NE(set.notes[1].find("timestamps were not sorted"), std::string::npos);
}

TEST(NativeTrace, CsvWithSessionsAndHashes) {
  const RequestSet set = load_fixture("native.csv");
  EXPECT_EQ(set.format, "native_csv");
  expect_arrivals(set, {0.0, 0.25, 1.5});
  EXPECT_EQ(inputs(set), (V{1000, 600, 1100}));
  EXPECT_EQ(outputs(set), (V{100, 50, 20}));
  EXPECT_EQ(sessions(set), (V{7, -1, 7}));
  EXPECT_EQ(hashes(set, 0), (H{11, 12}));
  EXPECT_EQ(hashes(set, 1), (H{}));
  EXPECT_EQ(hashes(set, 2), (H{11, 12, 13}));
  EXPECT_EQ(set.requests[0].hash_block_tokens, 512);
  EXPECT_EQ(set.requests[1].hash_block_tokens, 0);
  EXPECT_EQ(set.rejected_count, 0) << testing::PrintToString(rejections(set));
}

TEST(NativeTrace, JsonlMatchesCsv) {
  const RequestSet csv = load_fixture("native.csv");
  const RequestSet jsonl = load_fixture("native.jsonl");
  EXPECT_EQ(jsonl.format, "native_jsonl");
  EXPECT_EQ(arrivals(jsonl), arrivals(csv));
  EXPECT_EQ(inputs(jsonl), inputs(csv));
  EXPECT_EQ(outputs(jsonl), outputs(csv));
  EXPECT_EQ(sessions(jsonl), sessions(csv));
  EXPECT_EQ(jsonl.hashes, csv.hashes);
  EXPECT_EQ(lines(jsonl), (V{1, 2, 4}));  // line 3 is blank
  EXPECT_EQ(jsonl.rejected_count, 0) << testing::PrintToString(rejections(jsonl));
}

TEST(NativeTrace, HashIdsNeedTheirBlockSize) {
  test::TempFile csv("n.csv",
                     "arrival_s,input_tokens,output_tokens,hash_ids,hash_block_tokens\n"
                     "0,10,1,1 2,\n"
                     "1,10,1,1 x,16\n"
                     "2,10,1,,16\n");
  const RequestSet set = load_trace(csv.path());
  EXPECT_EQ(set.requests.size(), 1u);
  ASSERT_EQ(set.rejected.size(), 2u);
  EXPECT_EQ(set.rejected[0].line, 2);
  EXPECT_EQ(set.rejected[0].reason,
            "column 'hash_block_tokens': missing value (required with hash_ids)");
  EXPECT_EQ(set.rejected[1].line, 3);
  EXPECT_EQ(set.rejected[1].reason,
            "column 'hash_ids': hash 2 ('x') is not an unsigned 64-bit integer");

  test::TempFile jsonl("n.jsonl",
                       "{\"arrival_s\": 0, \"input_tokens\": 10, \"output_tokens\": 1}\n"
                       "{\"arrival_s\": 1, \"input_tokens\": 10, \"output_tokens\": 1, "
                       "\"hash_ids\": [3]}\n");
  const RequestSet j = load_trace(jsonl.path());
  ASSERT_EQ(j.rejected.size(), 1u);
  EXPECT_EQ(j.rejected[0].reason, "missing key 'hash_block_tokens' (required with hash_ids)");
}

}  // namespace
}  // namespace kvsim::workload
