// generate_workload: reads a `generator:` map (keys in include/kvsim/workload/generator.h) and
// builds requests with prefix hash chains.
//
// Randomness: every quantity has its own Rng stream, seeded by hash_combine(seed, stream id), so
// changing one distribution leaves the draws of the others unchanged (e.g. a different `output`
// keeps arrival times, prompt lengths and hashes, as long as the session structure is the same).
//
// Timing: the first session (or request) arrives at 0 s; each later one `arrival`'s next gap after
// the previous one. A session's later turns arrive `think_s` whole seconds after the previous
// turn's *arrival*: the response time is only known to the replay, so think_s here covers the
// response and the user's pause together.
//
// Prefix hashes: a prompt is [system prompt][turn 1 input][turn 1 output][turn 2 input]...; block
// i (tokens [i*B, (i+1)*B)) gets a content id, and its hash is hash_combine(hash of block i-1,
// content id), starting from a seed-dependent root. Blocks wholly inside a shared system prompt
// get ids derived from (seed, prompt index, block index); all other blocks get fresh ids from the
// content stream. A request lists the hashes of its prompt's full blocks only.
#include "kvsim/workload/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "kvsim/core/reader.h"

namespace kvsim::workload {
namespace {

// Stream ids (arbitrary, fixed forever: changing one changes every generated workload).
enum Stream : uint64_t {
  kArrivalStream = 1,
  kInputStream = 2,
  kOutputStream = 3,
  kTurnsStream = 4,
  kThinkStream = 5,
  kSystemChoiceStream = 6,
  kContentStream = 7,
  kChainRootTag = 8,
  kSystemContentTag = 9,
};

constexpr int64_t kMaxBlockTokens = int64_t{1} << 20;
constexpr int64_t kMaxSystemPrompts = 1'000'000;

struct Spec {
  std::optional<int64_t> requests;
  std::optional<double> duration_s;
  uint64_t seed = 1;
  std::unique_ptr<ArrivalProcess> arrival;
  std::unique_ptr<LengthDistribution> input_tokens;
  std::unique_ptr<LengthDistribution> output_tokens;
  std::unique_ptr<LengthDistribution> turns;    // null without sessions
  std::unique_ptr<LengthDistribution> think_s;  // null without sessions
  int64_t system_prompt_count = 0;              // 0 = no shared system prompts
  int64_t system_prompt_tokens = 0;
  int64_t block_tokens = 16;
};

template <class Interface>
std::unique_ptr<Interface> plug_in(core::MapReader& r, std::string_view key) {
  return core::Registry<Interface>::instance().create(r.require(key), r.key_path(key));
}

Spec read_spec(core::MapReader& top, const GeneratorLimits& limits) {
  Spec s;
  s.requests = top.maybe_integer("requests", core::IntRange::positive(limits.max_requests));
  s.duration_s = top.maybe_number("duration_s", core::Range::positive());
  if (s.requests && s.duration_s) {
    top.fail("duration_s", "give exactly one of 'requests' or 'duration_s', not both");
  }
  if (!s.requests && !s.duration_s) {
    top.fail_here(
        "give 'requests' (how many to generate) or 'duration_s' (stop at this arrival "
        "time)");
  }
  s.seed =
      static_cast<uint64_t>(top.maybe_integer("seed", core::IntRange::non_negative()).value_or(1));
  s.block_tokens =
      top.maybe_integer("block_tokens", core::IntRange::positive(kMaxBlockTokens)).value_or(16);
  s.arrival = plug_in<ArrivalProcess>(top, "arrival");
  s.input_tokens = plug_in<LengthDistribution>(top, "input");
  s.output_tokens = plug_in<LengthDistribution>(top, "output");
  if (auto sessions = top.maybe_map("sessions")) {
    s.turns = plug_in<LengthDistribution>(*sessions, "turns");
    s.think_s = plug_in<LengthDistribution>(*sessions, "think_s");
    sessions->finish();
  }
  if (auto system = top.maybe_map("system_prompts")) {
    s.system_prompt_count = system->integer("count", core::IntRange::positive(kMaxSystemPrompts));
    s.system_prompt_tokens =
        system->integer("tokens", core::IntRange::positive(LengthDistribution::kMaxLength));
    system->finish();
    if (s.system_prompt_tokens / s.block_tokens > limits.max_hashes) {
      system->fail("tokens",
                   fmt::format("{} tokens is more than {} blocks of {} tokens",
                               s.system_prompt_tokens, limits.max_hashes, s.block_tokens));
    }
  }
  top.finish();
  return s;
}

std::string describe(const Spec& s) {
  std::string out = s.requests ? fmt::format("requests={}", *s.requests)
                               : fmt::format("duration_s={}", *s.duration_s);
  out += fmt::format(" seed={} arrival={} input={} output={}", s.seed, s.arrival->describe(),
                     s.input_tokens->describe(), s.output_tokens->describe());
  if (s.turns) {
    out +=
        fmt::format(" sessions(turns={}, think_s={})", s.turns->describe(), s.think_s->describe());
  }
  if (s.system_prompt_count > 0) {
    out += fmt::format(" system_prompts(count={}, tokens={})", s.system_prompt_count,
                       s.system_prompt_tokens);
  }
  return "generator: " + out + fmt::format(" block_tokens={}", s.block_tokens);
}

// The hash chain of the current conversation, kept at the end of the request set's hash pool:
// pool[offset, end) hold the hashes of its full blocks so far. Each turn's request spans a prefix
// of that range, so the turns of a session share one copy (their spans overlap) and the pool
// grows with the conversation's length, not with its length times its turns.
class Chain {
 public:
  Chain(std::vector<uint64_t>& pool, uint64_t root, int64_t block_tokens)
      : pool_(pool), root_(root), block_tokens_(block_tokens) {}
  /// Begin a new conversation at the end of the pool.
  void start() { offset_ = pool_.size(); }
  uint64_t offset() const { return offset_; }
  int64_t blocks() const { return static_cast<int64_t>(pool_.size() - offset_); }
  /// Append a block with this content id.
  void push(uint64_t content_id) {
    pool_.push_back(hash_combine(blocks() == 0 ? root_ : pool_.back(), content_id));
  }
  /// Extend with fresh content ids until every full block of `tokens` tokens has a hash.
  void cover(int64_t tokens, Rng& content) {
    while (blocks() < tokens / block_tokens_)
      push(content.next_u64());
  }

