// Benchmark of the trace readers: writes a generated trace of N rows (default 1,000,000) in each
// format to a temporary directory, then times load_trace on it (read, parse, finalize). Prints
// rows per second and MB per second for each format.
//   kvsim_trace_bench [--rows N] [--dir DIR]

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "kvsim/workload/trace_format.h"

namespace {

// Deterministic pseudo-random numbers (an LCG is enough for test data).
struct Lcg {
  uint64_t s = 12345;
  uint64_t operator()(uint64_t n) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return (s >> 33) % n;
  }
};

// One row of the given format at row index i; `next_hash` numbers fresh prefix blocks.
std::string row(const std::string& format, size_t i, Lcg& rnd, uint64_t& next_hash) {
  const int64_t input = 1 + static_cast<int64_t>(rnd(16000));
  const int64_t output = 1 + static_cast<int64_t>(rnd(800));
  auto hash_list = [&](int64_t block_tokens, const char* sep) {
    std::string out;
    const int64_t n = (input + block_tokens - 1) / block_tokens;
    for (int64_t b = 0; b < n; ++b) {
      if (b) out += sep;
      out += std::to_string(b == 0 ? 0 : next_hash++);
    }
    return out;
  };
  const double t_s = static_cast<double>(i) * 0.01;
  if (format == "azure") {
    const int64_t us = static_cast<int64_t>(i) * 10000 + static_cast<int64_t>(rnd(9999));
    return fmt::format("2023-11-16 {:02}:{:02}:{:02}.{:06}0,{},{}\r\n", (us / 3600000000) % 24,
                       (us / 60000000) % 60, (us / 1000000) % 60, us % 1000000, input, output);
  }
  if (format == "burstgpt") {
    return fmt::format("{},ChatGPT,{},{},{},Conversation log\n", t_s, input, output,
                       input + output);
  }
  if (format == "native_csv") {
    return fmt::format("{},{},{},{},{},16\n", t_s, input, output, i % 1000, hash_list(4096, " "));
  }
  if (format == "mooncake") {
    return fmt::format(
        "{{\"timestamp\": {}, \"input_length\": {}, \"output_length\": {}, \"hash_ids\": [{}]}}\n",
        i * 10, input, output, hash_list(512, ", "));
  }
  return fmt::format(
      "{{\"chat_id\": {}, \"parent_chat_id\": {}, \"timestamp\": {}, \"input_length\": {}, "
      "\"output_length\": {}, \"type\": \"text\", \"turn\": 1, \"hash_ids\": [{}]}}\n",
      i, i % 4 == 0 ? int64_t{-1} : static_cast<int64_t>(i - i % 4), t_s, (input + 7) / 8, output,
      hash_list(128, ", "));
}

std::string header(const std::string& format) {
  if (format == "azure") return "TIMESTAMP,ContextTokens,GeneratedTokens\r\n";
  if (format == "burstgpt") {
    return "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n";
  }
  if (format == "native_csv") {
    return "arrival_s,input_tokens,output_tokens,session,hash_ids,hash_block_tokens\n";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 1'000'000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "kvsim_trace_bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--rows") rows = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  for (const std::string format : {"azure", "burstgpt", "native_csv", "mooncake", "bailian"}) {
    const std::string path = (dir / ("bench_" + format + ".txt")).string();
    {
      std::ofstream out(path, std::ios::binary);
      Lcg rnd;
      uint64_t next_hash = 1;
      out << header(format);
      for (size_t i = 0; i < rows; ++i)
        out << row(format, i, rnd, next_hash);
    }
    const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    const auto start = std::chrono::steady_clock::now();
    const kvsim::workload::RequestSet set = kvsim::workload::load_trace(path);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << fmt::format(
        "{:<11} {:>9} rows ({:>6.1f} MB, {:>5.1f} hashes/row) in {:6.3f} s: {:>9.0f} rows/s, "
        "{:5.1f} MB/s, rejected {}\n",
        set.format, set.requests.size(), mb,
        static_cast<double>(set.hashes.size()) / static_cast<double>(rows), s,
        static_cast<double>(rows) / s, mb / s, set.rejected_count);
    std::filesystem::remove(path);
  }
  return 0;
}
