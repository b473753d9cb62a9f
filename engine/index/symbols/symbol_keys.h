// The search keys of the symbol index: ASCII case folding, the byte classes the filters
// see, the two 8-byte words kept per symbol (the word and the ref), and the name matchers
// a search runs on the symbols the keys let through (prefix, subsequence, word starts).
//
// Part of SymbolIndex (symbol_index.h): the keys are built with a file's records
// (symbol_records.h) and streamed through by its Scanner (symbol_search.h). Pure
// functions and constant tables: safe from any thread. The ones a search calls per key
// or per candidate are inline here.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace chunkls::symbols {

namespace detail {

// ASCII case folding only: other bytes (UTF-8 sequences included) compare exactly, so a
// multi-byte character never half-matches a folded one.
inline constexpr std::array<unsigned char, 256> kFold = [] {
  std::array<unsigned char, 256> out{};
  for (int c = 0; c < 256; ++c)
    out[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return out;
}();

// Byte classes as the filters see them, case-folded: a bit per letter, one for '_', one
// for any digit, three shared by every other byte value (punctuation, UTF-8).
inline constexpr std::array<std::uint32_t, 256> kByteBit = [] {
  std::array<std::uint32_t, 256> out{};
  for (int c = 0; c < 256; ++c) {
    const int f = kFold[c];
    int bit = 28 + f % 3;
    if (f >= 'a' && f <= 'z') bit = f - 'a';
    if (f == '_') bit = 26;
    if (f >= '0' && f <= '9') bit = 27;
    out[c] = std::uint32_t{1} << bit;
  }
  return out;
}();

}  // namespace detail

inline constexpr unsigned char folded(char c) {
  return detail::kFold[static_cast<unsigned char>(c)];
}

inline std::uint32_t bit_of(char c) {
  return detail::kByteBit[static_cast<unsigned char>(c)];
}

inline std::uint32_t bits_of(std::string_view text) {
  std::uint32_t bits = 0;
  for (const char c : text)
    bits |= bit_of(c);
  return bits;
}

// What the index keeps of each symbol to filter on: a Key of two 8-byte words, for all
// files in one array that a search streams through (a second array read only for the
// symbols that pass would cost a cache miss each):
// - the word: which byte classes occur in the name (bits 0-30), whether the symbol has
//   a container (bit 31), its first three bytes case-folded (bits 32-55), its length up
//   to 255 (bits 56-63);
// - the ref: the byte classes that start a word of the name (bits 0-30; a word-start
//   match must begin at one) and where the name is in its file's arena (bits 32-63).
// Most symbols stop there.
inline constexpr std::uint64_t kHasContainer = std::uint64_t{1} << 31;
inline constexpr int kLeadShift = 32;
inline constexpr int kLengthShift = 56;

// The name's length as the word has it: up to 255 (255: that or more).
inline std::uint32_t word_length(std::uint64_t word) {
  return static_cast<std::uint32_t>(word >> kLengthShift);
}

inline std::uint64_t lead_of(std::string_view text) {
  std::uint64_t lead = 0;
  for (std::size_t i = 0; i < text.size() && i < 3; ++i)
    lead |= std::uint64_t{folded(text[i])} << (kLeadShift + 8 * i);
  return lead;
}

inline std::uint64_t word_of(std::string_view name, bool has_container) {
  const std::uint64_t length = std::min<std::size_t>(name.size(), 255);
  return bits_of(name) | (has_container ? kHasContainer : 0) | lead_of(name) |
         length << kLengthShift;
}

std::uint64_t ref_of(std::string_view name, std::uint32_t offset);

// `query` is case-folded in these matchers; `name` is not.
inline bool starts_with_folded(std::string_view name, std::string_view query) {
  if (name.size() < query.size()) return false;
  for (std::size_t i = 0; i < query.size(); ++i)
    if (folded(name[i]) != static_cast<unsigned char>(query[i])) return false;
  return true;
}

inline bool is_subsequence(std::string_view name, std::string_view query) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < name.size() && k < query.size(); ++i)
    if (folded(name[i]) == static_cast<unsigned char>(query[k])) ++k;
  return k == query.size();
}

// Whether every query byte matches either right after the previous one's match or at a
// word start after it ("gsi" in "getSymbolInfo", "tree" in "ts_tree_edit"). `rows` is
// scratch space, reused across calls.
bool matches_at_word_starts(std::string_view name, std::string_view query,
                            std::vector<std::uint8_t>& rows);

}  // namespace chunkls::symbols