 private:
  std::vector<uint64_t>& pool_;
  uint64_t root_;
  int64_t block_tokens_;
  uint64_t offset_ = 0;
};

class Builder {
 public:
  Builder(const Spec& s, core::MapReader& top, const GeneratorLimits& limits)
      : s_(s),
        top_(top),
        limits_(limits),
        arrival_(stream(kArrivalStream)),
        input_(stream(kInputStream)),
        output_(stream(kOutputStream)),
        turns_(stream(kTurnsStream)),
        think_(stream(kThinkStream)),
        system_choice_(stream(kSystemChoiceStream)),
        content_(stream(kContentStream)),
        chain_(out_.hashes, hash_combine(s.seed, kChainRootTag), s.block_tokens) {}

  RequestSet run() {
    double start_s = 0;
    for (int64_t session = 0; !done(start_s); ++session) {
      run_session(session, start_s);
      start_s += s_.arrival->next_gap(arrival_);
      if (!std::isfinite(start_s)) top_.fail("arrival", "arrival times overflow a double");
    }
    if (cut_sessions_ > 0) {
      out_.notes.push_back(fmt::format("{} session(s) were cut short by '{}'", cut_sessions_,
                                       s_.requests ? "requests" : "duration_s"));
    }
    // Sessions are generated one after another, so later turns precede the next session's
    // start in `out_`: sort by arrival here (the hash spans move with the requests). finalize
    // only sorts inputs it counted as unsorted, and would add a note meant for trace files.
    std::stable_sort(out_.requests.begin(), out_.requests.end(),
                     [](const Request& a, const Request& b) { return a.arrival_s < b.arrival_s; });
    out_.finalize();
    out_.format = "generator";
    out_.source = describe(s_);
    return std::move(out_);
  }

