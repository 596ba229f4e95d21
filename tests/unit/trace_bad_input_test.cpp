// Bad input: rows are rejected with their line and reason (and reading goes on); structural
// problems are InputErrors at file:line:col naming the column or key.

#include <gtest/gtest.h>

#include "trace_test_util.h"

namespace kvsim::workload {
namespace {

using test::input_error;
using test::lines;
using test::load_fixture;
using test::rejections;
using test::trace_path;
using V = std::vector<int64_t>;

void expect_rejected(const RequestSet& set,
                     const std::vector<std::pair<int64_t, std::string>>& want) {
  ASSERT_EQ(set.rejected.size(), want.size()) << testing::PrintToString(rejections(set));
  EXPECT_EQ(set.rejected_count, static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(set.rejected[i].line, want[i].first) << i;
    EXPECT_EQ(set.rejected[i].reason, want[i].second) << i;
  }
}

TEST(TraceBadRows, AzureRowsAreRejectedWithLineAndReason) {
  const RequestSet set = load_fixture("bad_rows.csv");
  EXPECT_EQ(lines(set), (V{2, 9}));
  EXPECT_EQ(set.rows_read, 9);
  expect_rejected(
      set, {
               {3, "column 'ContextTokens': -5 is out of range: must be in [1, 1099511627776]"},
               {4, "column 'GeneratedTokens': 0 is out of range: must be in [1, 1099511627776]"},
               {5, "expected 3 fields as in the header, found 1 (truncated or garbled row?)"},
               {6, "column 'ContextTokens': expected an integer, got '12abc'"},
               {7,
                "column 'TIMESTAMP': '2023-02-29 18:15:48.0000000' is not a valid timestamp: day "
                "29 does not exist in 2023-02, which has 28 days"},
               {8, "column 'ContextTokens': missing value"},
               {10, "expected 3 fields as in the header, found 1 (truncated or garbled row?)"},
           });
}

TEST(TraceBadRows, MooncakeRowsAreRejectedWithLineAndReason) {
  const RequestSet set = load_fixture("bad_rows.jsonl");
  EXPECT_EQ(lines(set), (V{1, 7}));
  EXPECT_EQ(set.rows_read, 9);
  expect_rejected(set,
                  {
                      {2, "input_length: 0 is out of range: must be in [1, 1099511627776]"},
                      {3, "output_length: -3 is out of range: must be in [1, 1099511627776]"},
                      {4, "malformed JSON: unexpected character 'n' (column 1)"},
                      {5, "malformed JSON: expected ',' or '}' (column 38)"},
                      {6,
                       "missing key 'output_length' required by the mooncake trace format (keys: "
                       "timestamp, input_length, hash_ids)"},
                      {8, "hash_ids[0]: expected an unsigned 64-bit integer, got 'a'"},
                      {9, "malformed JSON: unterminated string (column 51)"},
                  });
  // Line 7 has 2 hash ids for 1025 tokens (3 blocks of 512): kept as given, and noted once.
  ASSERT_EQ(set.notes.size(), 1u);
  EXPECT_EQ(set.notes[0],
            "1 rows (the first at line 7) have a number of hash_ids other than "
            "ceil(input_length / 512); they were kept with their hashes as given");
}

TEST(TraceBadRows, UnsortedTimestampsAreSortedWithANote) {
  const RequestSet set = load_fixture("unsorted.csv");
  EXPECT_EQ(lines(set), (V{3, 4, 2, 5}));
  EXPECT_EQ(test::inputs(set), (V{20, 30, 10, 40}));
  EXPECT_EQ(test::arrivals(set), (std::vector<double>{0.0, 0.5, 1.5, 3.5}));
  for (size_t i = 0; i < set.requests.size(); ++i)
    EXPECT_EQ(set.requests[i].id, int64_t(i));
  EXPECT_EQ(set.out_of_order, 1);
  ASSERT_EQ(set.notes.size(), 1u);
  EXPECT_NE(set.notes[0].find("timestamps were not sorted"), std::string::npos) << set.notes[0];
  EXPECT_EQ(set.rejected_count, 0);
}

TEST(TraceBadRows, GarbageAndInvalidRowsInEveryFormat) {
  test::TempFile burst("b.csv",
                       "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                       "abc,ChatGPT,1,1,2,Conversation log\n"
                       "-1,ChatGPT,1,1,2,Conversation log\n"
                       "1,ChatGPT,0,1,1,Conversation log\n"
                       "1,ChatGPT,\"unterminated\n");
  expect_rejected(load_trace(burst.path()),
                  {{2, "column 'Timestamp': expected a finite number, got 'abc'"},
                   {3, "column 'Timestamp': -1 is out of range: must be >= 0"},
                   {4, "column 'Request tokens': 0 is out of range: must be in [1, 1099511627776]"},
                   {5, "unterminated quoted field (end of file inside quotes)"}});

  test::TempFile bailian(
      "b.jsonl",
      R"({"chat_id": 1, "parent_chat_id": -1, "timestamp": 0, "input_length": 16, "output_length": 1, "hash_ids": [1]}
[1, 2, 3]
{"chat_id": 2, "parent_chat_id": 2, "timestamp": 0, "input_length": 16, "output_length": 1, "hash_ids": [1]}
{"chat_id": 3, "parent_chat_id": -1, "timestamp": 0, "input_length": 16, "output_length": 1, "hash_ids": 7}
)");
  expect_rejected(load_trace(bailian.path()),
                  {{2, "expected a JSON object, got a list"},
                   {3, "parent_chat_id: a turn cannot be its own parent (2)"},
                   {4, "hash_ids: expected a list of unsigned integers, got '7'"}});

  test::TempFile native("n.jsonl",
                        "{\"arrival_s\": 0, \"input_tokens\": 1, \"output_tokens\": 1}\n"
                        "{\"arrival_s\": 1, \"input_tokens\": 1, \"output_tokens\": 1, "
                        "\"sesion\": 3}\n"
                        "{\"arrival_s\": \"2\", \"input_tokens\": 1, \"output_tokens\": 1}\n"
                        "{\"arrival_s\": 3, \"input_tokens\": 1.5, \"output_tokens\": 1}\n");
  expect_rejected(
      load_trace(native.path()),
      {{2,
        "unknown key 'sesion' in the native_jsonl trace format; did you mean 'session'? "
        "(known: arrival_s, input_tokens, output_tokens, session, hash_ids, hash_block_tokens)"},
       {3, "arrival_s: expected a finite number, got '2' (a quoted string)"},
       {4, "input_tokens: expected an integer, got '1.5' (not a whole number within 64 bits)"}});
}

TEST(TraceStructure, MissingCsvColumnNamesFileLineColumnAndSuggests) {
  const std::string path = trace_path("missing_column.csv");
  const std::string msg = input_error([&] { load_trace(path, "azure"); });
  EXPECT_EQ(msg, path +
                     ":1:1: error: missing column 'GeneratedTokens' required by the azure "
                     "trace format; did you mean 'Generated'? (header: TIMESTAMP, "
                     "ContextTokens, Generated)");
  // Without --trace-format the header matches no format at all.
  EXPECT_NE(input_error([&] { load_trace(path); }).find("cannot tell the trace format"),
            std::string::npos);
}

TEST(TraceStructure, MissingColumnErrorPointsAtTheHeaderLine) {
  test::TempFile f("blank_first.csv", "\r\nTIMESTAMP,Context,GeneratedTokens\r\n");
  EXPECT_NE(input_error([&] { load_trace(f.path(), "azure"); })
                .find(f.path() + ":2:1: error: missing column 'ContextTokens' required by the "
                                 "azure trace format; did you mean 'Context'?"),
            std::string::npos);
}

TEST(TraceBadRows, EmptyTimestampIsAMissingValue) {
  test::TempFile f("e.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n,1,1\n");
  const RequestSet set = load_trace(f.path());
  ASSERT_EQ(set.rejected.size(), 1u);
  EXPECT_EQ(set.rejected[0].reason, "column 'TIMESTAMP': missing value");
}

TEST(TraceStructure, MissingKeyInTheFirstJsonObject) {
  test::TempFile f("m.jsonl", "\n{\"timestamp\": 0, \"input_length\": 5, \"hash_ids\": []}\n");
  const std::string msg = input_error([&] { load_trace(f.path(), "mooncake"); });
  EXPECT_EQ(msg, f.path() +
                     ":2:1: error: missing key 'output_length' required by the mooncake "
                     "trace format (keys: timestamp, input_length, hash_ids)");
}

TEST(TraceStructure, InvalidFirstJsonLineAndNonObject) {
  test::TempFile bad("m.jsonl", "{\"timestamp\": 0,, }\n");
  EXPECT_EQ(input_error([&] { load_trace(bad.path(), "mooncake"); }),
            bad.path() + ":1:17: error: malformed JSON: expected a quoted key");
  test::TempFile list("l.jsonl", "[1, 2]\n");
  EXPECT_EQ(input_error([&] { load_trace(list.path(), "native_jsonl"); }),
            list.path() +
                ":1:1: error: expected one JSON object per line (native_jsonl trace "
                "format), got a list");
}

TEST(TraceStructure, NativeCsvUnknownColumnAndHashesWithoutBlockSize) {
  test::TempFile typo("t.csv", "arrival_s,input_tokens,output_tokens,sesion\n0,1,1,2\n");
  EXPECT_EQ(input_error([&] { load_trace(typo.path()); }),
            typo.path() +
                ":1:4: error: unknown column 'sesion' in the native_csv trace format; "
                "did you mean 'session'? (known: arrival_s, input_tokens, "
                "output_tokens, session, hash_ids, hash_block_tokens)");
  test::TempFile nosize("h.csv", "arrival_s,input_tokens,output_tokens,hash_ids\n0,1,1,5\n");
  EXPECT_NE(input_error([&] { load_trace(nosize.path()); })
                .find(nosize.path() + ":1:4: error: column 'hash_ids' needs a 'hash_block_tokens' "
                                      "column"),
            std::string::npos);
}

TEST(TraceStructure, DuplicateCsvColumnIsAnError) {
  test::TempFile f("d.csv", "TIMESTAMP,ContextTokens,GeneratedTokens,ContextTokens\n");
  EXPECT_NE(input_error([&] {
              load_trace(f.path(), "azure");
            }).find(":1:4: error: duplicate column 'ContextTokens'"),
            std::string::npos);
}

TEST(TraceStructure, HeaderOnlyFileGivesAnEmptySet) {
  test::TempFile f("h.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\r\n");
  const RequestSet set = load_trace(f.path());
  EXPECT_TRUE(set.requests.empty());
  EXPECT_EQ(set.rows_read, 0);
}

TEST(TraceBadRows, OnlyTheFirstThousandReasonsAreKeptButAllAreCounted) {
  std::string text = "arrival_s,input_tokens,output_tokens\n0,1,1\n";
  for (int i = 0; i < 1500; ++i)
    text += "0,0,1\n";
  test::TempFile f("many.csv", text);
  const RequestSet set = load_trace(f.path());
  EXPECT_EQ(set.requests.size(), 1u);
  EXPECT_EQ(set.rejected_count, 1500);
  EXPECT_EQ(set.rejected.size(), RequestSet::kMaxRejectedKept);
  EXPECT_EQ(set.rows_read, 1501);
}

}  // namespace
}  // namespace kvsim::workload
