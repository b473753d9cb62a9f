#include "engine/index/ignore_rules.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <git2.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

// Why not git_ignore_path_is_ignored: libgit2 (1.5 here, and still in 1.9) lets the
// top-level .gitignore win over a nested one ("*.log" at the top, "!keep.log" in sub/:
// libgit2 ignores sub/keep.log, git does not), and drops a negation whose positive rule
// is in another file (libgit2 issue #7284). It also re-reads the whole ignore stack on
// every call (~20 us: a stat per directory level). So the matching here is our own,
// written from the pattern format and precedence gitignore(5) documents and checked
// against `git check-ignore` by the tests (hand-written trees, random rules in random
// trees, a real kernel tree when one is at hand). libgit2 finds the repository and reads
// its configuration (core.excludesFile, core.ignoreCase, the XDG directory, where info/
// is), which is where git's subtleties lie.
//
// Each rule is compiled once, when its file is read, into a short program (see Glob):
// the literal bytes at either end are compared in place, and what lies between is matched
// by advancing the set of all program positions together, one byte of the path at a
// time. Nothing backtracks: a rule costs at most (program length x path length) steps,
// whatever the input. A file of many rules is indexed by the last byte a matching path
// can have ("*.o", "build/"), so that a path is tried against few of them.
//
// Where git 2.39's own matcher strays from gitignore(5), this one keeps to the
// documentation (the three cases checked with git check-ignore): with core.ignoreCase,
// git leaves the letters inside bracket expressions and after a '\' unfolded ("[A]" and
// "\A" match nothing there; here they match 'a' and 'A', like every other letter); git
// lets a "**" right after a path rule's leading literal text ("x/a**") span directories,
// where here a "**" that is not a whole path component is a '*'; and git's "**\/" (the
// slash escaped) needs at least one directory, where here it is "**/".

