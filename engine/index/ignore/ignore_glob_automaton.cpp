#include "engine/index/ignore/ignore_glob_automaton.h"

#include <algorithm>
#include <map>

namespace chunkls::ignore {

Automaton::Automaton(std::span<const Step> steps, bool open_end, bool casefold)
    : open_end_(open_end) {
  enum class State : std::uint8_t { kOne, kRun, kDirsEntry, kDirsLoop };
  std::vector<State> states;
  std::vector<const Step*> step_of;
  for (const Step& step : steps) {
    if (step.kind == StepKind::kDirs) {
      states.push_back(State::kDirsEntry);
      step_of.push_back(&step);
      states.push_back(State::kDirsLoop);
    } else {
      states.push_back(step.kind == StepKind::kRun ? State::kRun : State::kOne);
    }
    step_of.push_back(&step);
  }
  accept_ = states.size();
  words_ = accept_ / 64 + 1;
  skip_one_.assign(words_, 0);
  skip_two_.assign(words_, 0);
  for (std::size_t k = 0; k < states.size(); ++k) {
    if (states[k] == State::kRun || states[k] == State::kDirsEntry) set(skip_one_, k);
    if (states[k] == State::kDirsEntry) set(skip_two_, k);
  }
  std::map<std::vector<std::uint64_t>, std::uint8_t> classes;
  std::vector<std::uint64_t> moves(2 * words_);  // advancing states, then staying ones
  for (unsigned b = 0; b < 256; ++b) {
    const auto byte = static_cast<unsigned char>(b);
    std::fill(moves.begin(), moves.end(), 0);
    for (std::size_t k = 0; k < states.size(); ++k) {
      bool advance = false;
      bool stay = false;
      switch (states[k]) {
        case State::kOne:
          advance = step_of[k]->kind == StepKind::kSet
                        ? step_of[k]->set.has(byte)
                        : step_of[k]->byte == (casefold ? ascii_lower(byte) : byte);
          break;
        case State::kRun:
          stay = byte != '/';
          break;
        case State::kDirsEntry:
          break;
        case State::kDirsLoop:
          stay = true;
          advance = byte == '/';
          break;
      }
      if (advance) set(moves, k);
      if (stay) set(moves, words_ * 64 + k);
    }
    const auto [it, added] = classes.emplace(moves, static_cast<std::uint8_t>(classes.size()));
    if (added) {
      advance_.insert(advance_.end(), moves.begin(), moves.begin() + words_);
      stay_.insert(stay_.end(), moves.begin() + words_, moves.end());
    }
    class_of_[b] = it->second;
  }
}

bool Automaton::matches_one_word(std::string_view text) const {
  const std::uint64_t skip_one = skip_one_[0];
  const std::uint64_t skip_two = skip_two_[0];
  const std::uint64_t accept = std::uint64_t{1} << accept_;
  const auto closure = [&](std::uint64_t s) {
    for (std::uint64_t next; (next = s | (s & skip_one) << 1 | (s & skip_two) << 2) != s;)
      s = next;
    return s;
  };
  std::uint64_t s = closure(1);
  for (const char c : text) {
    if (open_end_ && (s & accept) != 0) return true;
    const std::size_t k = class_of_[static_cast<unsigned char>(c)];
    s = closure((s & advance_[k]) << 1 | (s & stay_[k]));
    if (s == 0) return false;
  }
  return (s & accept) != 0;
}

bool Automaton::matches_any_width(std::string_view text) const {
  std::vector<std::uint64_t> s(words_, 0);
  std::vector<std::uint64_t> next(words_);
  const auto closure = [this](std::vector<std::uint64_t>& bits) {
    for (bool grew = true; grew;) {
      grew = false;
      std::uint64_t carry = 0;
      for (std::size_t w = 0; w < words_; ++w) {
        const std::uint64_t one = bits[w] & skip_one_[w];
        const std::uint64_t two = bits[w] & skip_two_[w];
        const std::uint64_t reached = one << 1 | two << 2 | carry;
        carry = one >> 63 | two >> 62;
        if ((reached & ~bits[w]) != 0) {
          bits[w] |= reached;
          grew = true;
        }
      }
    }
  };
  const auto accepted = [this](const std::vector<std::uint64_t>& bits) {
    return (bits[accept_ / 64] >> (accept_ % 64) & 1) != 0;
  };
  s[0] = 1;
  closure(s);
  for (const char c : text) {
    if (open_end_ && accepted(s)) return true;
    const std::size_t k = class_of_[static_cast<unsigned char>(c)];
    const std::uint64_t* advance = &advance_[k * words_];
    const std::uint64_t* stay = &stay_[k * words_];
    std::uint64_t carry = 0;
    std::uint64_t any = 0;
    for (std::size_t w = 0; w < words_; ++w) {
      const std::uint64_t moving = s[w] & advance[w];
      next[w] = moving << 1 | carry | (s[w] & stay[w]);
      carry = moving >> 63;
      any |= next[w];
    }
    if (any == 0) return false;
    s.swap(next);
    closure(s);
  }
  return accepted(s);
}

}  // namespace chunkls::ignore
