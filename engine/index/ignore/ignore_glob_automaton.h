// The middle of a compiled glob (the steps between its literal ends, ignore_glob_syntax.h)
// as a nondeterministic automaton, simulated with one bit per state: all its states
// advance together, one byte of the text at a time. Nothing backtracks: a match costs at
// most (states x text length) steps, whatever the input.
//
// A step is one state, except "**/" which is two: its entry, from which it may be passed
// at once (no directory) or entered, and its loop, which takes any byte and leaves after
// a '/'. State k+1 follows state k; the state past the last one accepts. Bytes are grouped
// into the classes the steps cannot tell apart, and the moves tabled per class.
//
// Part of IgnoreRules (ignore_rules.h). Immutable once built: matches() is safe from any
// thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/index/ignore/ignore_glob_syntax.h"

namespace chunkls::ignore {

class Automaton {
 public:
  Automaton(std::span<const Step> steps, bool open_end, bool casefold);

  bool matches(std::string_view text) const {
    return words_ == 1 ? matches_one_word(text) : matches_any_width(text);
  }

 private:
  static void set(std::vector<std::uint64_t>& bits, std::size_t k) {
    bits[k / 64] |= std::uint64_t{1} << (k % 64);
  }

  // Up to 63 states: each state set is one word.
  bool matches_one_word(std::string_view text) const;
  // Longer globs: the same over several words.
  bool matches_any_width(std::string_view text) const;

  bool open_end_;
  std::size_t accept_ = 0;  // the state past the last one
  std::size_t words_ = 1;   // per state set
  std::array<std::uint8_t, 256> class_of_{};
  std::vector<std::uint64_t> advance_;   // per class: the states a byte moves on from
  std::vector<std::uint64_t> stay_;      // per class: the states a byte leaves in place
  std::vector<std::uint64_t> skip_one_;  // the states passable without a byte to the next
  std::vector<std::uint64_t> skip_two_;  // ... or to the one after it
};

}  // namespace chunkls::ignore
