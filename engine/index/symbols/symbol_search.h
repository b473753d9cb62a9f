// One symbol search of the index: the parsed query (ParsedQuery: "a.b::c" is the
// container "a.b" and the name "c"), the ranking (Tier, scores), the best hits kept so
// far (TopHits), and the Scanner that streams each file's keys and offers the symbols
// that match; then the hits as SymbolMatch (match_of).
//
// Part of SymbolIndex::search (symbol_index.h), which holds its shared lock for as long
// as these read its files. A ParsedQuery, TopHits and Scanner belong to one search on
// one thread; nothing here is shared.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/index/symbols/symbol_index.h"
#include "engine/index/symbols/symbol_records.h"

namespace chunkls::symbols {

// A parsed query: "a.b::c" is the container "a.b" and the name "c".
struct ParsedQuery {
  std::string name;       // as typed: the exact-case tier compares it
  std::string folded;     // `name` case-folded
  std::string container;  // folded; the earlier parts joined with '.'; empty: any
};

ParsedQuery parse_query(std::string_view text);

// Tiers of a name match, best last; a score packs the tier, the file's preference
// (2: a preferred file, 1: in the preferred directory) and the name's shortness, so
// the bounded heap compares one integer.
enum Tier : std::uint32_t {
  kNoTier = 0,
  kSubsequence = 1,
  kWordStarts = 2,
  kPrefix = 3,
  kExact = 4,
  kExactCase = 5,
};

inline constexpr std::uint32_t score_of(Tier tier, std::uint32_t preference, std::uint32_t length) {
  return tier << 28 | preference << 24 | (0xFFFFFF - std::min<std::uint32_t>(length, 0xFFFFFF));
}

inline constexpr Tier tier_of(std::uint32_t score) {
  return static_cast<Tier>(score >> 28);
}

struct Hit {
  std::uint32_t score = 0;
  std::uint32_t sequence = 0;  // the order offered in (TopHits sets it)
  FileView file;
  std::uint32_t index = 0;
};

// The order of results is score, then path, then position (pre-order index). Files are
// scanned in path order (the preferred ones first, but their scores are apart), so among
// equal scores the order of offering is that order: comparing it never reads a path.
inline bool ranks_before(const Hit& a, const Hit& b) {
  return a.score != b.score ? a.score > b.score : a.sequence < b.sequence;
}

// The best `limit` hits (all of them for limit 0): a heap whose top is the worst kept.
class TopHits {
 public:
  explicit TopHits(std::size_t limit) : limit_(limit) {}

  // Whether a hit scoring `score` (or at most `score`, for a bound) offered now could
  // be kept: it must beat the worst kept, since it comes after it among equals.
  bool could_keep(std::uint32_t score) const { return score > bar_; }
  // The tier a hit needs at least to be kept.
  Tier floor() const { return tier_of(bar_); }

  void offer(const Hit& hit) {
    hits_.push_back(hit);
    hits_.back().sequence = offered_++;
    if (limit_ == 0) return;
    std::push_heap(hits_.begin(), hits_.end(), ranks_before);
    if (hits_.size() > limit_) {
      std::pop_heap(hits_.begin(), hits_.end(), ranks_before);
      hits_.pop_back();
    }
    if (hits_.size() == limit_) bar_ = hits_.front().score;
  }

  std::vector<Hit> sorted() && {
    std::sort(hits_.begin(), hits_.end(), ranks_before);
    return std::move(hits_);
  }

 private:
  std::size_t limit_;
  std::uint32_t bar_ = 0;  // the worst kept's score once full
  std::uint32_t offered_ = 0;
  std::vector<Hit> hits_;
};

// One search, file after file, in path order: a branch and bound over the keys. A key
// whose word lacks one of the query's byte classes is skipped (most are); then the best
// score the key allows (its first bytes may make a prefix, a word of it may start with
// the query's first byte) must beat the worst kept, then the container must match, and
// only then is the name read. Once every kept hit is a prefix (or a word-start match),
// the sieve itself skips the keys that cannot start like the query (that have no word
// starting with its first byte).
class Scanner {
 public:
  Scanner(const ParsedQuery& query, TopHits& top);

  // Offers every symbol of `file` matching the query; `prefers` is the file's
  // preference. Cheapest first: the key alone (as strict as the worst kept allows),
  // the best score the key allows, the container, then the name.
  void scan(const FileView& file, std::uint32_t prefers);

 private:
  // Keys that may match: `(word & word_mask) == word` and the same for the ref.
  struct Sieve {
    std::uint64_t word_mask = 0;
    std::uint64_t word = 0;
    std::uint64_t ref_mask = 0;
    std::uint64_t ref = 0;
  };

  Sieve sieve_for(Tier floor) const;
  bool consider(const FileView& file, std::size_t i, std::uint32_t prefers);
  bool container_matches(const FileView& file, std::int32_t parent);

  const ParsedQuery& query_;
  TopHits& top_;
  std::uint32_t wanted_;
  std::uint64_t bits_;
  std::uint64_t lead_;
  std::uint64_t lead_mask_;
  std::uint64_t first_bit_;
  std::int32_t memo_parent_ = -2;
  bool memo_matches_ = false;
  std::vector<std::uint8_t> rows_;
  std::vector<std::int32_t> chain_;
};

// Symbol `index` of `file` as search returns it.
SymbolMatch match_of(const FileView& file, std::size_t index, std::int32_t score);

// "dir", "dir/" -> "dir/": a file is in it (or below) when its path starts with that.
std::string directory_prefix(std::string_view directory);

}  // namespace chunkls::symbols
