#include "engine/index/symbols/symbol_keys.h"

#include <utility>

namespace chunkls::symbols {

namespace {

constexpr bool is_lower(unsigned char c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_upper(unsigned char c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(unsigned char c) {
  return is_lower(c) || is_upper(c);
}
// ASCII punctuation and spaces; non-ASCII bytes belong to words.
constexpr bool is_separator(unsigned char c) {
  return c < 0x80 && !is_alpha(c) && !is_digit(c);
}
constexpr bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Where a word starts: the name's start, after a separator, a camelCase hump ("getName",
// and "HTTPServer"'s 'S'), between letters and digits ("i2c", "utf8String").
bool is_word_start(std::string_view name, std::size_t at) {
  if (at == 0) return true;
  const auto c = static_cast<unsigned char>(name[at]);
  const auto prev = static_cast<unsigned char>(name[at - 1]);
  if (is_separator(c)) return false;
  if (is_separator(prev)) return !is_continuation(c);
  if (is_upper(c)) {
    return is_lower(prev) || is_digit(prev) ||
           (is_upper(prev) && at + 1 < name.size() &&
            is_lower(static_cast<unsigned char>(name[at + 1])));
  }
  if (is_digit(c)) return is_alpha(prev);
  if (is_lower(c)) return is_digit(prev);
  return false;
}

}  // namespace

std::uint64_t ref_of(std::string_view name, std::uint32_t offset) {
  std::uint32_t starts = 0;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (is_word_start(name, i)) starts |= bit_of(name[i]);
  return starts | std::uint64_t{offset} << 32;
}

// A table row per query byte: row[p] says the query so far can end with this byte at p;
// a word start may follow any earlier end, so only the row's lowest end matters for it.
bool matches_at_word_starts(std::string_view name, std::string_view query,
                            std::vector<std::uint8_t>& rows) {
  const std::size_t n = name.size();
  if (query.empty()) return true;
  rows.resize(2 * n);
  std::uint8_t* previous = rows.data();
  std::uint8_t* current = rows.data() + n;
  std::size_t lowest = 0;
  for (std::size_t j = 0; j < query.size(); ++j) {
    const auto want = static_cast<unsigned char>(query[j]);
    std::size_t lowest_now = n;
    for (std::size_t p = j; p < n; ++p) {
      bool reach = false;
      if (folded(name[p]) == want) {
        reach = (j == 0 || p > lowest) && is_word_start(name, p);
        reach = reach || (j > 0 && previous[p - 1] != 0);
      }
      current[p] = reach ? 1 : 0;
      if (reach && lowest_now == n) lowest_now = p;
    }
    if (lowest_now == n) return false;
    lowest = lowest_now;
    std::swap(previous, current);
  }
  return true;
}

}  // namespace chunkls::symbols
