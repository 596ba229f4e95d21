// The real sample traces shipped in scenarios/traces/ (origins in scenarios/traces/README.md).

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "trace_test_util.h"

namespace kvsim::workload {
namespace {

std::string sample(const std::string& name) {
  return std::string(KVSIM_SOURCE_DIR) + "/scenarios/traces/" + name;
}

void expect_clean_sample(const RequestSet& set, size_t rows, const std::string& format) {
  EXPECT_EQ(set.format, format);
  EXPECT_EQ(set.requests.size(), rows);
  EXPECT_EQ(set.rows_read, static_cast<int64_t>(rows));
  EXPECT_EQ(set.rejected_count, 0) << testing::PrintToString(test::rejections(set));
  EXPECT_TRUE(set.notes.empty()) << testing::PrintToString(set.notes);
  ASSERT_FALSE(set.requests.empty());
  EXPECT_EQ(set.requests.front().arrival_s, 0.0);
  EXPECT_GT(set.requests.back().arrival_s, 0.0);
  for (const Request& r : set.requests) {
    EXPECT_GT(r.input_tokens, 0);
    EXPECT_GT(r.output_tokens, 0);
  }
}

TEST(TraceSamples, AzureConversation2023) {
  const RequestSet set = load_trace(sample("azure_conv_2023_sample.csv"));
  expect_clean_sample(set, 2000, "azure");
  // First row 18:15:46.6805900, last 18:22:50.9400470.
  EXPECT_NEAR(set.requests.back().arrival_s, 424.259457, 1e-9);
  EXPECT_EQ(set.requests.front().input_tokens, 374);
  EXPECT_EQ(set.requests.front().output_tokens, 44);
  EXPECT_EQ(set.requests.back().line, 2001);
}

TEST(TraceSamples, AzureCode2023) {
  const RequestSet set = load_trace(sample("azure_code_2023_sample.csv"));
  expect_clean_sample(set, 1000, "azure");
  // First row 18:17:03.9799600, last 18:25:45.5685360.
  EXPECT_NEAR(set.requests.back().arrival_s, 521.588576, 1e-9);
  EXPECT_EQ(set.requests.front().input_tokens, 4808);
  EXPECT_EQ(set.requests.front().output_tokens, 10);
}

TEST(TraceSamples, MooncakeConversationSharesPrefixes) {
  const RequestSet set = load_trace(sample("mooncake_conversation_sample.jsonl"));
  expect_clean_sample(set, 2000, "mooncake");
  EXPECT_DOUBLE_EQ(set.requests.back().arrival_s, 669.0);
  // Every conversation starts with the same system-prompt block (hash 0); beyond it, 559 requests
  // repeat the first two or more blocks of an earlier request (counted independently with Python).
  std::set<std::vector<uint64_t>> seen_prefixes;
  size_t share_two_blocks = 0;
  for (const Request& r : set.requests) {
    const auto h = set.hashes_of(r);
    ASSERT_FALSE(h.empty());
    EXPECT_EQ(h[0], 0u);
    EXPECT_EQ(r.hash_block_tokens, 512);
    if (h.size() >= 2 && seen_prefixes.count({h.begin(), h.begin() + 2})) ++share_two_blocks;
    for (size_t k = 1; k <= h.size(); ++k)
      seen_prefixes.insert({h.begin(), h.begin() + k});
  }
  EXPECT_EQ(share_two_blocks, 559u);
}

}  // namespace
}  // namespace kvsim::workload
