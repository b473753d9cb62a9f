// The pattern syntax of one .gitignore rule (gitignore(5)), compiled into a program of
// steps: literal bytes, '?' and bracket expressions as byte sets, '*' as a run within a
// path component, "**/" as any run of whole directories, a trailing "/**" as an open end.
// Matching the program is IgnoreGlob's (ignore_glob.h) and the automaton's
// (ignore_glob_automaton.h); this file only reads the pattern.
//
// Part of IgnoreRules (ignore_rules.h). Values and pure functions: safe from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chunkls::ignore {

// ASCII only, as in git (a byte of a multi-byte UTF-8 character is never a letter).
inline unsigned char ascii_lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

// A set of byte values.
class ByteSet {
 public:
  void add(unsigned char c) { words_[c >> 6] |= std::uint64_t{1} << (c & 63); }
  bool has(unsigned char c) const { return (words_[c >> 6] >> (c & 63) & 1) != 0; }
  void add_range(unsigned char first, unsigned char last) {
    for (unsigned c = first; c <= last; ++c)
      add(static_cast<unsigned char>(c));
  }
  void add_all(const ByteSet& other) {
    for (std::size_t i = 0; i < words_.size(); ++i)
      words_[i] |= other.words_[i];
  }
  void complement() {
    for (std::uint64_t& word : words_)
      word = ~word;
  }
  void remove(unsigned char c) { words_[c >> 6] &= ~(std::uint64_t{1} << (c & 63)); }
  // Each ASCII letter in the set brings its other case in.
  void fold_case() {
    for (unsigned char c = 'a'; c <= 'z'; ++c) {
      const auto upper = static_cast<unsigned char>(c - 'a' + 'A');
      if (has(c) || has(upper)) {
        add(c);
        add(upper);
      }
    }
  }

 private:
  std::array<std::uint64_t, 4> words_{};
};

// A step consumes bytes of the path being matched:
//   kByte  one byte equal to `byte` (a literal, escaped or not);
//   kSet   one byte of `set` ('?' and bracket expressions; never '/');
//   kRun   '*': any run of bytes, '/' excepted (within one path component);
//   kDirs  "**/" as a whole component: nothing, or any run of whole components, each with
//          its '/'.
// A "**" ending the glob as a whole component ("dir/**", or "**" alone) is no step: it
// makes the program open-ended (whatever follows a match of the steps matches too).
enum class StepKind : std::uint8_t { kByte, kSet, kRun, kDirs };

struct Step {
  StepKind kind = StepKind::kByte;
  unsigned char byte = 0;  // kByte; lower case when the glob folds case
  ByteSet set;             // kSet
};

struct Program {
  std::vector<Step> steps;
  bool open_end = false;
};

// Compiles a glob (a rule without its '!', its trailing '/' and, for a rule with a '/',
// its leading '/'). Returns why it can match nothing, if it cannot: then `program` is
// unusable.
std::optional<std::string> compile(std::string_view glob, bool casefold, Program& program);

}  // namespace chunkls::ignore