namespace chunkls {
namespace {

// ---------------------------------------------------------------------------------------
// libgit2 handles

// libgit2's global state is reference-counted: each IgnoreRules holds one reference.
class LibGit2Session {
 public:
  LibGit2Session() { git_libgit2_init(); }
  ~LibGit2Session() { git_libgit2_shutdown(); }
  LibGit2Session(const LibGit2Session&) = delete;
  LibGit2Session& operator=(const LibGit2Session&) = delete;
};

struct RepositoryFree {
  void operator()(git_repository* repo) const { git_repository_free(repo); }
};
using Repository = std::unique_ptr<git_repository, RepositoryFree>;

struct ConfigFree {
  void operator()(git_config* config) const { git_config_free(config); }
};
using Config = std::unique_ptr<git_config, ConfigFree>;

class Buf {
 public:
  Buf() = default;
  ~Buf() { git_buf_dispose(&buf_); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  git_buf* get() { return &buf_; }
  std::string str() const { return buf_.ptr ? std::string(buf_.ptr, buf_.size) : std::string(); }

 private:
  git_buf buf_ = GIT_BUF_INIT;
};

std::string git_error_text() {
  const git_error* error = git_error_last();
  return error && error->message ? error->message : "unknown libgit2 error";
}

// ---------------------------------------------------------------------------------------
// Bytes: ASCII only, as in git (a byte of a multi-byte UTF-8 character is never a letter).

unsigned char ascii_lower(unsigned char c) {
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

// The POSIX classes of a bracket expression ("[[:digit:]]"), over ASCII. The members of
// "space" are git's: not '\v' or '\f' (checked with git check-ignore).
struct NamedClass {
  std::string_view name;
  bool (*member)(unsigned c);
};

constexpr bool is_upper_letter(unsigned c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower_letter(unsigned c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_decimal(unsigned c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_letter(unsigned c) {
  return is_upper_letter(c) || is_lower_letter(c);
}
constexpr bool is_visible(unsigned c) {
  return c > ' ' && c < 0x7f;
}

constexpr NamedClass kNamedClasses[] = {
    {"alnum", [](unsigned c) { return is_letter(c) || is_decimal(c); }},
    {"alpha", [](unsigned c) { return is_letter(c); }},
    {"blank", [](unsigned c) { return c == ' ' || c == '\t'; }},
    {"cntrl", [](unsigned c) { return c < ' ' || c == 0x7f; }},
    {"digit", [](unsigned c) { return is_decimal(c); }},
    {"graph", [](unsigned c) { return is_visible(c); }},
    {"lower", [](unsigned c) { return is_lower_letter(c); }},
    {"print", [](unsigned c) { return c == ' ' || is_visible(c); }},
    {"punct", [](unsigned c) { return is_visible(c) && !is_letter(c) && !is_decimal(c); }},
    {"space", [](unsigned c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }},
    {"upper", [](unsigned c) { return is_upper_letter(c); }},
    {"xdigit",
     [](unsigned c) { return is_decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }},
};

std::optional<ByteSet> named_class(std::string_view name) {
  for (const NamedClass& named : kNamedClasses) {
    if (named.name != name) continue;
    ByteSet set;
    for (unsigned c = 0; c < 0x80; ++c) {
      if (named.member(c)) set.add(static_cast<unsigned char>(c));
    }
    return set;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Globs: the pattern of one rule, compiled into steps.
//
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

// Parses the bracket expression opening at glob[open] into `set`. Returns the index past
// its closing ']', or nullopt with `problem` set when it has none or names an unknown
// class (the glob then matches nothing). The set never has '/'. Inside: a leading '!' or
// '^' negates; a ']' first is a member; '\' escapes the next byte; "x-y" is a range, x
// itself included even when y sorts before it (a '-' first, last, or just after a range
// or a class is a member); "[:name:]" is a class.
std::optional<std::size_t> parse_bracket(std::string_view glob, std::size_t open, bool casefold,
                                         ByteSet& set, std::string& problem) {
  const std::size_t n = glob.size();
  const auto unclosed = [&]() -> std::optional<std::size_t> {
    problem = "has an unclosed '['";
    return std::nullopt;
  };
  std::size_t i = open + 1;
  const bool negated = i < n && (glob[i] == '!' || glob[i] == '^');
  if (negated) ++i;
  ByteSet members;
  for (bool first = true;; first = false) {
    if (i >= n) return unclosed();
    if (glob[i] == ']' && !first) {
      ++i;
      break;
    }
    if (glob[i] == '[' && i + 1 < n && glob[i + 1] == ':') {
      const std::size_t close = glob.find(']', i + 2);
      if (close == std::string_view::npos) return unclosed();
      if (close >= i + 3 && glob[close - 1] == ':') {
        const std::string_view name = glob.substr(i + 2, close - 1 - (i + 2));
        const std::optional<ByteSet> named = named_class(name);
        if (!named) {
          problem = fmt::format("has an unknown class \"[:{}:]\"", name);
          return std::nullopt;
        }
        members.add_all(*named);
        i = close + 1;
        continue;
      }
      // No ":]" before the next ']': the '[' is a plain member.
    }
    // One member byte, perhaps escaped, perhaps starting a range.
    const auto take_byte = [&]() -> std::optional<unsigned char> {
      if (glob[i] == '\\' && ++i >= n) return std::nullopt;
      return static_cast<unsigned char>(glob[i++]);
    };
    const std::optional<unsigned char> low = take_byte();
    if (!low) return unclosed();
    members.add(*low);
    if (i + 1 < n && glob[i] == '-' && glob[i + 1] != ']') {
      ++i;
      const std::optional<unsigned char> high = take_byte();
      if (!high) return unclosed();
      if (*low <= *high) members.add_range(*low, *high);
    }
  }
  if (casefold) members.fold_case();
  if (negated) members.complement();
  members.remove('/');
  set = members;
  return i;
}

// Whether the run of '*' at glob[begin, end) is a whole path component.
bool whole_component(std::string_view glob, std::size_t begin, std::size_t end) {
  const bool starts = begin == 0 || glob[begin - 1] == '/';
  const std::string_view rest = glob.substr(end);
  return starts && (rest.empty() || rest.starts_with('/') || rest.starts_with("\\/"));
}

// Compiles a glob (a rule without its '!', its trailing '/' and, for a rule with a '/',
// its leading '/'). Returns why it can match nothing, if it cannot: then `program` is
// unusable.
std::optional<std::string> compile(std::string_view glob, bool casefold, Program& program) {
  const std::size_t n = glob.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = glob[i];
    Step step;
    if (c == '*') {
      std::size_t end = i;
      while (end < n && glob[end] == '*')
        ++end;
      if (end - i >= 2 && whole_component(glob, i, end)) {
        if (end == n) {
          program.open_end = true;
          break;
        }
        step.kind = StepKind::kDirs;
        end += glob[end] == '/' ? 1 : 2;  // the '/' (perhaps escaped) is part of the step
      } else {
        step.kind = StepKind::kRun;
      }
      i = end;
    } else if (c == '?') {
      step.kind = StepKind::kSet;
      step.set.add_range(0, 255);
      step.set.remove('/');
      ++i;
    } else if (c == '[') {
      std::string problem;
      const std::optional<std::size_t> end = parse_bracket(glob, i, casefold, step.set, problem);
      if (!end) return problem;
      step.kind = StepKind::kSet;
      i = *end;
    } else {
      if (c == '\\' && ++i == n) return "ends with an escaping '\\'";
      const auto byte = static_cast<unsigned char>(glob[i]);
      step.byte = casefold ? ascii_lower(byte) : byte;
      ++i;
    }
    program.steps.push_back(step);
  }
  return std::nullopt;
}

// The steps between a glob's literal ends, as a nondeterministic automaton simulated with
// one bit per state: all its states advance together, one byte of the text at a time.
// A step is one state, except "**/" which is two: its entry, from which it may be passed
// at once (no directory) or entered, and its loop, which takes any byte and leaves after
// a '/'. State k+1 follows state k; the state past the last one accepts. Bytes are grouped
// into the classes the steps cannot tell apart, and the moves tabled per class.
class Automaton {
 public:
  Automaton(std::span<const Step> steps, bool open_end, bool casefold) : open_end_(open_end) {
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

  bool matches(std::string_view text) const {
    return words_ == 1 ? matches_one_word(text) : matches_any_width(text);
  }

 private:
  static void set(std::vector<std::uint64_t>& bits, std::size_t k) {
    bits[k / 64] |= std::uint64_t{1} << (k % 64);
  }

  // Up to 63 states: each state set is one word.
  bool matches_one_word(std::string_view text) const {
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

  // Longer globs: the same over several words.
  bool matches_any_width(std::string_view text) const {
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

  bool open_end_;
  std::size_t accept_ = 0;  // the state past the last one
  std::size_t words_ = 1;   // per state set
  std::array<std::uint8_t, 256> class_of_{};
  std::vector<std::uint64_t> advance_;   // per class: the states a byte moves on from
  std::vector<std::uint64_t> stay_;      // per class: the states a byte leaves in place
  std::vector<std::uint64_t> skip_one_;  // the states passable without a byte to the next
  std::vector<std::uint64_t> skip_two_;  // ... or to the one after it
};

// A compiled glob. Literal bytes at its start (head) and, when it is not open-ended, at
// its end (tail) are compared in place; the common shapes between them have shortcuts,
// the rest runs the automaton.
class Glob {
 public:
  Glob() = default;

  // Never matches when the glob is malformed; `problem`, when given, says why.
  static Glob make(std::string_view text, bool casefold, std::string* problem = nullptr) {
    Glob glob;
    Program program;
    if (std::optional<std::string> why = compile(text, casefold, program)) {
      if (problem != nullptr) *problem = std::move(*why);
      return glob;
    }
    glob.casefold_ = casefold;
    const std::vector<Step>& steps = program.steps;
    const auto literal = [](const Step& step) { return step.kind == StepKind::kByte; };
    const auto head_end = std::find_if_not(steps.begin(), steps.end(), literal);
    auto tail_begin = steps.end();
    if (!program.open_end) {
      while (tail_begin != head_end && literal(*(tail_begin - 1)))
        --tail_begin;
    }
    for (auto it = steps.begin(); it != head_end; ++it)
      glob.head_ += static_cast<char>(it->byte);
    for (auto it = tail_begin; it != steps.end(); ++it)
      glob.tail_ += static_cast<char>(it->byte);
    if (!glob.tail_.empty() || !glob.head_.empty()) {
      glob.last_literal_ =
          static_cast<unsigned char>(glob.tail_.empty() ? glob.head_.back() : glob.tail_.back());
    }
    const std::span<const Step> middle(head_end, tail_begin);
    if (middle.empty()) {
      glob.shape_ = program.open_end ? Shape::kHeadThenAnything : Shape::kLiteral;
    } else if (middle.size() == 1 && !program.open_end && middle[0].kind == StepKind::kRun) {
      glob.shape_ = Shape::kOneRun;
    } else if (middle.size() == 1 && !program.open_end && middle[0].kind == StepKind::kDirs) {
      glob.shape_ = Shape::kDirectories;
    } else {
      glob.shape_ = Shape::kGeneral;
      glob.automaton_ = std::make_shared<const Automaton>(middle, program.open_end, casefold);
    }
    return glob;
  }

  // The bytes a text the glob matches can end with; nullopt when it may end with any.
  std::optional<ByteSet> last_bytes() const {
    ByteSet bytes;
    if (shape_ == Shape::kNever) return bytes;
    if (tail_.empty() && (shape_ != Shape::kLiteral || head_.empty())) return std::nullopt;
    bytes.add(last_literal_);
    if (casefold_) bytes.fold_case();
    return bytes;
  }

  bool matches(std::string_view text) const {
    const std::size_t fixed = head_.size() + tail_.size();
    if (shape_ == Shape::kNever || text.size() < fixed ||
        (shape_ == Shape::kLiteral && text.size() != fixed)) {
      return false;
    }
    // The last literal byte first: most texts fail there, at once.
    if (fixed != 0) {
      const unsigned char last =
          static_cast<unsigned char>(tail_.empty() ? text[head_.size() - 1] : text.back());
      if ((casefold_ ? ascii_lower(last) : last) != last_literal_) return false;
    }
    if (!same(head_, text.data()) || !same(tail_, text.data() + text.size() - tail_.size())) {
      return false;
    }
    const std::string_view middle =
        text.substr(head_.size(), text.size() - head_.size() - tail_.size());
    switch (shape_) {
      case Shape::kLiteral:
        return middle.empty();
      case Shape::kHeadThenAnything:
        return true;
      case Shape::kOneRun:
        return middle.find('/') == std::string_view::npos;
      case Shape::kDirectories:
        return middle.empty() || middle.back() == '/';
      case Shape::kGeneral:
        return automaton_->matches(middle);
      case Shape::kNever:
        break;
    }
    return false;
  }

 private:
  enum class Shape : std::uint8_t {
    kNever,             // malformed
    kLiteral,           // head only
    kHeadThenAnything,  // head, then a trailing "/**" (or "**" alone)
    kOneRun,            // head '*' tail
    kDirectories,       // head "**/" tail
    kGeneral,
  };

  // `literal` is kept in lower case when the glob folds case.
  bool same(std::string_view literal, const char* text) const {
    if (casefold_) {
      for (std::size_t i = 0; i < literal.size(); ++i) {
        if (literal[i] != static_cast<char>(ascii_lower(static_cast<unsigned char>(text[i])))) {
          return false;
        }
      }
      return true;
    }
    for (std::size_t i = 0; i < literal.size(); ++i) {
      if (literal[i] != text[i]) return false;
    }
    return true;
  }

  Shape shape_ = Shape::kNever;
  bool casefold_ = false;
  std::string head_;
  std::string tail_;
  unsigned char last_literal_ = 0;              // the last byte of the tail, else of the head
  std::shared_ptr<const Automaton> automaton_;  // kGeneral
};

// ---------------------------------------------------------------------------------------
// Rules: one line of an ignore file (or one user glob).

// A line without the spaces that end it, unless escaped: "a\ " keeps its last space.
std::string_view without_trailing_spaces(std::string_view line) {
  std::size_t kept = 0;  // the length up to the last byte that stays
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      kept = std::min(i + 2, line.size());  // the escaped byte stays, whatever it is
      ++i;
    } else if (line[i] != ' ') {
      kept = i + 1;
    }
  }
  return line.substr(0, kept);
}

struct Rule {
  Glob glob;
  bool negated = false;           // a leading '!': re-includes
  bool directories_only = false;  // a trailing '/'
  bool any_depth = false;         // no other '/': matches a name at any depth

  static Rule parse(std::string_view line, bool casefold, std::string* problem = nullptr) {
    Rule rule;
    if (line.starts_with('!')) {
      rule.negated = true;
      line.remove_prefix(1);
    }
    if (line.ends_with('/')) {
      rule.directories_only = true;
      line.remove_suffix(1);
    }
    rule.any_depth = line.find('/') == std::string_view::npos;
    // A rule with a '/' is relative to its file's directory, anchored or not.
    if (!rule.any_depth && line.starts_with('/')) line.remove_prefix(1);
    rule.glob = Glob::make(line, casefold, problem);
    return rule;
  }

  // `path`: relative to the top of the work tree; `name`: its last component; `base`: the
  // directory of the rule's file, "" or "dir/".
  bool matches(std::string_view path, std::string_view name, std::string_view base) const {
    if (any_depth) return glob.matches(name);
    return path.size() > base.size() && path.starts_with(base) &&
           glob.matches(path.substr(base.size()));
  }
};

// The rules of one ignore file. `base`: its directory relative to the top of the work
// tree ("" or "dir/"), the paths its rules are relative to.
struct RuleFile {
  std::string base;
  std::vector<Rule> rules;

  // An ignore file's text: a UTF-8 byte order mark at its start is skipped; each line
  // ends at '\n' (with a '\r' before it dropped), and at a NUL byte if it has one; what
  // is blank once its trailing spaces are trimmed, and what starts with '#', is no rule.
  void read(std::string_view text, bool casefold) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    while (!text.empty()) {
      const std::size_t newline = text.find('\n');
      std::string_view line = text.substr(0, newline);
      text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
      if (line.ends_with('\r')) line.remove_suffix(1);
      line = without_trailing_spaces(line.substr(0, line.find('\0')));
      if (line.empty() || line.front() == '#') continue;
      rules.push_back(Rule::parse(line, casefold));
    }
    index();
  }

  // To call once the rules are in: lets last_match skip most rules of a long file.
  void index() {
    by_last_byte_.clear();
    anywhere_.clear();
    indexed_ = rules.size() >= 8;
    if (!indexed_) return;
    std::vector<std::optional<ByteSet>> endings;
    for (const Rule& rule : rules)
      endings.push_back(rule.glob.last_bytes());
    for (unsigned c = 0; c < 256; ++c) {
      list_begin_[c] = static_cast<std::uint32_t>(by_last_byte_.size());
      for (std::size_t i = rules.size(); i-- > 0;) {
        if (endings[i] && endings[i]->has(static_cast<unsigned char>(c))) {
          by_last_byte_.push_back(static_cast<std::uint32_t>(i));
        }
      }
    }
    list_begin_[256] = static_cast<std::uint32_t>(by_last_byte_.size());
    for (std::size_t i = rules.size(); i-- > 0;) {
      if (!endings[i]) anywhere_.push_back(static_cast<std::uint32_t>(i));
    }
  }

  // The last rule matching the path, the one that decides; null when none does.
  const Rule* last_match(std::string_view path, std::string_view name, bool is_directory) const {
    const auto decides = [&](const Rule& rule) {
      return (!rule.directories_only || is_directory) && rule.matches(path, name, base);
    };
    if (!indexed_ || path.empty()) {
      for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
        if (decides(*it)) return &*it;
      }
      return nullptr;
    }
    // The rules that may match a text ending with the path's last byte, and those that
    // may match any: two lists, last rule first, walked together.
    const auto c = static_cast<unsigned char>(path.back());
    std::size_t ending = list_begin_[c];
    const std::size_t ending_end = list_begin_[c + 1];
    std::size_t any = 0;
    while (ending != ending_end || any != anywhere_.size()) {
      const bool take_ending = any == anywhere_.size() ||
                               (ending != ending_end && by_last_byte_[ending] > anywhere_[any]);
      const Rule& rule = rules[take_ending ? by_last_byte_[ending++] : anywhere_[any++]];
      if (decides(rule)) return &rule;
    }
    return nullptr;
  }

 private:
  bool indexed_ = false;
  std::vector<std::uint32_t> by_last_byte_;      // per byte, the rules a text must end
                                                 // with it to match, last rule first
  std::array<std::uint32_t, 257> list_begin_{};  // where each byte's rules start
  std::vector<std::uint32_t> anywhere_;          // the other rules, last first
};

// The contents of a file; empty when it does not exist. Per-directory .gitignore files
// are not followed when they are symbolic links, as git (since 2.32) does not.
std::optional<std::string> read_file(const std::filesystem::path& path, bool follow_link,
                                     std::string& error) {
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_link ? 0 : O_NOFOLLOW));
  if (fd < 0) {
    if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
      error = fmt::format("{}: {}", path.string(),
                          std::error_code(errno, std::generic_category()).message());
    }
    return std::nullopt;
  }
  std::string content;
  char buffer[1 << 14];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      content.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;  // a directory named .gitignore reads as an error: no rules, as in git
    }
  }
  ::close(fd);
  return content;
}

// ---------------------------------------------------------------------------------------
// Paths: '/'-separated.

struct Split {
  std::string_view parent;  // "" at the top
  std::string_view name;
};

Split split_last(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {.parent = {}, .name = path};
  return {.parent = path.substr(0, slash), .name = path.substr(slash + 1)};
}

// A trailing '/' says "directory", as in git's own path arguments.
std::string_view strip_trailing_slashes(std::string_view relative, bool& is_directory) {
  while (!relative.empty() && relative.back() == '/') {
    relative.remove_suffix(1);
    is_directory = true;
  }
  return relative;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Why a user glob can never match a path, if it cannot (besides the glob errors
// Rule::parse reports).
std::optional<std::string> glob_problem(std::string_view glob) {
  std::string_view body = glob;
  if (body.starts_with('!')) body.remove_prefix(1);
  while (body.ends_with('/'))
    body.remove_suffix(1);
  if (body.starts_with('/')) body.remove_prefix(1);
  if (body.empty()) return "matches nothing";
  if (body.find('\n') != std::string_view::npos) return "has a line break";
  if (body.find('\0') != std::string_view::npos) return "has a NUL byte";
  if (body.find("//") != std::string_view::npos) return "has an empty path component";
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------

struct IgnoreRules::State {
  // The rule files that apply inside one directory: its .gitignore, then its parent's
  // level, up to the top of the work tree (deepest first: a deeper file wins).
  struct Level {
    std::shared_ptr<const Level> parent;
    RuleFile file;
  };
  // What git says of one directory (cached: each is decided once).
  struct Directory {
    bool ignored = false;                // it, or a directory above it
    std::shared_ptr<const Level> level;  // the rules inside it; null when ignored
  };

  LibGit2Session session;  // declared before `repo`: outlives it
  Repository repo;         // null: outside any work tree
  std::filesystem::path workdir;
  std::string prefix;  // the root relative to the work tree: "" or "sub/dir/"
  bool casefold = false;
  std::vector<RuleFile> globals;  // the global excludes file, then info/exclude
  RuleFile user_globs;            // base "": relative to the root
  mutable std::string problems;
  mutable StringMap<Directory> directories;  // keyed relative to the work tree
  mutable StringMap<bool> excluded_directories;

  void add_problem(std::string_view problem) const {
    if (!problems.empty()) problems += "; ";
    problems += problem;
  }

  // Whether git's rules ignore a path, given the level of its directory (the path itself
  // not below an ignored directory): the first file with a rule matching the path decides,
  // the .gitignore files from the deepest up, then info/exclude, then the global excludes
  // file; within a file, its last matching rule.
  bool git_verdict(std::string_view path, bool is_directory, const Level* level) const {
    const std::string_view name = split_last(path).name;
    if (name == ".git") return true;  // never part of the work tree
    for (; level != nullptr; level = level->parent.get()) {
      if (const Rule* rule = level->file.last_match(path, name, is_directory)) {
        return !rule->negated;
      }
    }
    for (auto file = globals.rbegin(); file != globals.rend(); ++file) {
      if (const Rule* rule = file->last_match(path, name, is_directory)) return !rule->negated;
    }
    return false;
  }

  // A directory is ignored when one above it is, or when the rules of the directories
  // above it (not its own .gitignore) ignore it; its own .gitignore applies inside it.
  const Directory& directory(std::string_view path) const {
    if (const auto it = directories.find(path); it != directories.end()) return it->second;
    Directory entry;
    if (path.empty()) {
      entry.level = read_level("", nullptr);
    } else {
      const Directory& parent = directory(split_last(path).parent);  // map nodes stay put
      const std::string full(path);
      entry.ignored = parent.ignored || git_verdict(full, true, parent.level.get());
      if (!entry.ignored) entry.level = read_level(full + "/", parent.level);
    }
    return directories.emplace(std::string(path), std::move(entry)).first->second;
  }

  std::shared_ptr<const Level> read_level(const std::string& base,
                                          std::shared_ptr<const Level> parent) const {
    std::string error;
    const std::optional<std::string> content =
        read_file(workdir / base / ".gitignore", /*follow_link=*/false, error);
    if (!error.empty()) add_problem(error);
    if (!content) return parent;  // nothing new: share the parent's level
    auto level = std::make_shared<Level>();
    level->parent = std::move(parent);
    level->file.base = base;
    level->file.read(*content, casefold);
    return level;
  }

  bool user_verdict(std::string_view relative, bool is_directory) const {
    const Rule* rule = user_globs.last_match(relative, split_last(relative).name, is_directory);
    return rule != nullptr && !rule->negated;
  }

  bool directory_excluded(std::string_view relative) const {
    if (relative.empty()) return false;
    if (const auto it = excluded_directories.find(relative); it != excluded_directories.end()) {
      return it->second;
    }
    const bool excluded =
        directory_excluded(split_last(relative).parent) || user_verdict(relative, true);
    excluded_directories.emplace(std::string(relative), excluded);
    return excluded;
  }

  void open_repository(const std::filesystem::path& root);
  void read_configuration();
  void add_global(const std::filesystem::path& file);
};

void IgnoreRules::State::open_repository(const std::filesystem::path& root) {
  git_repository* raw = nullptr;
  const int error = git_repository_open_ext(&raw, root.c_str(), 0, nullptr);
  if (error == GIT_ENOTFOUND) return;
  if (error < 0) {
    add_problem(fmt::format("git repository: {}", git_error_text()));
    return;
  }
  Repository opened(raw);
  const char* top = git_repository_workdir(opened.get());
  if (git_repository_is_bare(opened.get()) || top == nullptr) return;  // git applies no rules
  std::error_code ec;
  const std::filesystem::path canonical_top = std::filesystem::canonical(top, ec);
  const std::filesystem::path canonical_root =
      ec ? std::filesystem::path() : std::filesystem::canonical(root, ec);
  if (ec) {
    add_problem(fmt::format("git repository: {}", ec.message()));
    return;
  }
  const std::filesystem::path relative = canonical_root.lexically_relative(canonical_top);
  if (relative.empty() || *relative.begin() == "..") {
    add_problem(fmt::format("git repository: {} is not inside its work tree {}",
                            canonical_root.string(), canonical_top.string()));
    return;
  }
  if (relative != ".") prefix = relative.generic_string() + "/";
  workdir = canonical_top;
  repo = std::move(opened);
}

// What git reads besides the .gitignore files: core.excludesFile (default: "ignore" in
// the XDG configuration directory) and $GIT_COMMON_DIR/info/exclude; core.ignoreCase.
void IgnoreRules::State::read_configuration() {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo.get()) < 0) {
    add_problem(fmt::format("git configuration: {}", git_error_text()));
    return;
  }
  const Config config(raw);
  int ignore_case = 0;
  if (git_config_get_bool(&ignore_case, config.get(), "core.ignorecase") < 0) git_error_clear();
  casefold = ignore_case != 0;

  Buf excludes;
  if (git_config_get_path(excludes.get(), config.get(), "core.excludesfile") == 0) {
    std::filesystem::path file = excludes.str();
    if (file.is_relative()) file = workdir / file;  // git reads it from the top level
    add_global(file);
  } else {
    git_error_clear();
    Buf xdg;
    if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, xdg.get()) == 0) {
      std::istringstream dirs(xdg.str());
      std::string dir;
      std::getline(dirs, dir, GIT_PATH_LIST_SEPARATOR);  // git has one XDG directory
      if (!dir.empty()) add_global(std::filesystem::path(dir) / "ignore");
    }
  }
  Buf info;
  if (git_repository_item_path(info.get(), repo.get(), GIT_REPOSITORY_ITEM_INFO) == 0) {
    add_global(std::filesystem::path(info.str()) / "exclude");
  }
}

void IgnoreRules::State::add_global(const std::filesystem::path& file) {
  std::string error;
  const std::optional<std::string> content = read_file(file, /*follow_link=*/true, error);
  if (!error.empty()) add_problem(error);
  if (!content) return;
  RuleFile rules;
  rules.read(*content, casefold);
  globals.push_back(std::move(rules));
}

IgnoreRules IgnoreRules::open(const std::filesystem::path& root,
                              const std::vector<std::string>& exclude_globs) {
  auto state = std::make_unique<State>();
  for (const std::string& glob : exclude_globs) {
    // Leading blanks trimmed too: a glob is not a file line that could mean them.
    std::string_view text = glob;
    text.remove_prefix(std::min(text.find_first_not_of(" \t"), text.size()));
    text = without_trailing_spaces(text);
    std::string problem = glob_problem(text).value_or("");
    Rule rule;
    if (problem.empty()) rule = Rule::parse(text, /*casefold=*/false, &problem);
    if (problem.empty()) {
      state->user_globs.rules.push_back(std::move(rule));
    } else {
      state->add_problem(fmt::format("exclude glob \"{}\" {}", glob, problem));
    }
  }
  state->user_globs.index();
  state->open_repository(root);
  if (state->repo) state->read_configuration();
  // A root its own repository ignores (a Python under ~/.pyenv/versions, a vendored tree
  // under build/) was chosen on purpose: it is walked as if outside the repository, not
  // left out whole.
  if (state->repo && !state->prefix.empty()) {
    std::string root_path = state->prefix;
    while (!root_path.empty() && root_path.back() == '/')
      root_path.pop_back();
    if (state->directory(root_path).ignored) state->repo.reset();
  }
  return IgnoreRules(std::move(state));
}

IgnoreRules::IgnoreRules(std::unique_ptr<State> state) : state_(std::move(state)) {}
IgnoreRules::IgnoreRules(IgnoreRules&&) noexcept = default;
IgnoreRules& IgnoreRules::operator=(IgnoreRules&&) noexcept = default;
IgnoreRules::~IgnoreRules() = default;

bool IgnoreRules::in_repository() const {
  return state_->repo != nullptr;
}

bool IgnoreRules::git_ignored(std::string_view relative, bool is_directory) const {
  if (!state_->repo) return false;
  relative = strip_trailing_slashes(relative, is_directory);
  std::string path = state_->prefix;
  path += relative;
  while (!path.empty() && path.back() == '/')
    path.pop_back();  // the root itself
  if (is_directory || path.empty()) return state_->directory(path).ignored;
  const State::Directory& parent = state_->directory(split_last(path).parent);
  // Nothing below an ignored directory can be re-included.
  return parent.ignored || state_->git_verdict(path, false, parent.level.get());
}

bool IgnoreRules::excluded(std::string_view relative, bool is_directory) const {
  if (state_->user_globs.rules.empty()) return false;
  relative = strip_trailing_slashes(relative, is_directory);
  if (relative.empty()) return false;
  if (is_directory) return state_->directory_excluded(relative);
  return state_->directory_excluded(split_last(relative).parent) ||
         state_->user_verdict(relative, false);
}

std::string IgnoreRules::problems() const {
  return state_->problems;
}

}  // namespace chunkls