 private:
  Rng stream(uint64_t id) const { return Rng(hash_combine(s_.seed, id)); }

  bool done(double arrival_s) const {
    if (s_.requests) return emitted_ >= *s_.requests;
    return arrival_s >= *s_.duration_s;
  }

  void run_session(int64_t session, double start_s) {
    chain_.start();
    int64_t context_tokens = 0;  // tokens of the conversation so far: the next prompt's prefix
    if (s_.system_prompt_count > 0) {
      const uint64_t prompt = system_choice_.below(static_cast<uint64_t>(s_.system_prompt_count));
      const uint64_t prompt_id = hash_combine(hash_combine(s_.seed, kSystemContentTag), prompt);
      const int64_t shared_blocks = s_.system_prompt_tokens / s_.block_tokens;
      for (int64_t b = 0; b < shared_blocks; ++b)
        chain_.push(hash_combine(prompt_id, static_cast<uint64_t>(b)));
      context_tokens = s_.system_prompt_tokens;
    }
    const int64_t turns = s_.turns ? s_.turns->sample(turns_) : 1;
    double arrival_s = start_s;
    for (int64_t turn = 0; turn < turns; ++turn) {
      if (turn > 0) arrival_s += static_cast<double>(s_.think_s->sample(think_));
      if (done(arrival_s)) {
        ++cut_sessions_;
        return;
      }
      // Each sample is <= 2^40 and the hash cap below bounds context_tokens by
      // (max_hashes + 1) * kMaxBlockTokens < 2^60 (max_hashes < 2^32), so these sums cannot
      // overflow.
      context_tokens += s_.input_tokens->sample(input_);
      const int64_t output_tokens = s_.output_tokens->sample(output_);
      const int64_t new_blocks = context_tokens / s_.block_tokens - chain_.blocks();
      if (static_cast<int64_t>(out_.hashes.size()) + new_blocks > limits_.max_hashes)
        too_many_hashes();
      chain_.cover(context_tokens, content_);
      Request r;
      r.arrival_s = arrival_s;
      r.input_tokens = context_tokens;
      r.output_tokens = output_tokens;
      r.hash_offset = chain_.offset();
      r.hash_count = static_cast<uint32_t>(chain_.blocks());  // <= max_hashes < 2^32
      r.hash_block_tokens = static_cast<int32_t>(s_.block_tokens);
      r.session = s_.turns ? session : -1;
      out_.requests.push_back(r);  // not add(): the span is the session's shared chain
      if (++emitted_ > limits_.max_requests) {
        top_.fail("duration_s", fmt::format("generates more than {} requests: shorten it or lower "
                                            "the arrival rate",
                                            limits_.max_requests));
      }
      context_tokens += output_tokens;
    }
  }

  [[noreturn]] void too_many_hashes() const {
    top_.fail("block_tokens",
              fmt::format("the workload needs more than {} prefix hashes ({} tokens per block): "
                          "raise block_tokens, bound the lengths (a `max` on lognormal input) or "
                          "generate fewer requests",
                          limits_.max_hashes, s_.block_tokens));
  }

  const Spec& s_;
  core::MapReader& top_;
  GeneratorLimits limits_;
  RequestSet out_;  // before chain_, which appends to out_.hashes
  Rng arrival_, input_, output_, turns_, think_, system_choice_, content_;
  Chain chain_;
  int64_t emitted_ = 0;
  int64_t cut_sessions_ = 0;
};

}  // namespace

RequestSet generate_workload(const core::Doc& spec, const std::string& path,
                             const GeneratorLimits& limits) {
  if (limits.max_requests < 1 || limits.max_hashes < 1 || limits.max_hashes >= (int64_t{1} << 32))
    throw std::invalid_argument("generate_workload: bad limits");
  core::MapReader top(spec, path);
  const Spec s = read_spec(top, limits);
  return Builder(s, top, limits).run();
}

}  // namespace kvsim::workload
